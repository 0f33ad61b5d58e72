import { remoteModel } from '../../helpers/catalogue.js';
import { apiClient } from '../../helpers/http.js';
import { postForStream } from '../../helpers/sse.js';
import { useOpenAiServer, useSignedInUser, useTestServer } from '../../helpers/suite.js';

/**
 * What the generate and explain API tests share: a catalogue of remote
 * models on the fake OpenAI-compatible server (a chat model, a base model
 * and one whose API key is not set), one signed-in user, and a helper that
 * asks for a stream.
 */
export function generateCatalogue(baseUrl: string) {
  return {
    defaultModel: 'remote-chat',
    models: [
      remoteModel(baseUrl, 'remote-chat', 'Remote Chat', { model: 'chat-model', contextLength: 2048 }),
      remoteModel(baseUrl, 'remote-base', 'Remote Base', { model: 'base-model', format: 'completion' }),
      remoteModel(baseUrl, 'needs-key', 'Needs Key', {
        model: 'chat-model',
        apiKeyEnv: 'CODEGENIE_TEST_UNSET_KEY',
      }),
    ],
  };
}

/** Starts the fake model server (reset before each test), the app and one account for this file. */
export function useGenerateSuite(name: string) {
  const upstream = useOpenAiServer({ resetEachTest: true });
  const server = useTestServer(() => ({
    name,
    catalogue: generateCatalogue(upstream.baseUrl),
    env: { GENERATIONS_RUNNING_PER_USER: '2', MODEL_FIRST_TOKEN_TIMEOUT_SECONDS: '5' },
  }));
  const api = apiClient(() => server.url);
  const session = useSignedInUser(api);

  /** POST with Accept: text/event-stream; returns the raw response. */
  function stream(path: string, body: unknown, signal?: AbortSignal, authToken?: string) {
    return postForStream(`${server.url}${path}`, authToken ?? session.token, body, signal);
  }

  return { upstream, server, api, session, stream };
}
