import fs from 'node:fs';
import path from 'node:path';
import type { ModelEntry } from '../models/catalogue.js';
import type { Dataset } from './dataset.js';
import type { EvalSettings, Outcome, ProblemResult } from './eval-run.js';
import { EVAL_INSTRUCTION } from './program.js';
import {
  REPAIR_INSTRUCTION_TEXT,
  repairMarkdown,
  repairSummaryLines,
  repairSummaryOf,
  type RepairSummary,
} from './repair-report.js';

/** The totals of a run and the reports it leaves under DATA_DIR/eval/. */

export interface Totals {
  /** Problems that ran to an outcome. */
  problems: number;
  passed: number;
  failed: number;
  timedOut: number;
  noCode: number;
  error: number;
  /** passed / problems (one greedy sample each), 0 when none ran. */
  passAt1: number;
  /** The model's time over all problems, in ms. */
  modelMs: number;
}

/** The JSON report; the Markdown one shows the same. */
export interface EvalReport {
  model: { id: string; name: string; provider: ModelEntry['provider']; format: ModelEntry['format'] };
  dataset: { source: string; sha256: string; problems: number };
  settings: Omit<EvalSettings, 'timeoutMs' | 'memoryBytes'> & {
    timeoutSeconds: number;
    memoryMiB: number;
    instruction: string;
    python: string;
  };
  startedAt: string;
  finishedAt: string;
  /** False when the run stopped before the last problem. */
  complete: boolean;
  /** Why it stopped early ("interrupted", or the model kept failing); null when complete. */
  stoppedEarly: string | null;
  totals: Totals;
  /** With --repair: pass@1 without and with repair, fix rounds used, time per problem. */
  repair?: RepairSummary;
  problems: ProblemResult[];
}

const COUNTED: Record<Outcome, keyof Omit<Totals, 'problems' | 'passAt1' | 'modelMs'>> = {
  passed: 'passed',
  failed: 'failed',
  'timed-out': 'timedOut',
  'no-code': 'noCode',
  error: 'error',
};

/** Counts the outcomes. */
export function totalsOf(results: ProblemResult[]): Totals {
  const totals: Totals = {
    problems: results.length,
    passed: 0,
    failed: 0,
    timedOut: 0,
    noCode: 0,
    error: 0,
    passAt1: 0,
    modelMs: 0,
  };
  for (const r of results) {
    totals[COUNTED[r.outcome]] += 1;
    totals.modelMs += r.modelMs;
  }
  totals.passAt1 = results.length === 0 ? 0 : totals.passed / results.length;
  return totals;
}

/** "33.3%" */
export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The summary printed at the end of a run. */
export function summaryText(report: EvalReport): string {
  const t = report.totals;
  const average = t.problems === 0 ? 0 : t.modelMs / t.problems;
  const lines = [
    `pass@1 ${percent(t.passAt1)} (${t.passed}/${t.problems}) ${report.model.name} (${report.model.id})${report.repair === undefined ? '' : ` with repair (--repair ${report.repair.rounds})`}`,
    ...(report.repair === undefined ? [] : repairSummaryLines(report.repair, t.problems)),
    `  passed ${t.passed}, failed ${t.failed}, timed out ${t.timedOut}, no code ${t.noCode}, errors ${t.error}`,
    `  model time ${seconds(t.modelMs)} in all, ${seconds(average)} per problem`,
  ];
  if (!report.complete) {
    const planned = Math.min(report.settings.limit ?? Infinity, report.dataset.problems);
    lines.push(`  incomplete: ${report.stoppedEarly ?? 'stopped'}; ${t.problems} of ${planned} problems ran`);
  }
  return `${lines.join('\n')}\n`;
}

/** A table cell: one line, pipes escaped, at most 120 characters. */
function cell(text: string): string {
  const line = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/** The Markdown report. */
export function renderMarkdown(report: EvalReport): string {
  const t = report.totals;
  const s = report.settings;
  const rows = report.problems.map(
    (p) =>
      `| ${cell(p.taskId)} | ${p.outcome} | ${seconds(p.modelMs)} | ${p.completionTokens} | ${cell(p.message ?? '')} |`,
  );
  return [
    `# Eval: ${report.model.name} (${report.model.id})`,
    '',
    `**pass@1 ${percent(t.passAt1)}** (${t.passed} of ${t.problems} problems)${report.complete ? '' : `. Incomplete: ${report.stoppedEarly ?? 'stopped'}.`}`,
    '',
    '| Passed | Failed | Timed out | No code | Errors | Model time |',
    '| --- | --- | --- | --- | --- | --- |',
    `| ${t.passed} | ${t.failed} | ${t.timedOut} | ${t.noCode} | ${t.error} | ${seconds(t.modelMs)} |`,
    '',
    ...(report.repair === undefined ? [] : repairMarkdown(report.repair, report.problems)),
    '## Settings',
    '',
    `- Model: ${report.model.id}, ${report.model.provider}, prompt format ${report.model.format}`,
    `- Data: ${report.dataset.source} (sha256 ${report.dataset.sha256}), ${report.dataset.problems} problems${s.limit === null ? '' : `, --limit ${s.limit}`}`,
    `- Temperature ${s.temperature}, max tokens ${s.maxTokens ?? "the model's default"}`,
    `- Time limit ${s.timeoutSeconds} s and memory limit ${s.memoryMiB} MiB per program; Python ${s.python}`,
    `- Instruction: ${s.instruction}`,
    `- Started ${report.startedAt}, finished ${report.finishedAt}`,
    '',
    '## Problems',
    '',
    '| Task | Outcome | Model time | Tokens | Detail |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/** The report of a run. */
export function buildReport(input: {
  model: ModelEntry;
  dataset: Dataset;
  settings: EvalSettings;
  python: string;
  startedAt: Date;
  finishedAt: Date;
  results: ProblemResult[];
  stoppedEarly: string | null;
}): EvalReport {
  const { timeoutMs, memoryBytes, ...rest } = input.settings;
  return {
    model: {
      id: input.model.id,
      name: input.model.name,
      provider: input.model.provider,
      format: input.model.format,
    },
    dataset: {
      source: input.dataset.source,
      sha256: input.dataset.sha256,
      problems: input.dataset.problems.length,
    },
    settings: {
      ...rest,
      timeoutSeconds: timeoutMs / 1000,
      memoryMiB: Math.round(memoryBytes / 1_048_576),
      instruction: input.settings.repair === undefined ? EVAL_INSTRUCTION : REPAIR_INSTRUCTION_TEXT,
      python: input.python,
    },
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    complete: input.stoppedEarly === null,
    stoppedEarly: input.stoppedEarly,
    totals: totalsOf(input.results),
    ...(input.settings.repair === undefined
      ? {}
      : { repair: repairSummaryOf(input.results, input.settings.repair) }),
    problems: input.results,
  };
}

/** Writes `<model>-<timestamp>.json` and `.md` into `dir`; returns their paths. */
export function writeReports(report: EvalReport, dir: string): { json: string; markdown: string } {
  fs.mkdirSync(dir, { recursive: true });
  // Colons are not allowed in Windows file names; the time stays sortable.
  const stamp = report.startedAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const base = path.join(dir, `${report.model.id}-${stamp}`);
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(`${base}.md`, renderMarkdown(report));
  return { json: `${base}.json`, markdown: `${base}.md` };
}
