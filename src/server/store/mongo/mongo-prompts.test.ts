import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { findBatch, useFakeMongoStore } from '../../../../test/helpers/fake-mongo-store.js';
import { fixturePrompt } from '../store-prompts.contract.js';
import { T0 } from '../store-fixtures.js';
import { toPromptDoc } from './mongo.mapping.js';

/**
 * The history list's narrow read over the wire protocol (the stand-in server
 * checks what is asked and serves documents). Its behaviour is the contract
 * suite's, against a real MongoDB when MONGODB_TEST_URI is set.
 */
/** The listing's find, told from start-up's own reads of prompts (the threads backfill). */
const isListing = (c: Document): boolean => c.find === 'prompts' && c.projection !== undefined;

const open = useFakeMongoStore();

describe('mongo prompt summaries over the wire protocol', () => {
  it('asks for only the summary fields, newest first, and maps what comes back', async () => {
    const record = { ...fixturePrompt('u1'), status: 'completed' as const, totalMs: 50, finishedAt: T0 };
    const {
      output: _output,
      code: _code,
      params: _params,
      sections: _sections,
      ...rest
    } = toPromptDoc(record);
    // A document written before threads has no threadId: its thread is itself.
    const { threadId: _threadId, ...doc } = rest;
    const { server, store } = await open((c) => (isListing(c) ? findBatch('prompts', [doc]) : undefined));

    const page = await store.prompts.listSummariesForUser('u1', {}, 20);
    expect(page).toEqual({
      items: [
        {
          id: record.id,
          threadId: record.id,
          kind: 'generate',
          modelId: record.modelId,
          language: 'python',
          status: 'completed',
          input: record.input,
          totalMs: 50,
          firstTokenMs: null,
          completionTokens: null,
          createdAt: T0,
          finishedAt: T0,
        },
      ],
      nextCursor: null,
    });
    const find = server.commands.find((c) => isListing(c));
    expect(find).toMatchObject({ filter: { $and: [{ userId: 'u1' }] }, sort: { createdAt: -1, _id: -1 } });
    expect(Object.keys(find?.projection ?? {}).sort()).toEqual(
      [
        'completionTokens',
        'createdAt',
        'finishedAt',
        'firstTokenMs',
        'input',
        'kind',
        'language',
        'modelId',
        'status',
        'threadId',
        'totalMs',
      ].sort(),
    );
    expect(Number(find?.limit)).toBe(21);
  });
});
