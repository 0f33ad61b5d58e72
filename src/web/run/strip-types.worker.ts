import { transform } from 'sucrase';

/*
 * TypeScript without its types, in a worker of the app's own: Vite bundles a
 * worker on its own (runner.ts imports it with ?worker), so sucrase and the
 * CommonJS helpers its dependencies need stay out of the app's chunk graph,
 * and parsing long code never holds up the page. It only parses: the code
 * runs in the sandbox.
 */
onmessage = (event: MessageEvent<string>) => {
  try {
    const { code } = transform(event.data, { transforms: ['typescript'], disableESTransforms: true });
    postMessage({ code });
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    postMessage({ error: { name, message } });
  }
};
