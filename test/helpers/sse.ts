/** One server-sent event as the client received it. */
export interface SseEvent {
  event: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test payloads are asserted field by field
  data: any;
}

/** POSTs `body` as JSON to `url` with Accept: text/event-stream and a bearer token; returns the raw response. */
export function postForStream(
  url: string,
  token: string,
  body: unknown,
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify(body),
    signal,
  });
}

/**
 * Reads a text/event-stream response event by event. `onEvent` may return
 * true to stop reading (the connection is then closed by the caller's
 * AbortController, if any).
 */
export async function readSse(
  response: Response,
  onEvent?: (e: SseEvent, all: SseEvent[]) => boolean | undefined | Promise<boolean | undefined>,
): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  if (!response.body) {
    return events;
  }
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        break;
      }
      buffer += decoder.decode(value, { stream: true });
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        cut = buffer.indexOf('\n\n');
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) {
            event = line.slice(7);
          } else if (line.startsWith('data: ')) {
            data.push(line.slice(6));
          }
        }
        if (data.length === 0) {
          continue; // a comment (keep-alive)
        }
        const e: SseEvent = { event, data: JSON.parse(data.join('\n')) };
        events.push(e);
        if (await onEvent?.(e, events)) {
          await reader.cancel();
          return events;
        }
      }
    }
  } catch (error) {
    if ((error as Error).name !== 'AbortError') {
      throw error;
    }
  }
  return events;
}
