import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { offlineChatModel } from '../../../test/helpers/catalogue.js';
import type { ProblemResult } from './eval-run.js';
import { buildReport, renderMarkdown, summaryText, totalsOf, writeReports } from './report.js';

/** The totals, the printed summary and the two report files. */

const result = (
  taskId: string,
  outcome: ProblemResult['outcome'],
  modelMs: number,
  message: string | null = null,
): ProblemResult => ({
  taskId,
  outcome,
  message,
  modelMs,
  firstTokenMs: 10,
  completionTokens: 7,
  runMs: 50,
  output: 'out',
  code: 'code',
});

const RESULTS = [
  result('T/0', 'passed', 1000),
  result('T/1', 'failed', 2000, 'AssertionError: a | b\nmore'),
  result('T/2', 'timed-out', 3000, 'stopped after 10 s'),
  result('T/3', 'no-code', 500),
  result('T/4', 'error', 1500, 'x'.repeat(300)),
];

const MODEL = offlineChatModel({ id: 'coder', name: 'Coder', model: 'm' });

function report(
  stoppedEarly: string | null,
  limit: number | null = null,
  options: { results?: ProblemResult[]; maxTokens?: number; problems?: number } = {},
) {
  return buildReport({
    model: MODEL,
    dataset: {
      problems: Array.from({ length: options.problems ?? 0 }, () => ({
        task_id: 't',
        prompt: 'p',
        test: 't',
        entry_point: 'e',
      })),
      source: 'HumanEval.jsonl.gz',
      sha256: 'ab'.repeat(32),
    },
    settings: {
      limit,
      temperature: 0,
      maxTokens: options.maxTokens ?? null,
      timeoutMs: 10_000,
      memoryBytes: 1024 * 1_048_576,
    },
    python: '3.11.7',
    startedAt: new Date('2025-03-04T05:06:07.890Z'),
    finishedAt: new Date('2025-03-04T05:16:07.000Z'),
    results: options.results ?? RESULTS,
    stoppedEarly,
  });
}

