import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { offlineChatModel } from '../../../test/helpers/catalogue.js';
import { runCli, type CliRun } from '../../../test/helpers/cli.js';
import { loadCatalogue } from '../models/catalogue.js';
import { DEEPSEEK_CODER_SYSTEM } from '../models/prompt-formats.js';
import { PromptUsageError, renderPromptCommand } from './models-prompt.js';

const shipped = loadCatalogue();

const GENERATE_SYSTEM =
  "You are CodeGenie, an expert programmer. Write correct, idiomatic, well-commented code in Python for the user's request. Answer with one fenced code block labelled with python, followed by at most three short sentences on how to use it. Do not repeat the request.";

/**
 * What each shipped model is sent for "reverse a string" in Python: the
 * exact text of its format (prompt-formats.test.ts pins the formats), so a
 * catalogue entry given the wrong format fails here.
 */
const SHIPPED_GENERATE_PROMPTS: Record<string, string> = {
  'qwen2.5-coder-1.5b': `<|im_start|>system\n${GENERATE_SYSTEM}<|im_end|>\n<|im_start|>user\nreverse a string<|im_end|>\n<|im_start|>assistant\n`,
  'qwen2.5-coder-0.5b': `<|im_start|>system\n${GENERATE_SYSTEM}<|im_end|>\n<|im_start|>user\nreverse a string<|im_end|>\n<|im_start|>assistant\n`,
  'qwen2.5-coder-7b': `<|im_start|>system\n${GENERATE_SYSTEM}<|im_end|>\n<|im_start|>user\nreverse a string<|im_end|>\n<|im_start|>assistant\n`,
  'deepseek-coder-1.3b': `<｜begin▁of▁sentence｜>${DEEPSEEK_CODER_SYSTEM}\n${GENERATE_SYSTEM}\n### Instruction:\nreverse a string\n### Response:\n`,
  'phi-2': `Instruct: ${GENERATE_SYSTEM}\n\nreverse a string\nOutput:`,
  'gemma-3-1b': `<bos><start_of_turn>user\n${GENERATE_SYSTEM}\n\nreverse a string<end_of_turn>\n<start_of_turn>model\n`,
  'stable-code-3b': '# Language: Python\n# Task:\n# reverse a string\n# Solution:\n',
  'replit-code-v1.5-3b': '# Language: Python\n# Task:\n# reverse a string\n# Solution:\n',
};

/** What an operator asks `prompt` for; earlier turns as [request, answer] pairs, oldest first. */
interface PromptAsk {
  task: string;
  language?: string;
  format?: string;
  turns?: [string, string][];
  text: string;
}

/** The command line of `prompt` for model `id`. */
function promptArgs(id: string, { task, language, format, turns = [], text }: PromptAsk): string[] {
  return [
    id,
    '--task',
    task,
    ...(language === undefined ? [] : ['--language', language]),
    ...(format === undefined ? [] : ['--format', format]),
    ...turns.flatMap(([turn, answer]) => ['--turn', turn, '--answer', answer]),
    '--text',
    text,
  ];
}

/** What `prompt` prints for model `id` of the shipped catalogue. */
const prompt = (id: string, ask: PromptAsk) => renderPromptCommand(shipped, promptArgs(id, ask));

const REVERSE_IN_PYTHON: PromptAsk = { task: 'generate', language: 'python', text: 'reverse a string' };

