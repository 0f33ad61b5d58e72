import { describe, expect, it } from 'vitest';
import { RUN_MAX_TIME_LIMIT_MS } from '../../shared/run';
import {
  RUN_TIME_LIMIT_KEY,
  appendOutput,
  codeWithError,
  errorText,
  exitSummary,
  formatRunTime,
  loadingLabel,
  readRunTimeLimit,
  runnableCodeLanguage,
} from './run-output';

describe('run output', () => {
  it('runs Python, JavaScript and TypeScript blocks only', () => {
    expect(runnableCodeLanguage('python')).toBe('python');
    expect(runnableCodeLanguage('javascript')).toBe('javascript');
    expect(runnableCodeLanguage('typescript')).toBe('typescript');
    expect(runnableCodeLanguage('rust')).toBeNull();
    expect(runnableCodeLanguage('json')).toBeNull();
    expect(runnableCodeLanguage(null)).toBeNull();
  });

  it('keeps stdout and stderr in the order they were written, one stretch per run of writes', () => {
    let chunks = appendOutput([], 'stdout', 'a\n');
    chunks = appendOutput(chunks, 'stdout', 'b\n');
    chunks = appendOutput(chunks, 'stderr', 'oops\n');
    chunks = appendOutput(chunks, 'stdout', '');
    chunks = appendOutput(chunks, 'stdout', 'c\n');
    expect(chunks).toEqual([
      { stream: 'stdout', text: 'a\nb\n' },
      { stream: 'stderr', text: 'oops\n' },
      { stream: 'stdout', text: 'c\n' },
    ]);
  });

  it('does not change the array it was given', () => {
    const before = [{ stream: 'stdout' as const, text: 'a' }];
    appendOutput(before, 'stdout', 'b');
    expect(before).toEqual([{ stream: 'stdout', text: 'a' }]);
  });

  it('says how the run ended and how long it took', () => {
    expect(formatRunTime(35.4)).toBe('35 ms');
    expect(formatRunTime(1240)).toBe('1.24 s');
    expect(formatRunTime(10_000)).toBe('10.0 s');
    expect(exitSummary('finished', 12)).toBe('Finished in 12 ms');
    expect(exitSummary('failed', 12)).toBe('Failed after 12 ms');
    expect(exitSummary('stopped', 1500)).toBe('Stopped after 1.50 s');
    expect(exitSummary('timed_out', 10_000)).toBe('Timed out after 10.0 s');
  });

  it('shows loading progress when the size is known', () => {
    expect(loadingLabel('runtime', 4, 10)).toBe('Loading the Python runtime… 40 %');
    expect(loadingLabel('runtime')).toBe('Loading the Python runtime…');
    expect(loadingLabel('transpiler', 20, 10)).toBe('Loading the TypeScript transpiler… 100 %');
  });

  it('shows the traceback, or the name and message when there is none', () => {
    expect(
      errorText({ name: 'ValueError', message: 'bad', traceback: 'Traceback …\nValueError: bad\n' }),
    ).toBe('Traceback …\nValueError: bad');
    expect(errorText({ name: 'TypeError', message: 'x is not a function' })).toBe(
      'TypeError: x is not a function',
    );
  });

  it('sends the code with its error as a comment of its own language to Explain', () => {
    expect(codeWithError('print(1/0)\n', 'python', 'Traceback:\n\nZeroDivisionError: division by zero')).toBe(
      'print(1/0)\n\n# Running this code failed with:\n# Traceback:\n#\n# ZeroDivisionError: division by zero\n',
    );
    expect(codeWithError('x()', 'typescript', 'ReferenceError: x is not defined')).toBe(
      'x()\n\n// Running this code failed with:\n// ReferenceError: x is not defined\n',
    );
  });

  it('reads a time limit from storage only when it is a sensible number of milliseconds', () => {
    const storage = (value: string | null) => ({
      getItem: (key: string) => (key === RUN_TIME_LIMIT_KEY ? value : null),
    });
    expect(readRunTimeLimit(storage('500'))).toBe(500);
    expect(readRunTimeLimit(storage(null))).toBeUndefined();
    expect(readRunTimeLimit(storage('0'))).toBeUndefined();
    expect(readRunTimeLimit(storage('1e3'))).toBeUndefined();
    expect(readRunTimeLimit(storage('-5'))).toBeUndefined();
    expect(readRunTimeLimit(storage(String(RUN_MAX_TIME_LIMIT_MS)))).toBe(RUN_MAX_TIME_LIMIT_MS);
    expect(readRunTimeLimit(storage(String(RUN_MAX_TIME_LIMIT_MS + 1)))).toBeUndefined();
    expect(readRunTimeLimit(null)).toBeUndefined();
    const blocked = {
      getItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(readRunTimeLimit(blocked)).toBeUndefined();
  });
});
