import { describe, expect, it } from 'vitest';
import {
  DEEPSEEK_CODER_SYSTEM,
  promptText,
  renderCompletion,
  renderConversation,
  tasksOfFormat,
  type Conversation,
  type RenderedPrompt,
} from './prompt-formats.js';

/**
 * Golden tests, written by hand from each model's card or the chat template
 * in its tokenizer_config.json (rendered as transformers does, with
 * trim_blocks and lstrip_blocks). One changed character, one control token
 * sent as text, or one changed stop fails them.
 */

const ONE_TURN: Conversation = { system: 'SYS', turns: [{ role: 'user', content: 'Write hello world' }] };
const THREE_TURNS: Conversation = {
  system: 'SYS',
  turns: [
    { role: 'user', content: 'q1' },
    { role: 'assistant', content: 'a1' },
    { role: 'user', content: 'q2' },
  ],
};

/** The control tokens of a prompt, in order, as the engine sends them (one token each). */
function controls(prompt: RenderedPrompt): string[] {
  return prompt.parts.filter((p) => p.kind !== 'text').map((p) => `${p.kind}:${p.text}`);
}

describe('ChatML (Qwen2.5-Coder Instruct)', () => {
  it('renders system, user and the assistant cue exactly as the chat template does', () => {
    const prompt = renderConversation('chatml', ONE_TURN);
    expect(promptText(prompt, { withBos: true })).toBe(
      '<|im_start|>system\nSYS<|im_end|>\n<|im_start|>user\nWrite hello world<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(controls(prompt)).toEqual([
      'special:<|im_start|>',
      'special:<|im_end|>',
      'special:<|im_start|>',
      'special:<|im_end|>',
      'special:<|im_start|>',
    ]);
    expect(prompt.stop).toEqual([
      { text: '<|im_end|>', special: true },
      { text: '<|endoftext|>', special: true },
    ]);
  });

  it('renders earlier turns as alternating messages', () => {
    expect(promptText(renderConversation('chatml', THREE_TURNS), { withBos: true })).toBe(
      '<|im_start|>system\nSYS<|im_end|>\n<|im_start|>user\nq1<|im_end|>\n<|im_start|>assistant\na1<|im_end|>\n' +
        '<|im_start|>user\nq2<|im_end|>\n<|im_start|>assistant\n',
    );
  });
});

describe('DeepSeek-Coder Instruct', () => {
  it('renders BOS, the default system text, CodeGenie’s, the instruction and the response cue', () => {
    const prompt = renderConversation('deepseek-coder', ONE_TURN);
    expect(DEEPSEEK_CODER_SYSTEM).toBe(
      'You are an AI programming assistant, utilizing the Deepseek Coder model, developed by Deepseek Company, and you only answer questions related to computer science. For politically sensitive questions, security and privacy issues, and other non-computer science questions, you will refuse to answer',
    );
    expect(promptText(prompt, { withBos: true })).toBe(
      `<｜begin▁of▁sentence｜>${DEEPSEEK_CODER_SYSTEM}\nSYS\n### Instruction:\nWrite hello world\n### Response:\n`,
    );
    expect(promptText(prompt, { withBos: false })).toBe(
      `${DEEPSEEK_CODER_SYSTEM}\nSYS\n### Instruction:\nWrite hello world\n### Response:\n`,
    );
    expect(controls(prompt)).toEqual(['bos:<｜begin▁of▁sentence｜>']);
    expect(prompt.stop).toEqual([{ text: '<|EOT|>', special: true }]);
  });

  it('ends each earlier answer with <|EOT|> as a control token', () => {
    const prompt = renderConversation('deepseek-coder', THREE_TURNS);
    expect(promptText(prompt, { withBos: true })).toBe(
      `<｜begin▁of▁sentence｜>${DEEPSEEK_CODER_SYSTEM}\nSYS\n### Instruction:\nq1\n### Response:\na1\n<|EOT|>\n` +
        '### Instruction:\nq2\n### Response:\n',
    );
    expect(controls(prompt)).toEqual(['bos:<｜begin▁of▁sentence｜>', 'special:<|EOT|>']);
  });
});

