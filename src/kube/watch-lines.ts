// A watch answer is newline-delimited JSON, and TCP cuts it wherever it likes: a chunk may
// hold half an event, several, or split a multi-byte character. The decoder joins chunks
// into whole lines and hands each on; the bytes after the last newline wait for the next
// chunk. Pure: no I/O, no parsing beyond lines.

import { StringDecoder } from 'node:string_decoder';
import type { WatchEvent } from './wire.js';

export type LineDecoder = {
  push(chunk: Buffer | string): void;
  /** The stream ended: a last line without its newline is still a line. */
  end(): void;
};

export function createLineDecoder(onLine: (line: string) => void): LineDecoder {
  const utf8 = new StringDecoder('utf8');
  let partial = '';
  const emit = (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (line.trim() !== '') onLine(line);
  };
  return {
    push: (chunk) => emit(typeof chunk === 'string' ? chunk : utf8.write(chunk)),
    end: () => {
      emit(`${utf8.end()}\n`);
    },
  };
}

/** One line of a watch as its event; a line that is not one is an error, not something to skip. */
export function parseWatchEvent(line: string): WatchEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`a watch event is not JSON: ${line.length > 200 ? `${line.slice(0, 200)}…` : line}`);
  }
  const event = parsed as { type?: unknown; object?: unknown } | null;
  if (typeof event?.type !== 'string' || typeof event.object !== 'object' || event.object === null) {
    throw new Error(`a watch line is not an event (type and object): ${line.length > 200 ? `${line.slice(0, 200)}…` : line}`);
  }
  return { type: event.type, object: event.object as Record<string, unknown> };
}
