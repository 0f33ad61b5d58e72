import { repairInstruction } from '../../shared/repair/repair-format.js';
import type { ProblemResult } from './eval-run.js';
import { REPAIR_EVAL_INSTRUCTION } from './program.js';

/**
 * What --repair adds to eval's reports: pass@1 without and with repair
 * side by side, the fix rounds used, and time per problem.
 */

/** Where the "without repair" figure comes from, written into every repair report. */
export const WITHOUT_REPAIR_MEANS =
  'the first answer of this same run (the prompt that asks for the code and tests), scored on the hidden tests';

/** The instruction before each prompt with --repair (then the prompt, then the loop's format instruction). */
export const REPAIR_INSTRUCTION_TEXT = `${REPAIR_EVAL_INSTRUCTION} … ${repairInstruction('python')}`;

/** The repair part of a report. */
export interface RepairSummary {
  /** --repair N: fix rounds allowed after the first answer. */
  rounds: number;
  /** What "without repair" is (WITHOUT_REPAIR_MEANS). */
  withoutRepairIs: string;
  withoutRepair: { passed: number; passAt1: number };
  withRepair: { passed: number; passAt1: number };
  /** Problems whose own tests passed in the loop (the model's tests: no proof beyond what they check). */
  ownTestsPassed: number;
  /** fixesUsed[k]: problems that used k fix rounds, k = 0 … N. */
  fixesUsed: number[];
  /** Mean fix rounds per problem. */
  meanFixes: number;
  /** Mean time per problem, the model's and the runs' (ms). */
  msPerProblem: number;
}

const ratio = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

/** The repair summary of a run's results. */
export function repairSummaryOf(results: ProblemResult[], rounds: number): RepairSummary {
  const fixesUsed = Array.from({ length: rounds + 1 }, () => 0);
  let firstPassed = 0;
  let ownTestsPassed = 0;
  let fixes = 0;
  let ms = 0;
  for (const r of results) {
    ms += r.modelMs + (r.runMs ?? 0);
    if (r.repair === undefined) {
      continue;
    }
    firstPassed += r.repair.first.outcome === 'passed' ? 1 : 0;
    ownTestsPassed += r.repair.loop.status === 'passed' ? 1 : 0;
    fixes += r.repair.fixes;
    fixesUsed[r.repair.fixes] = (fixesUsed[r.repair.fixes] ?? 0) + 1;
  }
  const passed = results.filter((r) => r.outcome === 'passed').length;
  return {
    rounds,
    withoutRepairIs: WITHOUT_REPAIR_MEANS,
    withoutRepair: { passed: firstPassed, passAt1: ratio(firstPassed, results.length) },
    withRepair: { passed, passAt1: ratio(passed, results.length) },
    ownTestsPassed,
    fixesUsed,
    meanFixes: ratio(fixes, results.length),
    msPerProblem: Math.round(ratio(ms, results.length)),
  };
}

/** "33.3%" */
const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** "0 fixes: 1, 1 fix: 2" */
function fixesText(fixesUsed: number[]): string {
  return fixesUsed.map((count, k) => `${k} ${k === 1 ? 'fix' : 'fixes'}: ${count}`).join(', ');
}

/** The lines the printed summary gets after its first line. */
export function repairSummaryLines(s: RepairSummary, problems: number): string[] {
  return [
    `  without repair ${percent(s.withoutRepair.passAt1)} (${s.withoutRepair.passed}/${problems}), with repair (--repair ${s.rounds}) ${percent(s.withRepair.passAt1)} (${s.withRepair.passed}/${problems})`,
    `  without repair is ${s.withoutRepairIs}`,
    `  fix rounds used: ${fixesText(s.fixesUsed)}; mean ${s.meanFixes.toFixed(2)}; own tests passed in ${s.ownTestsPassed} of ${problems}`,
    `  time per problem ${seconds(s.msPerProblem)} (model and runs)`,
  ];
}

/** A table cell: one line, pipes escaped. */
const cell = (text: string): string => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();

/** The Markdown section of a repair run. */
export function repairMarkdown(s: RepairSummary, problems: ProblemResult[]): string[] {
  const rows = problems.map((p) => {
    const r = p.repair;
    const loop = r === undefined ? '' : r.loop.status;
    return `| ${cell(p.taskId)} | ${r?.first.outcome ?? ''} | ${p.outcome} | ${r?.fixes ?? ''} | ${loop} | ${seconds(p.modelMs + (p.runMs ?? 0))} |`;
  });
  return [
    `## Repair (--repair ${s.rounds})`,
    '',
    '| | pass@1 | Passed |',
    '| --- | --- | --- |',
    `| Without repair | ${percent(s.withoutRepair.passAt1)} | ${s.withoutRepair.passed} |`,
    `| With repair | ${percent(s.withRepair.passAt1)} | ${s.withRepair.passed} |`,
    '',
    `Without repair is ${s.withoutRepairIs}. With repair is the final code of the loop (the model saw only its own tests' results), scored on the same hidden tests.`,
    '',
    `- Fix rounds used: ${fixesText(s.fixesUsed)}; mean ${s.meanFixes.toFixed(2)}`,
    `- The model's own tests passed in ${s.ownTestsPassed} of ${problems.length} problems`,
    `- Time per problem: ${seconds(s.msPerProblem)} (model and runs)`,
    '',
    '| Task | Without repair | With repair | Fixes | Own tests | Time |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ];
}
