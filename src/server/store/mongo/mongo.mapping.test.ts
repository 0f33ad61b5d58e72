import { BSON, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { fixturePrompt } from '../store-prompts.contract.js';
import type {
  ActivityRecord,
  PasswordResetRecord,
  PromptRecord,
  SessionRecord,
  ThreadRecord,
  UserRecord,
} from '../store.port.js';
import {
  fromActivityDoc,
  fromPromptDoc,
  fromResetDoc,
  fromSessionDoc,
  fromThreadDoc,
  fromUserDoc,
  outcomeSet,
  toActivityDoc,
  toPromptDoc,
  toResetDoc,
  toSessionDoc,
  toThreadDoc,
  toUserDoc,
  usernameKey,
  type ActivityDoc,
  type PromptDoc,
  type ResetDoc,
  type SessionDoc,
  type UserDoc,
} from './mongo.mapping.js';

/** What the server would hand back: the document through BSON and back. */
function viaBson<T>(doc: T): T {
  return BSON.deserialize(BSON.serialize(doc as Document)) as T;
}

const t = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);

const user: UserRecord = {
  id: '0b5e3c1a-4f7e-4d2a-9b1c-2f3e4d5c6b7a',
  username: 'Alice.Smith',
  email: 'alice@example.com',
  displayName: 'Alice — ünïcödé',
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
  createdAt: t(0),
  updatedAt: t(1234),
  role: 'user',
  status: 'active',
  lastSignInAt: null,
};

const session: SessionRecord = {
  id: 's-1',
  userId: user.id,
  createdAt: t(1),
  lastUsedAt: t(2),
  expiresAt: t(3),
  ip: '2001:db8::1',
  userAgent: 'Firefox',
};

const reset: PasswordResetRecord = {
  id: 'r-1',
  userId: user.id,
  tokenHash: 'ab'.repeat(32),
  createdAt: t(1),
  expiresAt: t(3_600_000),
  usedAt: t(60_000),
};

const activity: ActivityRecord = {
  id: 'a-1',
  userId: user.id,
  kind: 'sign_in',
  createdAt: t(5),
  ip: '203.0.113.7',
  userAgent: 'curl',
  details: { via: 'admin-cli', count: 2, ratio: 0.5, ok: true, none: null },
};

const prompt: PromptRecord = {
  id: 'p-1',
  userId: user.id,
  threadId: 'p-0',
  parentId: 'p-0',
  kind: 'explain',
  modelId: 'deepseek-coder-1.3b',
  params: {
    temperature: 0.2,
    maxTokens: 256,
    stop: ['\n\n', '```'],
    level: 'expert',
    none: null,
    big: 2 ** 40,
  },
  input: 'def add(a, b):\n    return a + b  # "quotes" \u0000 and \u{1F600}',
  language: 'python',
  output: '{"sections": []}',
  code: 'def add(a, b): ...',
  sections: [
    { startLine: 1, endLine: 2, explanation: 'Adds.' },
    { startLine: 3, endLine: 3, explanation: '' },
  ],
  status: 'failed',
  error: { code: 'provider_error', message: 'lost' },
  promptTokens: 12,
  completionTokens: 34,
  firstTokenMs: 56,
  totalMs: 1234,
  generationId: 'p-0',
  createdAt: t(10),
  finishedAt: t(1244),
};

// The contract's running-record fixture, with this file's ids and times.
const running: PromptRecord = fixturePrompt(prompt.userId, {
  id: 'p-2',
  createdAt: prompt.createdAt,
  params: {},
});

