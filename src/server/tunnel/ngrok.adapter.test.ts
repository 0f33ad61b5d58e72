import type ngrok from '@ngrok/ngrok';
import { describe, expect, it } from 'vitest';
import { secret } from '../../../test/helpers/secrets.js';
import { NgrokTunnel, type NgrokForward } from './ngrok.adapter.js';
import { TunnelError } from './tunnel.port.js';

/**
 * The ngrok adapter. The real library runs where it can here: this machine
 * has no internet, so a session never opens and the failure path is real;
 * what needs ngrok's service (a refused token's words, a dropped session)
 * is played by a stand-in for `ngrok.forward`.
 */

const TOKEN = secret('2bAdT0kEn_for_codegenie_tests_0123456789');

/** A listener as ngrok.forward resolves it; `closed` counts close() calls. */
function listener(url: string | null) {
  const made = {
    closed: 0,
    url: () => url,
    close: async () => {
      made.closed += 1;
    },
  };
  return made;
}

describe('NgrokTunnel with the real @ngrok/ngrok library', () => {
  it('fails with ngrok’s reason, without the token, when no session can be opened', async () => {
    const tunnel = new NgrokTunnel({ authtoken: TOKEN, domain: undefined });
    const error: unknown = await tunnel.open('http://127.0.0.1:9', new AbortController().signal).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TunnelError);
    expect((error as Error).message).toMatch(/\S/);
    expect((error as Error).message).not.toContain(TOKEN);
    expect(tunnel.state()).toEqual({ state: 'off' });
  });
});

describe('NgrokTunnel', () => {
  it('asks ngrok for the local address, the token and the domain, and reports the URL', async () => {
    const seen: ngrok.Config[] = [];
    const forward: NgrokForward = async (config) => {
      seen.push(config);
      return listener('https://team.ngrok.app');
    };
    const tunnel = new NgrokTunnel({ authtoken: TOKEN, domain: 'team.ngrok.app' }, forward);
    const opened = await tunnel.open('http://127.0.0.1:3000', new AbortController().signal);
    expect(opened).toEqual({ publicUrl: 'https://team.ngrok.app' });
    expect(seen[0]).toMatchObject({
      addr: 'http://127.0.0.1:3000',
      authtoken: TOKEN,
      domain: 'team.ngrok.app',
    });
    expect(tunnel.state()).toEqual({ state: 'open', url: 'https://team.ngrok.app' });
  });

  it('cuts the token out of ngrok’s message', async () => {
    const forward: NgrokForward = async () => {
      throw new Error(`authentication failed: Your authtoken: ${TOKEN}\nERR_NGROK_105`);
    };
    const tunnel = new NgrokTunnel({ authtoken: TOKEN, domain: undefined }, forward);
    await expect(tunnel.open('http://127.0.0.1:3000', new AbortController().signal)).rejects.toThrow(
      'authentication failed: Your authtoken: [redacted] ERR_NGROK_105',
    );
  });

  it('stops waiting when aborted, and closes a tunnel that opens afterwards', async () => {
    let answer: (value: ReturnType<typeof listener>) => void = () => undefined;
    const late = listener('https://late.ngrok.app');
    const forward: NgrokForward = () =>
      new Promise((resolve) => {
        answer = resolve;
      });
    const tunnel = new NgrokTunnel({ authtoken: TOKEN, domain: undefined }, forward);
    const controller = new AbortController();
    const opening = tunnel.open('http://127.0.0.1:3000', controller.signal);
    controller.abort(new Error('ngrok did not answer within 15 s'));
    await expect(opening).rejects.toThrow('ngrok did not answer within 15 s');
    answer(late);
    await expect.poll(() => late.closed).toBe(1);
  });

  it('follows the session: connecting while ngrok reconnects, open again once it has', async () => {
    let onStatus: (status: string) => void = () => undefined;
    const forward: NgrokForward = async (config) => {
      onStatus = config.onStatusChange ?? onStatus;
      return listener('https://team.ngrok.app');
    };
    const tunnel = new NgrokTunnel({ authtoken: TOKEN, domain: undefined }, forward);
    await tunnel.open('http://127.0.0.1:3000', new AbortController().signal);
    onStatus('closed');
    expect(tunnel.state()).toEqual({ state: 'connecting' });
    onStatus('connected');
    expect(tunnel.state()).toEqual({ state: 'open', url: 'https://team.ngrok.app' });
    await tunnel.close();
    expect(tunnel.state()).toEqual({ state: 'off' });
  });
});
