import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiClient, registerAndLogin } from '../helpers/http.js';
import { useServerProcesses } from '../helpers/server-process.js';
import { postForStream, readSse, type SseEvent } from '../helpers/sse.js';
import { readSqliteRow } from '../helpers/sqlite-read.js';
import { useOpenAiServer, useTempDir } from '../helpers/suite.js';
import { generateCatalogue } from './support/generate-suite.js';

/**
 * Issue 12: "the output written so far is saved at least once a second while
 * a run streams, so a crash or kill -9 loses at most the last second of what
 * the user already saw". The real server runs in a child process, is killed
 * with SIGKILL while a model stalls mid-answer, and a new server on the same
 * data folder shows the turn with what the user saw.
 */

const ANSWER = 'one two three four five six seven eight nine ten';
/** The model sends this many tokens, then nothing, keeping the connection open. */
const SENT = 3;

const tokens = (events: SseEvent[]) => events.filter((e) => e.event === 'token');

/** The run's row as the SQLite file holds it, read by another connection (read-only). */
function savedRow(dataDir: string, id: string): unknown {
  return readSqliteRow(
    path.join(dataDir, 'codegenie.db'),
    'SELECT status, output, completion_tokens AS completionTokens FROM prompts WHERE id = ?',
    id,
  );
}

describe('a server killed with SIGKILL in the middle of a generation', () => {
  const upstream = useOpenAiServer();
  const dir = useTempDir('codegenie-crash-');
  const servers = useServerProcesses();

  it('keeps the output the user saw, with its token count; the next start marks the turn interrupted', async () => {
    const options = {
      name: 'crash-recovery',
      dataDir: dir.path,
      catalogue: generateCatalogue(upstream.baseUrl),
      // Only the kill may end the run: nobody stops it for being detached or silent.
      env: { RUN_DETACHED_GRACE_SECONDS: '600', MODEL_IDLE_TIMEOUT_SECONDS: '300' },
    };
    const first = await servers.start(options);
    const session = await registerAndLogin(apiClient(first.url));
    upstream.script([{ type: 'answer', text: ANSWER, stallAfterChunks: SENT }]);

    // The user watches the answer arrive and stays attached while the model stalls.
    const response = await postForStream(`${first.url}/api/generate`, session.token, { prompt: 'count' });
    expect(response.status).toBe(200);
    const seen = await new Promise<SseEvent[]>((resolve, reject) => {
      readSse(response, (_event, all) => {
        if (tokens(all).length === SENT) {
          resolve(all);
        }
        return undefined;
      }).then(
        (all) => {
          reject(new Error(`the stream ended before ${SENT} tokens: ${JSON.stringify(all)}`));
        },
        // The connection breaks when the server is killed.
        () => undefined,
      );
    });
    const start = seen[0];
    expect(start).toMatchObject({
      event: 'start',
      data: { id: expect.any(String), threadId: expect.any(String) },
    });
    const { id, threadId } = start?.data as { id: string; threadId: string };
    const text = tokens(seen)
      .map((e) => e.data.text as string)
      .join('');
    expect(text.length).toBeGreaterThan(0);

    // What the user saw reaches the file while the run is still going (the periodic save, not its end).
    await expect
      .poll(() => savedRow(dir.path, id), { timeout: 10_000 })
      .toEqual({ status: 'running', output: text, completionTokens: SENT });

    expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    const second = await servers.start(options);
    const api = apiClient(second.url);
    const thread = await api.get(`/api/threads/${threadId}`, { token: session.token });
    expect(thread.status).toBe(200);
    expect(thread.body.turns).toHaveLength(1);
    expect(thread.body.turns[0]).toMatchObject({
      id,
      kind: 'generate',
      prompt: 'count',
      status: 'failed',
      output: text,
      error: { code: 'interrupted', message: 'The server stopped during this generation.' },
      usage: { completionTokens: SENT },
    });
    expect(thread.body.turns[0].finishedAt).toEqual(expect.any(String));

    const history = await api.get('/api/history', { token: session.token });
    expect(history.body.items).toEqual([
      expect.objectContaining({ id, threadId, status: 'failed', completionTokens: SENT }),
    ]);

    // Reattaching (a refresh after the restart) replays the saved answer and how it ended.
    const replay = await readSse(
      await fetch(`${second.url}/api/generations/${id}/events`, {
        headers: { accept: 'text/event-stream', authorization: `Bearer ${session.token}` },
      }),
    );
    expect(replay.map((e) => e.event)).toEqual(['start', 'token', 'error']);
    expect(replay[1]?.data).toEqual({ text });
    expect(replay[2]?.data).toMatchObject({ code: 'interrupted' });

    expect(await second.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 120_000);
});