describe('npm run models -- prompt', () => {
  it('covers every shipped model', () => {
    expect(Object.keys(SHIPPED_GENERATE_PROMPTS).sort()).toEqual(shipped.models.map((m) => m.id).sort());
  });

  it.each(Object.entries(SHIPPED_GENERATE_PROMPTS))('prints the exact prompt of %s', (id, expected) => {
    expect(prompt(id, REVERSE_IN_PYTHON).stdout).toBe(expected);
  });

  it('says what generation stops on, control tokens marked', () => {
    const deepseek = prompt('deepseek-coder-1.3b', { task: 'generate', text: 'x' });
    expect(deepseek.stderr).toContain('format deepseek-coder: sent to llama.cpp as it is.');
    expect(deepseek.stderr).toContain('Stops on: "<|EOT|>" (control token)\n');
    const phi = prompt('phi-2', { task: 'explain', text: 'x = 1' });
    expect(phi.stderr).toContain('Stops on: "<|endoftext|>" (control token), "\\nInstruct:"\n');
  });

  it('prints an explanation prompt naming the language it detects in the code', () => {
    const out = prompt('qwen2.5-coder-1.5b', {
      task: 'explain',
      format: 'line-by-line',
      text: 'done = False\nwhile not done:\n    done = True',
    });
    expect(out.stdout).toContain('Explain the Python code below for a developer who knows the basics');
    expect(out.stdout).toContain('Code with line numbers:\n  1 | done = False\n  2 | while not done:');
  });

  it('shows a remote chat model’s messages, which its server templates', () => {
    const remote = {
      ...shipped,
      models: [...shipped.models, offlineChatModel()],
    };
    const out = renderPromptCommand(remote, promptArgs('remote', { task: 'generate', text: 'hi' }));
    expect(out.stdout).toBe(
      `[system]\n${GENERATE_SYSTEM.replace('in Python', 'in the most suitable language').replace('labelled with python', 'labelled with the language name')}\n\n[user]\nhi\n`,
    );
    expect(out.stderr).toContain("the server applies the model's own chat template");
  });

  it('prints a follow-up’s prompt with the earlier turns in the model’s format', () => {
    const out = prompt('deepseek-coder-1.3b', {
      task: 'generate',
      language: 'python',
      turns: [['reverse a string', '```python\ns[::-1]\n```']],
      text: 'add a docstring',
    });
    expect(out.stdout).toBe(
      `<｜begin▁of▁sentence｜>${DEEPSEEK_CODER_SYSTEM}\n${GENERATE_SYSTEM} When the user asks for a change, answer with the whole changed code.\n` +
        '### Instruction:\nreverse a string\n### Response:\n```python\ns[::-1]\n```\n<|EOT|>\n' +
        '### Instruction:\nadd a docstring\n### Response:\n',
    );
    expect(out.stderr).not.toContain('Left out');
  });

  it('asks an Explain follow-up about the code of the first turn, and says which turns do not fit', () => {
    const out = prompt('phi-2', {
      task: 'explain',
      turns: [
        ['x = 1\nprint(x)', 'It prints 1.'],
        ['y'.repeat(3 * 2048), 'z'],
      ],
      text: 'What does line 2 do?',
    });
    expect(out.stdout).toContain(
      'Explain this Python code:\n```python\nx = 1\nprint(x)\n```\nOutput: It prints 1.\nInstruct: What does line 2 do?\nOutput:',
    );
    expect(out.stderr).toContain(
      'Left out 1 earlier turn, the oldest: the thread does not fit the context of Phi-2 with room for 384 tokens of answer.\n',
    );
  });

  it('refuses a follow-up to a code-completion model', () => {
    expect(() => prompt('stable-code-3b', { task: 'generate', turns: [['a', 'b']], text: 'c' })).toThrow(
      'Stable Code 3B is a code-completion model: it cannot continue a conversation. Start a new request or pick a chat model.',
    );
  });

  it.each([
    [['qwen2.5-coder-1.5b', '--text', 'x'], '--task must be generate or explain.'],
    [['qwen2.5-coder-1.5b', '--task', 'generate'], '--text is required'],
    [['--task', 'generate', '--text', 'x'], 'prompt takes one model id.'],
    [
      ['qwen2.5-coder-1.5b', '--task', 'generate', '--format', 'overview', '--text', 'x'],
      '--format is for --task explain.',
    ],
    [['qwen2.5-coder-1.5b', '--task', 'generate', '--language', 'cobol', '--text', 'x'], 'language:'],
    [['qwen2.5-coder-1.5b', '--task', 'generate', '--bogus', '--text', 'x'], "Unknown option '--bogus'"],
    [
      ['qwen2.5-coder-1.5b', '--task', 'generate', '--turn', 'a', '--text', 'x'],
      'Give each --turn its --answer, oldest first.',
    ],
  ])('refuses %j as a usage error', (args, message) => {
    expect(() => renderPromptCommand(shipped, args)).toThrow(PromptUsageError);
    expect(() => renderPromptCommand(shipped, args)).toThrow(message);
  });

  it('runs as an operator runs it: exit 0 with the prompt, 1 for a model that cannot explain, 2 for bad usage', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-prompt-cli-'));
    const run = (...args: string[]): Promise<CliRun> =>
      runCli('src/server/cli/models.ts', ['prompt', ...args], {
        env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent', MODELS_FILE: '' },
      });
    try {
      const ok = await run(...promptArgs('gemma-3-1b', REVERSE_IN_PYTHON));
      expect(ok).toMatchObject({ code: 0, stdout: SHIPPED_GENERATE_PROMPTS['gemma-3-1b'] });
      const refused = await run('stable-code-3b', '--task', 'explain', '--text', 'x = 1');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(
        'Stable Code 3B is a code-completion model: it writes code but cannot explain it.\n',
      );
      const unknown = await run('no-such-model', '--task', 'generate', '--text', 'x');
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('There is no model "no-such-model"');
      const usage = await run('gemma-3-1b', '--task', 'draw', '--text', 'x');
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('--task must be generate or explain.');
      expect(usage.stderr).toContain('Usage: npm run models -- <command>');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