describe('Gemma', () => {
  it('puts the instructions at the start of the first user turn, after BOS', () => {
    const prompt = renderConversation('gemma', ONE_TURN);
    expect(promptText(prompt, { withBos: true })).toBe(
      '<bos><start_of_turn>user\nSYS\n\nWrite hello world<end_of_turn>\n<start_of_turn>model\n',
    );
    expect(controls(prompt)).toEqual([
      'bos:<bos>',
      'special:<start_of_turn>',
      'special:<end_of_turn>',
      'special:<start_of_turn>',
    ]);
    expect(prompt.stop).toEqual([{ text: '<end_of_turn>', special: true }]);
  });

  it('calls the assistant "model", trims turns as the template does, and keeps the instructions once', () => {
    const prompt = renderConversation('gemma', {
      system: 'SYS',
      turns: [
        { role: 'user', content: '  q1 \n' },
        { role: 'assistant', content: 'a1\n' },
        { role: 'user', content: 'q2' },
      ],
    });
    expect(promptText(prompt, { withBos: true })).toBe(
      '<bos><start_of_turn>user\nSYS\n\nq1<end_of_turn>\n<start_of_turn>model\na1<end_of_turn>\n' +
        '<start_of_turn>user\nq2<end_of_turn>\n<start_of_turn>model\n',
    );
  });
});

describe('Phi-2', () => {
  it('uses the card’s Instruct/Output form with the instructions first', () => {
    const prompt = renderConversation('phi-2', ONE_TURN);
    expect(promptText(prompt, { withBos: true })).toBe('Instruct: SYS\n\nWrite hello world\nOutput:');
    expect(controls(prompt)).toEqual([]);
    expect(prompt.stop).toEqual([
      { text: '<|endoftext|>', special: true },
      { text: '\nInstruct:', special: false },
    ]);
  });

  it('writes earlier answers after their Output:', () => {
    expect(promptText(renderConversation('phi-2', THREE_TURNS), { withBos: true })).toBe(
      'Instruct: SYS\n\nq1\nOutput: a1\nInstruct: q2\nOutput:',
    );
  });
});

describe('completion (base models)', () => {
  it('sends the text as it is, with no BOS or control token, and stops on end of text', () => {
    const prompt = renderCompletion('def add(a, b):\n', ['\ndef ']);
    expect(promptText(prompt, { withBos: true })).toBe('def add(a, b):\n');
    expect(controls(prompt)).toEqual([]);
    expect(prompt.stop).toEqual([
      { text: '<|endoftext|>', special: true },
      { text: '\ndef ', special: false },
    ]);
  });

  it('can only generate; every other format can explain too', () => {
    expect(tasksOfFormat('completion')).toEqual(['generate']);
    for (const format of ['chatml', 'deepseek-coder', 'gemma', 'phi-2', 'chat'] as const) {
      expect(tasksOfFormat(format)).toEqual(['generate', 'explain']);
    }
  });
});

describe('conversations', () => {
  it.each(['chatml', 'deepseek-coder', 'gemma', 'phi-2'] as const)(
    '%s refuses turns that do not alternate or do not end with the user',
    (format) => {
      expect(() =>
        renderConversation(format, {
          system: 'S',
          turns: [
            { role: 'user', content: 'a' },
            { role: 'user', content: 'b' },
          ],
        }),
      ).toThrow('turn 2 must be from the assistant, not the user');
      expect(() =>
        renderConversation(format, {
          system: 'S',
          turns: [
            { role: 'user', content: 'a' },
            { role: 'assistant', content: 'b' },
          ],
        }),
      ).toThrow('a conversation must end with a user turn');
      expect(() => renderConversation(format, { system: 'S', turns: [] })).toThrow(
        'a conversation must end with a user turn',
      );
    },
  );

  it('keeps text that looks like a control token as plain text', () => {
    const prompt = renderConversation('chatml', {
      system: 'S',
      turns: [{ role: 'user', content: 'end here <|im_end|>' }],
    });
    const userPart = prompt.parts.find((p) => p.text.includes('end here'));
    expect(userPart).toEqual({ kind: 'text', text: 'user\nend here <|im_end|>' });
  });
});

describe('what the engine and `npm run models -- prompt` are told', () => {
  it('names the format each prompt was rendered in', () => {
    expect(renderConversation('chatml', ONE_TURN).format).toBe('chatml');
    expect(renderConversation('deepseek-coder', ONE_TURN).format).toBe('deepseek-coder');
    expect(renderConversation('gemma', ONE_TURN).format).toBe('gemma');
    expect(renderConversation('phi-2', ONE_TURN).format).toBe('phi-2');
    expect(renderCompletion('x', []).format).toBe('completion');
  });

  it('trims an earlier Phi-2 answer after its Output:, as it trims Gemma turns', () => {
    const prompt = renderConversation('phi-2', {
      system: 'SYS',
      turns: [
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: '  a1\n' },
        { role: 'user', content: 'q2' },
      ],
    });
    expect(promptText(prompt, { withBos: true })).toBe(
      'Instruct: SYS\n\nq1\nOutput: a1\nInstruct: q2\nOutput:',
    );
  });
});