describe('mongo mapping: documents and records', () => {
  it('round-trips every field of a user through BSON, keeping the case of the username', () => {
    const doc = toUserDoc(user);
    expect(doc).toMatchObject({ _id: user.id, username: 'Alice.Smith', usernameKey: 'alice.smith' });
    expect(fromUserDoc(viaBson(doc))).toEqual(user);
    expect(fromUserDoc(viaBson(toUserDoc({ ...user, displayName: null })))).toEqual({
      ...user,
      displayName: null,
    });
  });

  it('gives a new user updatedAt = createdAt', () => {
    const { updatedAt: _, ...fresh } = user;
    expect(fromUserDoc(viaBson(toUserDoc(fresh)))).toEqual({ ...user, updatedAt: user.createdAt });
  });

  it('folds exactly the ASCII letters of a username, as SQLite NOCASE does', () => {
    expect(usernameKey('Bob_O.Neil-42')).toBe('bob_o.neil-42');
    expect(usernameKey('ÉCOLE')).toBe('École');
  });

  it('round-trips sessions, with and without ip and user agent', () => {
    expect(fromSessionDoc(viaBson(toSessionDoc(session)))).toEqual(session);
    const bare = { ...session, ip: null, userAgent: null };
    expect(fromSessionDoc(viaBson(toSessionDoc(bare)))).toEqual(bare);
  });

  it('round-trips password resets, used and unused', () => {
    expect(fromResetDoc(viaBson(toResetDoc(reset)))).toEqual(reset);
    expect(fromResetDoc(viaBson(toResetDoc({ ...reset, usedAt: null })))).toEqual({ ...reset, usedAt: null });
  });

  it('round-trips activity entries with their details', () => {
    expect(fromActivityDoc(viaBson(toActivityDoc(activity)))).toEqual(activity);
    const bare = { ...activity, ip: null, userAgent: null, details: {} };
    expect(fromActivityDoc(viaBson(toActivityDoc(bare)))).toEqual(bare);
  });

  it('round-trips prompts: params, sections, error, numbers, dates and nulls', () => {
    expect(fromPromptDoc(viaBson(toPromptDoc(prompt)))).toEqual(prompt);
    expect(fromPromptDoc(viaBson(toPromptDoc(running)))).toEqual(running);
  });

  it('round-trips threads', () => {
    const thread: ThreadRecord = {
      id: 'th-1',
      userId: user.id,
      title: 'def add(a, b): (beginner, overview)',
      kind: 'explain',
      createdAt: t(1),
      updatedAt: t(2),
    };
    expect(fromThreadDoc(viaBson(toThreadDoc(thread)))).toEqual(thread);
    expect(toThreadDoc(thread)).toMatchObject({ _id: 'th-1' });
  });

  it('stores only the record’s fields, under _id', () => {
    const withExtra = { ...session, secret: 'x' } as SessionRecord;
    expect(Object.keys(toSessionDoc(withExtra)).sort()).toEqual(
      ['_id', 'createdAt', 'expiresAt', 'ip', 'lastUsedAt', 'userAgent', 'userId'].sort(),
    );
    expect(toPromptDoc(prompt)).not.toHaveProperty('id');
  });

  it('reads documents written without the optional fields as nulls', () => {
    const base = { _id: 'x', userId: 'u', createdAt: t(0) };
    expect(
      fromUserDoc({
        ...base,
        username: 'a',
        usernameKey: 'a',
        email: 'e',
        passwordHash: 'h',
        updatedAt: t(0),
      } as unknown as UserDoc),
    ).toMatchObject({ displayName: null, role: 'user', status: 'active', lastSignInAt: null });
    expect(
      fromSessionDoc({ ...base, lastUsedAt: t(0), expiresAt: t(1) } as unknown as SessionDoc),
    ).toMatchObject({
      ip: null,
      userAgent: null,
    });
    expect(fromResetDoc({ ...base, tokenHash: 'h', expiresAt: t(1) } as unknown as ResetDoc)).toMatchObject({
      usedAt: null,
    });
    expect(fromActivityDoc({ ...base, kind: 'sign_out' } as unknown as ActivityDoc)).toMatchObject({
      ip: null,
      userAgent: null,
      details: {},
    });
    expect(
      fromPromptDoc({
        ...base,
        kind: 'generate',
        modelId: 'm',
        input: 'i',
        language: 'go',
        output: '',
        status: 'running',
      } as unknown as PromptDoc),
    ).toEqual({
      id: 'x',
      userId: 'u',
      // Written before threads: its own one-turn thread.
      threadId: 'x',
      parentId: null,
      kind: 'generate',
      modelId: 'm',
      params: {},
      input: 'i',
      language: 'go',
      output: '',
      code: null,
      sections: null,
      status: 'running',
      error: null,
      promptTokens: null,
      completionTokens: null,
      firstTokenMs: null,
      totalMs: null,
      generationId: null,
      createdAt: t(0),
      finishedAt: null,
    });
  });

  it('sets exactly the outcome fields when a run finishes', () => {
    expect(Object.keys(outcomeSet(prompt)).sort()).toEqual(
      [
        'code',
        'completionTokens',
        'error',
        'finishedAt',
        'firstTokenMs',
        'language',
        'output',
        'promptTokens',
        'sections',
        'status',
        'totalMs',
      ].sort(),
    );
  });
});
