import { afterEach, describe, expect, it } from 'vitest';
import { FakeMongod } from '../../../../test/helpers/fake-mongod.js';
import { LateLogger } from '../../late-logger.js';
import type { Logger } from '../../logger.js';
import { createStore } from '../index.js';
import type { Store } from '../store.port.js';

/**
 * Issue 16 item 7: main.ts opens the store before the app's logger exists,
 * with a LateLogger it attaches to the app's log once built. The same path
 * here: the store's lines wait for the logger, and a connection lost and
 * back later is logged through it.
 */
const opened: { server: FakeMongod; store?: Store }[] = [];
afterEach(async () => {
  for (const { server, store } of opened.splice(0)) {
    await store?.close();
    await server.stop();
  }
});

function recording(lines: { level: string; message: unknown }[]): Logger {
  const at =
    (level: string) =>
    (fields: unknown, message?: string): void => {
      lines.push({ level, message: message ?? fields });
    };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: () => recording(lines),
  };
}

describe('the store log main.ts wires', () => {
  it('writes the connect line once attached, then logs a lost server and its return', async () => {
    const server = new FakeMongod();
    await server.start();
    const entry: { server: FakeMongod; store?: Store } = { server };
    opened.push(entry);
    const late = new LateLogger();
    const store = await createStore(
      { kind: 'mongodb', url: `mongodb://127.0.0.1:${server.port}/cg` },
      { log: late, maxPoolSize: 5 },
    );
    entry.store = store;

    const lines: { level: string; message: unknown }[] = [];
    late.attach(recording(lines));
    expect(lines).toContainEqual({ level: 'info', message: 'MongoDB store connected' });

    await server.stop();
    // A read while the server is gone: the driver marks it unknown at once and waits for it.
    const read = store.users.findById('a');
    await expect
      .poll(() => lines.map((l) => l.level + ' ' + String(l.message)))
      .toContainEqual(expect.stringMatching(/^warn MongoDB server unreachable/));

    await server.start(server.port);
    await expect(read).resolves.toBeNull();
    await expect
      .poll(() => lines.at(-1))
      .toEqual({ level: 'info', message: 'MongoDB server reachable again' });
  });
});
