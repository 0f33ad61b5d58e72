import type { Config } from '../config.js';
import type { TunnelPort } from './tunnel.port.js';

/**
 * The tunnel the config asks for: ngrok when NGROK_AUTHTOKEN is set, else
 * none. The native ngrok library is loaded only then.
 */
export async function createTunnel(config: Pick<Config, 'publicLink'>): Promise<TunnelPort | undefined> {
  if (config.publicLink === undefined) {
    return undefined;
  }
  const { NgrokTunnel } = await import('./ngrok.adapter.js');
  return new NgrokTunnel({ authtoken: config.publicLink.authtoken, domain: config.publicLink.domain });
}
