import { ResponseSerializationError, serializerCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { healthResponseSchema } from '../../shared/api.schemas.js';
import { userEnvelopeSchema } from '../../shared/auth.schemas.js';
import { responseSerializer } from './response-serializer.js';
import { keepAnswer } from '../kept-answer.js';

const route = (schema: z.ZodType) => ({ schema, method: 'GET', url: '/api/x', httpStatus: '200' });

const user = {
  id: 'u1',
  username: 'ada',
  email: 'ada@example.com',
  displayName: null,
  role: 'user' as const,
  status: 'active' as const,
  createdAt: '2026-11-28T10:00:00.000Z',
};

describe('responseSerializer', () => {
  it('writes what the zod serializer writes, fields the schema does not name dropped', () => {
    const data = { user: { ...user, passwordHash: '$argon2id$secret' }, extra: 1 };
    const out = responseSerializer(route(userEnvelopeSchema))(data);
    expect(out).toBe(serializerCompiler(route(userEnvelopeSchema))(data));
    expect(JSON.parse(out)).toEqual({ user });
    expect(out).not.toContain('argon2id');
    expect(responseSerializer(route(healthResponseSchema))({ status: 'ok' })).toBe('{"status":"ok"}');
  });

  it('refuses an answer that does not match its schema, as before', () => {
    const serialize = responseSerializer(route(userEnvelopeSchema));
    expect(() => serialize({ user: { ...user, role: 'root' } })).toThrow(ResponseSerializationError);
  });

  it("gives an answer parse cannot take to zod's encode: a codec's output is written in its wire form", () => {
    const schema = z.object({
      at: z.codec(z.iso.datetime(), z.date(), {
        decode: (s) => new Date(s),
        encode: (d) => d.toISOString(),
      }),
    });
    const parse = vi.spyOn(schema, 'safeParse');
    expect(responseSerializer(route(schema))({ at: new Date('2026-11-28T10:00:00.000Z') })).toBe(
      '{"at":"2026-11-28T10:00:00.000Z"}',
    );
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it('writes a kept answer once per route and sends the same text after; other answers every time', () => {
    const schema = z.object({ user: z.object({ id: z.string(), username: z.string() }) });
    const parse = vi.spyOn(schema, 'safeParse');
    const serialize = responseSerializer(route(schema));
    const kept = keepAnswer({ user: { ...user } });
    const first = serialize(kept);
    expect(serialize(kept)).toBe(first);
    expect(JSON.parse(first)).toEqual({ user: { id: 'u1', username: 'ada' } });
    expect(parse).toHaveBeenCalledTimes(1);
    const fresh = { user: { ...user } };
    serialize(fresh);
    serialize(fresh);
    expect(parse).toHaveBeenCalledTimes(3);
    // Another route writes the same kept object by its own schema.
    expect(JSON.parse(responseSerializer(route(userEnvelopeSchema))(kept))).toEqual({ user });
  });
});
