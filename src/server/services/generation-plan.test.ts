import { describe, expect, it } from 'vitest';
import { offlineChatModel } from '../../../test/helpers/catalogue.js';
import type { Catalogue, ModelEntry } from '../models/catalogue.js';
import { ModelCannotExplainError, ModelCannotFollowUpError } from '../models/model-errors.js';
import { ModelRegistry } from '../models/model-registry.js';
import { estimatePromptTokens } from '../models/prompts.js';
import type { ChatMessage } from '../models/provider.port.js';
import { planExplain, planGenerate, type GenerationPlan, type PriorTurn } from './generation-plan.js';
import { explainBodySchema, generateBodySchema } from '../../shared/generation.schemas.js';

/**
 * The earlier turns of a thread in a plan, and how many are left out when
 * the thread outgrows the model's context. A remote chat model makes the
 * token estimate easy to follow by hand: 8 tokens per message and 8 for
 * the answer's cue, plus the text's ASCII characters / 3 rounded up.
 */

const remote = offlineChatModel({ contextLength: 1000 });
const qwen: ModelEntry = {
  id: 'qwen',
  name: 'Qwen',
  provider: 'local',
  format: 'chatml',
  source: '/models/qwen.gguf',
  contextLength: 256,
};
const base: ModelEntry = {
  id: 'base',
  name: 'Base',
  provider: 'local',
  format: 'completion',
  source: '/m.gguf',
};
const catalogue: Catalogue = { defaultModel: 'remote', models: [remote, qwen, base], file: 'models.yaml' };
const models = new ModelRegistry(catalogue, {});

const generate = (prompt: string, extra: Record<string, unknown> = {}) =>
  generateBodySchema.parse({ modelId: 'remote', prompt, language: 'python', ...extra });
const explain = (code: string, extra: Record<string, unknown> = {}) =>
  explainBodySchema.parse({ modelId: 'remote', code, ...extra });

/** Turn i of a thread: a 30-character request (10 tokens) and a 60-character answer (20). */
const turn = (i: number, kind: PriorTurn['kind'] = 'generate'): PriorTurn => ({
  kind,
  input: `q${i}`.padEnd(30, '.'),
  output: `a${i}`.padEnd(60, '.'),
  language: 'python',
});
/** One such turn costs 46 tokens: two messages of 8, and 10 + 20 of text. */
const TURN_TOKENS = 8 + 10 + 8 + 20;
const thread = [1, 2, 3, 4, 5].map((i) => turn(i));
/**
 * "Add docs" in Python after earlier turns, alone: the cue (8), the system
 * message (8 + 111) and the request (8 + 3).
 */
const REQUEST_TOKENS = 138;

function messages(plan: GenerationPlan): ChatMessage[] {
  if (plan.built.input.style !== 'chat') {
    throw new Error('expected chat messages');
  }
  return plan.built.input.messages;
}
const userTexts = (plan: GenerationPlan): string[] =>
  messages(plan)
    .filter((m) => m.role === 'user')
    .map((m) => m.content.slice(0, 2));

describe('planGenerate in a thread', () => {
  it('sends every earlier turn, oldest first, while the thread fits', () => {
    const plan = planGenerate(
      models,
      generate('Add docs', { maxTokens: 1000 - REQUEST_TOKENS - 5 * TURN_TOKENS }),
      thread,
    );
    expect(plan.omittedTurns).toBe(0);
    expect(estimatePromptTokens(plan.built.input)).toBe(REQUEST_TOKENS + 5 * TURN_TOKENS);
    expect(messages(plan).map((m) => m.role)).toEqual([
      'system',
      ...Array<ChatMessage['role'][]>(5).fill(['user', 'assistant']).flat(),
      'user',
    ]);
    expect(userTexts(plan)).toEqual(['q1', 'q2', 'q3', 'q4', 'q5', 'Ad']);
    expect(messages(plan)[2]).toEqual({ role: 'assistant', content: thread[0]?.output });
  });

  it('leaves out the oldest whole turns, one token over the room left by maxTokens, and counts them', () => {
    const over = planGenerate(
      models,
      generate('Add docs', { maxTokens: 1000 - REQUEST_TOKENS - 5 * TURN_TOKENS + 1 }),
      thread,
    );
    expect(over.omittedTurns).toBe(1);
    expect(userTexts(over)).toEqual(['q2', 'q3', 'q4', 'q5', 'Ad']);

    const two = planGenerate(
      models,
      generate('Add docs', { maxTokens: 1000 - REQUEST_TOKENS - 2 * TURN_TOKENS }),
      thread,
    );
    expect(two.omittedTurns).toBe(3);
    expect(userTexts(two)).toEqual(['q4', 'q5', 'Ad']);
    expect(estimatePromptTokens(two.built.input)).toBe(REQUEST_TOKENS + 2 * TURN_TOKENS);

    const one = planGenerate(
      models,
      generate('Add docs', { maxTokens: 1000 - REQUEST_TOKENS - 2 * TURN_TOKENS + 1 }),
      thread,
    );
    expect(one.omittedTurns).toBe(4);
    expect(userTexts(one)).toEqual(['q5', 'Ad']);
  });

  it('sends the request alone when nothing else fits, and as it is when even it does not', () => {
    const alone = planGenerate(models, generate('Add docs', { maxTokens: 1000 - REQUEST_TOKENS }), thread);
    expect(alone.omittedTurns).toBe(5);
    expect(userTexts(alone)).toEqual(['Ad']);
    // The engine then reports the prompt too long, as for any request.
    const tooLong = planGenerate(models, generate('Add docs', { maxTokens: 1000 }), thread);
    expect(tooLong.omittedTurns).toBe(5);
    expect(messages(tooLong).at(-1)).toEqual({ role: 'user', content: 'Add docs' });
  });

  it('bounds a local model’s thread by its contextLength less the default maxTokens', () => {
    // 256 tokens of context, 256 of answer by default: no room for any earlier turn.
    const plan = planGenerate(models, generate('Add docs', { modelId: 'qwen' }), [turn(1)]);
    expect(plan.params.maxTokens).toBe(256);
    expect(plan.omittedTurns).toBe(1);
    const roomy = planGenerate(models, generate('Add docs', { modelId: 'qwen', maxTokens: 16 }), [turn(1)]);
    expect(roomy.omittedTurns).toBe(0);
    expect(roomy.built.input.style === 'text' && roomy.built.input.prompt.format).toBe('chatml');
  });

  it('is today’s single request without earlier turns', () => {
    const plan = planGenerate(models, generate('Add docs'));
    expect(plan.omittedTurns).toBe(0);
    expect(messages(plan)).toHaveLength(2);
    expect(messages(plan)[0]?.content).not.toContain('whole changed code');
  });

  it('refuses a follow-up to a code-completion model, even when no earlier turn would fit', () => {
    for (const maxTokens of [16, 4096]) {
      expect(() =>
        planGenerate(models, generate('Add docs', { modelId: 'base', maxTokens }), [turn(1)]),
      ).toThrow(ModelCannotFollowUpError);
    }
    expect(planGenerate(models, generate('Add docs', { modelId: 'base' }), []).omittedTurns).toBe(0);
  });
});