/**
 * A follow-up: the first request, the model's answer (code), and the new
 * request. Each format's exact text, control tokens and stops, from the same
 * templates as above: ChatML closes every message with <|im_end|>;
 * DeepSeek-Coder closes every answer with <|EOT|>; Gemma closes every turn
 * with <end_of_turn> and calls the answer "model"; Phi-2 chains its
 * Instruct/Output form.
 */
describe('a follow-up (two turns)', () => {
  const ANSWER = '```python\ndef add(a, b):\n    return a + b\n```';
  const FOLLOW_UP: Conversation = {
    system: 'SYS',
    turns: [
      { role: 'user', content: 'Write add(a, b) in Python' },
      { role: 'assistant', content: ANSWER },
      { role: 'user', content: 'Add type hints' },
    ],
  };

  it('ChatML', () => {
    const prompt = renderConversation('chatml', FOLLOW_UP);
    expect(promptText(prompt, { withBos: true })).toBe(
      '<|im_start|>system\nSYS<|im_end|>\n<|im_start|>user\nWrite add(a, b) in Python<|im_end|>\n' +
        `<|im_start|>assistant\n${ANSWER}<|im_end|>\n<|im_start|>user\nAdd type hints<|im_end|>\n` +
        '<|im_start|>assistant\n',
    );
    expect(controls(prompt)).toEqual([
      ...Array<string[]>(4).fill(['special:<|im_start|>', 'special:<|im_end|>']).flat(),
      'special:<|im_start|>',
    ]);
    expect(prompt.stop).toEqual([
      { text: '<|im_end|>', special: true },
      { text: '<|endoftext|>', special: true },
    ]);
  });

  it('DeepSeek-Coder Instruct', () => {
    const prompt = renderConversation('deepseek-coder', FOLLOW_UP);
    expect(promptText(prompt, { withBos: true })).toBe(
      `<｜begin▁of▁sentence｜>${DEEPSEEK_CODER_SYSTEM}\nSYS\n### Instruction:\nWrite add(a, b) in Python\n` +
        `### Response:\n${ANSWER}\n<|EOT|>\n### Instruction:\nAdd type hints\n### Response:\n`,
    );
    expect(controls(prompt)).toEqual(['bos:<｜begin▁of▁sentence｜>', 'special:<|EOT|>']);
    expect(prompt.stop).toEqual([{ text: '<|EOT|>', special: true }]);
  });

  it('Gemma', () => {
    const prompt = renderConversation('gemma', FOLLOW_UP);
    expect(promptText(prompt, { withBos: true })).toBe(
      '<bos><start_of_turn>user\nSYS\n\nWrite add(a, b) in Python<end_of_turn>\n' +
        `<start_of_turn>model\n${ANSWER}<end_of_turn>\n<start_of_turn>user\nAdd type hints<end_of_turn>\n` +
        '<start_of_turn>model\n',
    );
    expect(controls(prompt)).toEqual([
      'bos:<bos>',
      ...Array<string[]>(3).fill(['special:<start_of_turn>', 'special:<end_of_turn>']).flat(),
      'special:<start_of_turn>',
    ]);
    expect(prompt.stop).toEqual([{ text: '<end_of_turn>', special: true }]);
  });

  it('Phi-2', () => {
    const prompt = renderConversation('phi-2', FOLLOW_UP);
    expect(promptText(prompt, { withBos: true })).toBe(
      `Instruct: SYS\n\nWrite add(a, b) in Python\nOutput: ${ANSWER}\nInstruct: Add type hints\nOutput:`,
    );
    expect(controls(prompt)).toEqual([]);
    expect(prompt.stop).toEqual([
      { text: '<|endoftext|>', special: true },
      { text: '\nInstruct:', special: false },
    ]);
  });

  it('keeps the instructions in the first turn only, however long the thread', () => {
    const long: Conversation = {
      system: 'SYS',
      turns: [
        ...FOLLOW_UP.turns.slice(0, 2),
        { role: 'user', content: 'q2' },
        { role: 'assistant', content: 'a2' },
        { role: 'user', content: 'q3' },
      ],
    };
    for (const format of ['chatml', 'deepseek-coder', 'gemma', 'phi-2'] as const) {
      expect(promptText(renderConversation(format, long), { withBos: true }).split('SYS')).toHaveLength(2);
    }
  });
});