/** The whole Markdown report of a Coder run here: what differs between runs, in the report's fixed frame. */
function expectedMarkdown(run: {
  headline: string;
  totals: string;
  data: string;
  maxTokens: string;
  rows: string[];
}): string {
  return [
    '# Eval: Coder (coder)',
    '',
    run.headline,
    '',
    '| Passed | Failed | Timed out | No code | Errors | Model time |',
    '| --- | --- | --- | --- | --- | --- |',
    run.totals,
    '',
    '## Settings',
    '',
    '- Model: coder, openai-compatible, prompt format chat',
    `- Data: HumanEval.jsonl.gz (sha256 ${'ab'.repeat(32)}), ${run.data}`,
    `- Temperature 0, max tokens ${run.maxTokens}`,
    '- Time limit 10 s and memory limit 1024 MiB per program; Python 3.11.7',
    '- Instruction: Complete the following Python function. Answer with the whole function in one Python code block.',
    '- Started 2025-03-04T05:06:07.890Z, finished 2025-03-04T05:16:07.000Z',
    '',
    '## Problems',
    '',
    '| Task | Outcome | Model time | Tokens | Detail |',
    '| --- | --- | --- | --- | --- |',
    ...run.rows,
    '',
  ].join('\n');
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-report-'));
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('eval reports', () => {
  it('counts every outcome; pass@1 is passed over problems run', () => {
    expect(totalsOf(RESULTS)).toEqual({
      problems: 5,
      passed: 1,
      failed: 1,
      timedOut: 1,
      noCode: 1,
      error: 1,
      passAt1: 0.2,
      modelMs: 8000,
    });
    expect(totalsOf([]).passAt1).toBe(0);
  });

  it('prints a summary, saying when the run is incomplete', () => {
    expect(summaryText(report(null))).toBe(
      'pass@1 20.0% (1/5) Coder (coder)\n' +
        '  passed 1, failed 1, timed out 1, no code 1, errors 1\n' +
        '  model time 8.0 s in all, 1.6 s per problem\n',
    );
    expect(summaryText(report('interrupted', 12, { problems: 164 }))).toContain(
      '  incomplete: interrupted; 5 of 12 problems ran\n',
    );
    expect(summaryText(report('interrupted', null, { problems: 164 }))).toContain(
      '; 5 of 164 problems ran\n',
    );
    // Stopped before the first answer: nothing to divide by, and it still reads well.
    expect(summaryText(report('interrupted', null, { problems: 164, results: [] }))).toBe(
      'pass@1 0.0% (0/0) Coder (coder)\n' +
        '  passed 0, failed 0, timed out 0, no code 0, errors 0\n' +
        '  model time 0.0 s in all, 0.0 s per problem\n' +
        '  incomplete: interrupted; 0 of 164 problems ran\n',
    );
  });

  it('records the settings used', () => {
    expect(report(null).settings).toEqual({
      limit: null,
      temperature: 0,
      maxTokens: null,
      timeoutSeconds: 10,
      memoryMiB: 1024,
      instruction:
        'Complete the following Python function. Answer with the whole function in one Python code block.',
      python: '3.11.7',
    });
    expect(report(null)).toMatchObject({ complete: true, stoppedEarly: null });
    expect(report(null, null, { problems: 3 }).dataset).toEqual({
      source: 'HumanEval.jsonl.gz',
      sha256: 'ab'.repeat(32),
      problems: 3,
    });
    expect(report(null).model).toEqual({
      id: 'coder',
      name: 'Coder',
      provider: 'openai-compatible',
      format: 'chat',
    });
    expect(report('interrupted')).toMatchObject({ complete: false, stoppedEarly: 'interrupted' });
  });

  it('writes <model>-<timestamp>.json and .md; table cells stay on one line', () => {
    // A folder inside the temporary one: even a broken file name (a mutant's) stays inside what afterAll removes.
    const out = path.join(dir, 'reports');
    const files = writeReports(report(null), out);
    expect(files).toEqual({
      json: path.join(out, 'coder-2025-03-04T05-06-07Z.json'),
      markdown: path.join(out, 'coder-2025-03-04T05-06-07Z.md'),
    });
    expect(fs.readdirSync(out).sort()).toEqual([
      'coder-2025-03-04T05-06-07Z.json',
      'coder-2025-03-04T05-06-07Z.md',
    ]);
    expect(JSON.parse(fs.readFileSync(files.json, 'utf8'))).toEqual(report(null));
    const md = fs.readFileSync(files.markdown, 'utf8');
    expect(md).toBe(renderMarkdown(report(null)));
    expect(md).toContain('**pass@1 20.0%** (1 of 5 problems)');
    expect(md).toContain('| T/1 | failed | 2.0 s | 7 | AssertionError: a \\| b more |');
    expect(md).toContain(`| T/4 | error | 1.5 s | 7 | ${'x'.repeat(119)}… |`);
  });
});

describe('what the reports say', () => {
  it('records the model, the data set and the times', () => {
    expect(report(null)).toMatchObject({
      model: { id: 'coder', name: 'Coder', provider: 'openai-compatible', format: 'chat' },
      dataset: { source: 'HumanEval.jsonl.gz', sha256: 'ab'.repeat(32), problems: 0 },
      startedAt: '2025-03-04T05:06:07.890Z',
      finishedAt: '2025-03-04T05:16:07.000Z',
    });
  });

  it('writes the whole Markdown report', () => {
    expect(renderMarkdown(report(null))).toBe(
      expectedMarkdown({
        headline: '**pass@1 20.0%** (1 of 5 problems)',
        totals: '| 1 | 1 | 1 | 1 | 1 | 8.0 s |',
        data: '0 problems',
        maxTokens: "the model's default",
        rows: [
          '| T/0 | passed | 1.0 s | 7 |  |',
          '| T/1 | failed | 2.0 s | 7 | AssertionError: a \\| b more |',
          '| T/2 | timed-out | 3.0 s | 7 | stopped after 10 s |',
          '| T/3 | no-code | 0.5 s | 7 |  |',
          `| T/4 | error | 1.5 s | 7 | ${'x'.repeat(119)}… |`,
        ],
      }),
    );
  });

  it('renders the Markdown report a person reads', () => {
    const partial = report('interrupted', 2, {
      problems: 3,
      maxTokens: 300,
      results: [result('T/0', 'passed', 1000), result('T/1', 'failed', 2000, 'AssertionError')],
    });
    expect(renderMarkdown(partial)).toBe(
      expectedMarkdown({
        headline: '**pass@1 50.0%** (1 of 2 problems). Incomplete: interrupted.',
        totals: '| 1 | 1 | 0 | 0 | 0 | 3.0 s |',
        data: '3 problems, --limit 2',
        maxTokens: '300',
        rows: ['| T/0 | passed | 1.0 s | 7 |  |', '| T/1 | failed | 2.0 s | 7 | AssertionError |'],
      }),
    );
    expect(renderMarkdown(report(null))).toContain("- Temperature 0, max tokens the model's default\n");
  });

  it('keeps each detail to one trimmed line of at most 120 characters', () => {
    const cells = (message: string): string =>
      renderMarkdown(report(null, null, { results: [result('T/9', 'failed', 0, message)] }))
        .trimEnd()
        .split('\n')
        .at(-1) ?? '';
    expect(cells('  Error:   a\t\n b  ')).toBe('| T/9 | failed | 0.0 s | 7 | Error: a b |');
    expect(cells('y'.repeat(120))).toBe(`| T/9 | failed | 0.0 s | 7 | ${'y'.repeat(120)} |`);
    expect(cells('y'.repeat(121))).toBe(`| T/9 | failed | 0.0 s | 7 | ${'y'.repeat(119)}… |`);
  });
});