describe('planExplain in a thread', () => {
  /** The code, explained first (its turn is 8 + 18 + 8 + 1 tokens), then questions about it. */
  const codeTurn: PriorTurn = { kind: 'explain', input: 'a = 1\nb = 2', output: 'y', language: 'python' };
  const questions = [1, 2, 3].map((i) => turn(i, 'explain'));
  /** "Why?" after the code in Python for an expert, alone: cue, system, the code turn and the question. */
  const CODE_AND_QUESTION = 158;

  it('asks the question about the thread’s code, in its language, over its lines', () => {
    const plan = planExplain(models, explain('Why?', { format: 'line-by-line' }), [codeTurn, ...questions]);
    expect(plan.omittedTurns).toBe(0);
    expect(plan.language).toBe('python');
    expect(userTexts(plan)).toEqual(['Co', 'q1', 'q2', 'q3', 'Wh']);
    expect(messages(plan)[1]?.content).toBe('Code with line numbers:\n  1 | a = 1\n  2 | b = 2');
    expect(plan.params.jsonSchema).toBeDefined();
    expect(plan.finish('{"sections": [{"startLine": 1, "endLine": 1, "explanation": "x"}]}')).toEqual({
      code: null,
      language: 'python',
      sections: [{ startLine: 1, endLine: 2, explanation: 'x' }],
    });
    expect(planExplain(models, explain('Why?', { language: 'go' }), [codeTurn]).language).toBe('go');
  });

  it('detects the language of the thread’s code when its turn recorded none, and names it in that turn', () => {
    const unnamed = { ...codeTurn, input: 'fn main() {\n    println!("hi");\n}', language: 'any' };
    const plan = planExplain(models, explain('Why?'), [unnamed]);
    expect(plan.language).toBe('rust');
    expect(messages(plan)[1]?.content).toBe(`Explain this Rust code:\n\`\`\`rust\n${unnamed.input}\n\`\`\``);
  });

  it('leaves out the oldest questions but never the code', () => {
    const budget = (tokens: number) => ({ level: 'expert', maxTokens: 1000 - tokens });
    const all = planExplain(models, explain('Why?', budget(CODE_AND_QUESTION + 3 * TURN_TOKENS)), [
      codeTurn,
      ...questions,
    ]);
    expect(all.omittedTurns).toBe(0);
    const two = planExplain(models, explain('Why?', budget(CODE_AND_QUESTION + 3 * TURN_TOKENS - 1)), [
      codeTurn,
      ...questions,
    ]);
    expect(two.omittedTurns).toBe(1);
    expect(userTexts(two)).toEqual(['Ex', 'q2', 'q3', 'Wh']);
    const none = planExplain(models, explain('Why?', budget(CODE_AND_QUESTION - 1)), [
      codeTurn,
      ...questions,
    ]);
    expect(none.omittedTurns).toBe(3);
    expect(userTexts(none)).toEqual(['Ex', 'Wh']);
    expect(messages(none)[1]?.content).toBe('Explain this Python code:\n```python\na = 1\nb = 2\n```');
  });

  it('explains code given after earlier requests, detecting its language', () => {
    const plan = planExplain(models, explain('fn main() {\n    println!("hi");\n}'), [turn(1)]);
    expect(plan.language).toBe('rust');
    expect(userTexts(plan)).toEqual(['q1', 'Ex']);
    expect(messages(plan).at(-1)?.content).toContain('```rust\nfn main()');
  });

  it('refuses a code-completion model as before', () => {
    expect(() => planExplain(models, explain('x = 1', { modelId: 'base' }), [codeTurn])).toThrow(
      ModelCannotExplainError,
    );
  });
});
