import { normalizeLanguage } from '../languages.js';
import type { RepairLanguage, RepairParseProblem, RepairRunResult } from './repair.schemas.js';

/**
 * Test and fix (issue 17): the one documented answer format and the texts
 * of the loop's turns. No dependencies (zod-free), so the web app and the
 * server run the same code.
 *
 * The format: exactly two fenced code blocks, the code first, then a few
 * tests in a block whose first line is the comment `# tests` (Python) or
 * `// tests` (JavaScript, TypeScript). The turns are plain text appended
 * to (or sent as) the user's request, so every model keeps its own prompt
 * format: the prompt builders render them like any request.
 */

/** The first line of the tests block: a comment in the language, so the block runs as it is. */
export function testsMarker(language: RepairLanguage): string {
  return language === 'python' ? '# tests' : '// tests';
}

/** How the tests should be written, per language. */
function testsStyle(language: RepairLanguage): string {
  if (language === 'python') {
    return (
      'plain `assert` statements at the top level (or a small `unittest.TestCase`, without calling ' +
      '`unittest.main()`: CodeGenie runs the test cases)'
    );
  }
  return (
    'plain checks that throw an Error when they fail, e.g. ' +
    "`if (add(2, 3) !== 5) throw new Error('add(2, 3) should be 5')`, or `console.assert` (which CodeGenie makes throw)"
  );
}

/** The format instruction: what every request and fix request ends with. */
export function repairInstruction(language: RepairLanguage): string {
  const marker = testsMarker(language);
  return (
    'Answer with exactly two fenced code blocks. First the complete code. ' +
    `Then a few short tests of it in a second block whose first line is the comment \`${marker}\`: ` +
    `${testsStyle(language)}. The tests are run right after the code, as one program, with no input ` +
    'and no files or network: keep them quick, and make a failing check raise an error.'
  );
}

/** The first turn: the user's request, then the format instruction. */
export function firstTurnRequest(userRequest: string, language: RepairLanguage): string {
  return `${userRequest.replace(/\s+$/, '')}\n\n${repairInstruction(language)}`;
}

/** Most characters of a run's output sent back to the model. */
export const FAILURE_MAX_CHARS = 2000;

/**
 * Cuts a long text in the middle, at line ends where it can: the head (the
 * first lines of output) and, larger, the tail (a traceback's last lines,
 * which name the error) stay, with a "… N characters cut …" line between.
 * The result is at most `max` characters.
 */
export function truncateMiddle(text: string, max: number = FAILURE_MAX_CHARS): string {
  if (text.length <= max) {
    return text;
  }
  // The marker's length depends on the count: reserve room for the largest count possible.
  const room = max - cutMarker(text.length).length;
  let headEnd = Math.floor(room / 3);
  let tailStart = text.length - (room - headEnd);
  // Prefer whole lines, unless that would throw away more than half of a part.
  const headLine = text.lastIndexOf('\n', headEnd - 1);
  if (headLine > headEnd / 2) {
    headEnd = headLine + 1;
  }
  const tailLine = text.indexOf('\n', tailStart);
  if (tailLine !== -1 && tailLine + 1 < text.length && tailLine - tailStart < (text.length - tailStart) / 2) {
    tailStart = tailLine + 1;
  }
  const head = text.slice(0, headEnd);
  return `${head}${head.endsWith('\n') ? '' : '\n'}${cutMarker(tailStart - headEnd)}${text.slice(tailStart)}`;
}

const cutMarker = (count: number): string => `… ${count} characters cut …\n`;

/** A fence longer than any run of backticks in the text, so the text cannot close it. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

/** What happened, in one sentence. */
function runSentence(run: RepairRunResult): string {
  switch (run.status) {
    case 'timed-out':
      return 'Running the code with your tests did not finish: it was stopped at the time limit.';
    case 'failed':
    case 'error':
      return 'Running the code with your tests failed.';
    case 'passed':
      return 'Running the code with your tests passed.';
  }
}

/**
 * The next user turn after a run that did not pass: what happened, the
 * error, the output (truncated by truncateMiddle), and the instruction to
 * fix the code and answer in the same two-block format.
 */
export function fixTurnRequest(run: RepairRunResult, language: RepairLanguage): string {
  const parts = [runSentence(run)];
  if (run.message !== undefined && run.message.trim() !== '') {
    parts.push(`Error: ${truncateMiddle(run.message.trim(), 500)}`);
  }
  const output = run.output.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
  if (output !== '') {
    const fence = fenceFor(output);
    parts.push(`Output:\n${fence}text\n${truncateMiddle(output)}\n${fence}`);
  }
  parts.push(
    'Fix the code so that the tests pass; change a test only if the test itself is wrong. ' +
      repairInstruction(language),
  );
  return parts.join('\n\n');
}

/** The turn sent once when an answer could not be read: what was missing, and the format again. */
export function formatTurnRequest(problem: RepairParseProblem, language: RepairLanguage): string {
  const marker = testsMarker(language);
  const what: Record<RepairParseProblem, string> = {
    'no-code': 'Your answer had no fenced code block with the code.',
    'no-tests': `Your answer had no second fenced block with the tests after the code.`,
    'no-marker': `No fenced block of your answer started with the line \`${marker}\`, so the tests could not be told from the code.`,
  };
  return `${what[problem]} ${repairInstruction(language)}`;
}

/** One fenced block of an answer. */
interface Block {
  /** The info string's first word, lower case ("" for none). */
  lang: string;
  body: string;
}

/**
 * The fenced blocks of a text (``` or ~~~, up to three spaces of indentation,
 * closed by a fence of the same character at least as long); a block left
 * open at the end (an answer cut at its token limit) runs to the end.
 */
function fencedBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let open: { fence: string; lang: string; lines: string[] } | null = null;
  for (const line of text.split('\n')) {
    if (open === null) {
      const start = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/.exec(line);
      if (start) {
        open = { fence: start[1] ?? '```', lang: (start[2] ?? '').toLowerCase(), lines: [] };
      }
      continue;
    }
    const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
    const fence = close?.[1];
    if (fence !== undefined && fence[0] === open.fence[0] && fence.length >= open.fence.length) {
      blocks.push({ lang: open.lang, body: open.lines.join('\n') });
      open = null;
    } else {
      open.lines.push(line);
    }
  }
  if (open !== null) {
    blocks.push({ lang: open.lang, body: open.lines.join('\n') });
  }
  return blocks;
}

/** The marker line, in either comment style (a `// tests` in a Python answer is still meant as the marker). */
const MARKER = /^\s*(#|\/\/)\s*tests\s*:?\s*$/i;

/** A block that holds the code: tagged with the language (JavaScript for TypeScript too), or untagged. */
function isCodeBlock(block: Block, language: RepairLanguage): boolean {
  if (block.lang === '') {
    return true;
  }
  const tagged = normalizeLanguage(block.lang);
  return tagged === language || (language === 'typescript' && tagged === 'javascript');
}

/** An answer read as code + tests, or why it could not be (with whatever code it had). */
export type ParsedRepairAnswer =
  { ok: true; code: string; tests: string } | { ok: false; problem: RepairParseProblem; code: string | null };

const hasText = (s: string): boolean => s.trim() !== '';

/**
 * Reads an answer in the format: the tests are the first fenced block whose
 * first non-blank line is the marker (`# tests` or `// tests`, any case, a
 * colon allowed), without that line; the code is the blocks before it in
 * the language or untagged (a model that splits its code in two blocks
 * keeps both; a shell or output block is left out), joined by a blank line.
 * Prose around the blocks, language tags and CRLF line ends do not matter.
 * Problems: no-code (no code block before the tests, or no block at all),
 * no-tests (code but nothing after it, or a marker with no tests under it),
 * no-marker (several blocks, none starting with the marker).
 */
export function parseRepairAnswer(text: string, language: RepairLanguage): ParsedRepairAnswer {
  const blocks = fencedBlocks(text.replace(/\r\n?/g, '\n'));
  const testsAt = blocks.findIndex((b) => MARKER.test(b.body.split('\n').find(hasText) ?? ''));
  if (testsAt === -1) {
    const codeBlocks = blocks.filter((b) => isCodeBlock(b, language) && hasText(b.body));
    const first = codeBlocks[0];
    if (first === undefined) {
      return { ok: false, problem: 'no-code', code: null };
    }
    return { ok: false, problem: codeBlocks.length === 1 ? 'no-tests' : 'no-marker', code: first.body };
  }
  const code = blocks
    .slice(0, testsAt)
    .filter((b) => isCodeBlock(b, language) && hasText(b.body))
    .map((b) => b.body.replace(/\s+$/, ''))
    .join('\n\n');
  const testsLines = (blocks[testsAt]?.body ?? '').split('\n');
  const markerAt = testsLines.findIndex(hasText);
  const tests = testsLines
    .slice(markerAt + 1)
    .join('\n')
    .replace(/^\s*\n/, '')
    .replace(/\s+$/, '');
  if (!hasText(code)) {
    return { ok: false, problem: 'no-code', code: null };
  }
  if (!hasText(tests)) {
    return { ok: false, problem: 'no-tests', code };
  }
  return { ok: true, code, tests };
}

/** Python: runs the tests' TestCase classes, when there are any and the tests did not run them (see testProgram). */
const PYTHON_UNITTEST_FOOTER = `

import sys as _cg_sys, unittest as _cg_unittest
_cg_result = _cg_unittest.TextTestRunner(stream=_cg_sys.stderr, verbosity=2).run(
    _cg_unittest.defaultTestLoader.loadTestsFromModule(_cg_sys.modules[__name__]))
if not _cg_result.wasSuccessful():
    raise AssertionError(f"{len(_cg_result.failures) + len(_cg_result.errors)} of {_cg_result.testsRun} tests failed")`;

/** JavaScript/TypeScript: console.assert only prints; in a test a failed check must stop the program. */
const JS_ASSERT_PRELUDE =
  "console.assert = (ok, ...data) => { if (!ok) { throw new Error(['Assertion failed', ...data.map(String)].join(': ')); } };";

/**
 * The program a runner runs: the code, then the tests, as one file.
 * Python: code + blank line + tests; when the tests define a
 * unittest.TestCase and do not call unittest.main(), a footer runs them
 * and raises AssertionError when one fails (unittest.main() would end the
 * program with SystemExit, which runners count as not finishing).
 * JavaScript/TypeScript: code + a line that makes console.assert throw +
 * tests (TypeScript: the caller strips the types).
 */
export function testProgram(code: string, tests: string, language: RepairLanguage): string {
  const body = code.replace(/\s+$/, '');
  const checks = tests.replace(/\s+$/, '');
  if (language === 'python') {
    const footer =
      /\bunittest\b/.test(checks) && /\bTestCase\b/.test(checks) && !/\bunittest\.main\s*\(/.test(checks)
        ? PYTHON_UNITTEST_FOOTER
        : '';
    return `${body}\n\n${testsMarker(language)}\n${checks}${footer}\n`;
  }
  return `${body}\n\n${testsMarker(language)}\n${JS_ASSERT_PRELUDE}\n${checks}\n`;
}
