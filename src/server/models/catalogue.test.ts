import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogueError, loadCatalogue, parseCatalogue, tasksOf } from './catalogue.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const shipped = loadCatalogue();

/** The problems parseCatalogue reports for one entry (next to a valid default). */
function problemsOf(entry: Record<string, unknown>): string[] {
  try {
    parseCatalogue(JSON.stringify({ defaultModel: entry.id, models: [entry] }), 'test.json');
    return [];
  } catch (error) {
    if (error instanceof CatalogueError) {
      return error.problems;
    }
    throw error;
  }
}

const PINNED = {
  id: 'm',
  name: 'M',
  provider: 'local',
  format: 'chatml',
  source: 'hf:owner/repo/m.gguf@0123456789abcdef0123456789abcdef01234567',
  size: 1000,
  sha256: 'a'.repeat(64),
};

describe('the shipped catalogue', () => {
  it('defaults to Qwen2.5-Coder 1.5B', () => {
    expect(shipped.defaultModel).toBe('qwen2.5-coder-1.5b');
  });

  it('pins every local file to a commit, an exact size and a SHA-256', () => {
    for (const model of shipped.models) {
      if (model.provider !== 'local') {
        continue;
      }
      expect(model.source, model.id).toMatch(/^hf:[\w.-]+\/[\w.-]+\/[^@]+\.gguf@[0-9a-f]{40}$/);
      expect(model.sha256, model.id).toMatch(/^[0-9a-f]{64}$/);
      expect(model.size, model.id).toBeGreaterThan(100_000_000);
    }
  });

  it('lets only the instruction models explain', () => {
    const explainers = shipped.models.filter((m) => tasksOf(m).includes('explain')).map((m) => m.id);
    expect(explainers.sort()).toEqual(
      [
        'deepseek-coder-1.3b',
        'gemma-3-1b',
        'phi-2',
        'qwen2.5-coder-0.5b',
        'qwen2.5-coder-1.5b',
        'qwen2.5-coder-7b',
      ].sort(),
    );
  });

  it('is described in the README with the same sizes and hashes', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const model of shipped.models) {
      if (model.provider !== 'local' || model.size === undefined || model.sha256 === undefined) {
        continue;
      }
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${model.id}\``));
      expect(row, `README row of ${model.id}`).toBeDefined();
      expect(row).toContain(model.size.toLocaleString('en-US'));
      expect(row).toContain(model.sha256.slice(0, 16));
      expect(row).toContain(`\`${model.format}\``);
      expect(row).toContain(`@ \`${model.source.split('@')[1]?.slice(0, 7) ?? ''}\``);
    }
  });
});

describe('parseCatalogue', () => {
  it('accepts a pinned local entry and a remote one that defaults to the server’s chat template', () => {
    const catalogue = parseCatalogue(
      JSON.stringify({
        defaultModel: 'm',
        models: [
          PINNED,
          { id: 'r', name: 'R', provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', model: 'x' },
        ],
      }),
      'test.json',
    );
    expect(catalogue.models.map((m) => m.format)).toEqual(['chatml', 'chat']);
    expect(catalogue.models.map((m) => tasksOf(m))).toEqual([
      ['generate', 'explain'],
      ['generate', 'explain'],
    ]);
  });

  it('requires the size and SHA-256 of a file it downloads, but not of a file path', () => {
    expect(problemsOf({ ...PINNED, size: undefined, sha256: undefined })).toEqual([
      'models[0] (id "m").sha256: is required for a downloaded file (the SHA-256 shown on the file\'s page)',
      'models[0] (id "m").size: is required for a downloaded file (its exact size in bytes)',
    ]);
    expect(problemsOf({ ...PINNED, source: '/models/m.gguf', size: undefined, sha256: undefined })).toEqual(
      [],
    );
  });

  it('takes one baseUrl or a list of replicas in baseUrls, not both and not neither', () => {
    const remote = { id: 'r', name: 'R', provider: 'openai-compatible', model: 'x' };
    const one = 'http://10.0.0.1:8000/v1';
    const two = 'http://10.0.0.2:8000/v1/';
    expect(problemsOf({ ...remote, baseUrls: [one, two] })).toEqual([]);
    expect(problemsOf({ ...remote, baseUrl: one })).toEqual([]);
    expect(problemsOf(remote)).toEqual([
      'models[0] (id "r").baseUrl: is required (or baseUrls, a list of replicas)',
    ]);
    expect(problemsOf({ ...remote, baseUrl: one, baseUrls: [two] })).toEqual([
      'models[0] (id "r").baseUrls: cannot be used together with baseUrl: list every replica in baseUrls',
    ]);
    expect(problemsOf({ ...remote, baseUrls: [one, `${one}/`] })).toEqual([
      `models[0] (id "r").baseUrls: lists ${one} twice`,
    ]);
    expect(problemsOf({ ...remote, baseUrls: [] })).toEqual([
      'models[0] (id "r").baseUrls: must list at least one URL',
    ]);
  });

  it('explains the fields that were renamed', () => {
    expect(problemsOf({ ...PINNED, promptStyle: 'chat' })).toEqual([
      'models[0] (id "m"): "promptStyle" was replaced by "format" (one of chatml, deepseek-coder, gemma, phi-2, completion, or chat for a remote server; see the README\'s Models section)',
    ]);
    expect(problemsOf({ ...PINNED, downloadSize: 5 })).toEqual([
      'models[0] (id "m"): "downloadSize" was replaced by "size" (the exact size in bytes) and "sha256"',
    ]);
  });

  it('refuses a local model without a format it can render, and explaining with a base model', () => {
    expect(problemsOf({ ...PINNED, format: 'chat' })).toEqual([
      'models[0] (id "m").format: must be one of chatml, deepseek-coder, gemma, phi-2, completion (a local model needs a format CodeGenie can render)',
    ]);
    expect(problemsOf({ ...PINNED, format: undefined })).toHaveLength(1);
    expect(problemsOf({ ...PINNED, format: 'completion', tasks: ['generate', 'explain'] })).toEqual([
      'models[0] (id "m").tasks: a "completion" model cannot explain: it only completes code',
    ]);
    expect(problemsOf({ ...PINNED, format: 'completion', tasks: ['generate'] })).toEqual([]);
    expect(problemsOf({ ...PINNED, tasks: ['explain'] })).toEqual([
      'models[0] (id "m").tasks: must include generate: every model writes code',
    ]);
  });

  it('checks revisions and pre-tokenizer names for their shape', () => {
    expect(problemsOf({ ...PINNED, source: 'hf:owner/repo/m.gguf@' })).toHaveLength(1);
    expect(problemsOf({ ...PINNED, preTokenizer: 'Deepseek Coder' })).toEqual([
      'models[0] (id "m").preTokenizer: must be a llama.cpp pre-tokenizer name such as deepseek-coder',
    ]);
    expect(problemsOf({ ...PINNED, preTokenizer: 'deepseek-coder' })).toEqual([]);
  });
});
