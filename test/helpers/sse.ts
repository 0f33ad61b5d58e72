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

/** A server-sent event with the number of its `id:` line (a run, which a client resumes with Last-Event-ID). */
export interface NumberedSseEvent extends SseEvent {
  id: number;
}

/** What a reader is told of each event as it comes; true stops the reading. */
type OnEvent<E> = (e: E, all: E[]) => boolean | undefined | Promise<boolean | undefined>;

/**
 * Reads a text/event-stream response event by event. `onEvent` may return
 * true to stop reading (the connection is then closed by the caller's
 * AbortController, if any).
 */
export function readSse(response: Response, onEvent?: OnEvent<SseEvent>): Promise<SseEvent[]> {
  return readEvents(response, (e) => e, onEvent);
}

/** readSse for a stream that numbers its events: each with its `id`. */
export function readNumberedSse(
  response: Response,
  onEvent?: OnEvent<NumberedSseEvent>,
): Promise<NumberedSseEvent[]> {
  return readEvents(response, (e, id) => ({ ...e, id: Number(id) }), onEvent);
}

async function readEvents<E extends SseEvent>(
  response: Response,
  make: (e: SseEvent, id: string | undefined) => E,
  onEvent?: OnEvent<E>,
): Promise<E[]> {
  const events: E[] = [];
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
        let id: string | undefined;
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) {
            event = line.slice(7);
          } else if (line.startsWith('id: ')) {
            id = line.slice(4);
          } else if (line.startsWith('data: ')) {
            data.push(line.slice(6));
          }
        }
        if (data.length === 0) {
          continue; // a comment (keep-alive)
        }
        const e = make({ event, data: JSON.parse(data.join('\n')) }, id);
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
