import { EventSourceParserStream } from 'eventsource-parser/stream';

/*
 * Kept out of api-client.ts: that module is in the first JavaScript of every
 * page (the auth provider uses it), and the event-stream parser is needed only
 * by pages that stream (Generate, Explain, Compare, the Admin page's pulls).
 */

/** One server-sent event as read from a stream: its name, data and id (when the server numbers them). */
export interface ServerSentEvent {
  event?: string | undefined;
  data: string;
  id?: string | undefined;
}

/** Reads an open event stream (from `openEventStream`) message by message until it ends. */
export async function* readEventStream(
  stream: ReadableStream<BufferSource>,
): AsyncGenerator<ServerSentEvent> {
  const reader = stream
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
