import { describe, expect, it } from 'vitest';
import { offlineChatModel } from '../../../test/helpers/catalogue.js';
import type { RepairRecord } from './eval-repair.js';
import type { Outcome, ProblemResult } from './eval-run.js';
import { buildReport, renderMarkdown, summaryText } from './report.js';
import { repairSummaryOf, WITHOUT_REPAIR_MEANS } from './repair-report.js';

/** What --repair adds to the totals, the printed summary and the Markdown report. */

const repaired = (
  taskId: string,
  first: Outcome,
  final: Outcome,
  fixes: number,
  loop: RepairRecord['loop']['status'],
): ProblemResult => ({
  taskId,
  outcome: final,
  message: null,
  modelMs: 2000,
  firstTokenMs: 10,
  completionTokens: 7,
  runMs: 1000,
  output: 'out',
  code: 'code',
  repair: {
    first: { outcome: first, message: null, code: 'first code' },
    loop:
      loop === 'failed'
        ? { status: 'failed', fixes, lastRun: { status: 'failed', output: '', durationMs: 1 } }
        : loop === 'passed'
          ? { status: 'passed', fixes }
          : { status: 'no-code', fixes, problem: 'no-tests' },
    fixes,
    rounds: [],
  },
});

const RESULTS = [
  repaired('T/0', 'passed', 'passed', 0, 'passed'),
  repaired('T/1', 'failed', 'passed', 1, 'passed'),
  repaired('T/2', 'failed', 'passed', 2, 'passed'),
  repaired('T/3', 'failed', 'failed', 2, 'failed'),
  repaired('T/4', 'no-code', 'no-code', 0, 'no-code'),
];

function report() {
  return buildReport({
    model: offlineChatModel({ id: 'coder', name: 'Coder', model: 'm' }),
    dataset: { problems: [], source: 'HumanEval.jsonl.gz', sha256: 'ab'.repeat(32) },
    settings: {
      limit: null,
      temperature: 0,
      maxTokens: null,
      timeoutMs: 10_000,
      memoryBytes: 1024 * 1_048_576,
      repair: 2,
    },
    python: '3.11.7',
    startedAt: new Date('2025-03-04T05:06:07.890Z'),
    finishedAt: new Date('2025-03-04T05:16:07.000Z'),
    results: RESULTS,
    stoppedEarly: null,
  });
}

describe('repair reports', () => {
  it('counts pass@1 without and with repair, the fix rounds used and the time per problem', () => {
    expect(repairSummaryOf(RESULTS, 2)).toEqual({
      rounds: 2,
      withoutRepairIs: WITHOUT_REPAIR_MEANS,
      withoutRepair: { passed: 1, passAt1: 0.2 },
      withRepair: { passed: 3, passAt1: 0.6 },
      ownTestsPassed: 3,
      fixesUsed: [2, 1, 2],
      meanFixes: 1,
      msPerProblem: 3000,
    });
    expect(repairSummaryOf([], 1)).toMatchObject({
      withRepair: { passAt1: 0 },
      fixesUsed: [0, 0],
      meanFixes: 0,
    });
  });

  it('prints both figures side by side and says what "without repair" is', () => {
    const text = summaryText(report());
    expect(text).toBe(
      [
        'pass@1 60.0% (3/5) Coder (coder) with repair (--repair 2)',
        '  without repair 20.0% (1/5), with repair (--repair 2) 60.0% (3/5)',
        `  without repair is ${WITHOUT_REPAIR_MEANS}`,
        '  fix rounds used: 0 fixes: 2, 1 fix: 1, 2 fixes: 2; mean 1.00; own tests passed in 3 of 5',
        '  time per problem 3.0 s (model and runs)',
        '  passed 3, failed 1, timed out 0, no code 1, errors 0',
        '  model time 10.0 s in all, 2.0 s per problem',
        '',
      ].join('\n'),
    );
  });

  it('writes a repair section and the repair settings into the reports', () => {
    const r = report();
    expect(r.settings.repair).toBe(2);
    expect(r.settings.instruction).toContain('`# tests`');
    const md = renderMarkdown(r);
    expect(md).toContain(
      '## Repair (--repair 2)\n\n| | pass@1 | Passed |\n| --- | --- | --- |\n| Without repair | 20.0% | 1 |\n| With repair | 60.0% | 3 |',
    );
    expect(md).toContain('| T/1 | failed | passed | 1 | passed | 3.0 s |');
    expect(md).toContain('| T/4 | no-code | no-code | 0 | no-code | 3.0 s |');
  });
});
