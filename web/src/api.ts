// The console's calls to the daemon: JSON with the token in the Authorization header (kept in
// sessionStorage: it goes when the tab does, and never into a URL), and the live events read
// from a fetch stream, since EventSource cannot send a header.

import { SseParser } from '../../src/http/sse.js';
import type { ErrorJson } from '../../src/console/wire.js';

const TOKEN_KEY = 'scalerd-console-token';

export const token = (): string | null => sessionStorage.getItem(TOKEN_KEY);
export const setToken = (value: string): void => sessionStorage.setItem(TOKEN_KEY, value.trim());
export const forgetToken = (): void => sessionStorage.removeItem(TOKEN_KEY);

/** A refusal or failure, with the daemon's code and message when it sent one. */
export class ApiFailure extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const headers = (more: Record<string, string> = {}): Record<string, string> => {
  const t = token();
  return { accept: 'application/json', ...(t ? { authorization: `Bearer ${t}` } : {}), ...more };
};

async function failure(response: Response): Promise<ApiFailure> {
  const body = (await response.json().catch(() => undefined)) as ErrorJson | undefined;
  return new ApiFailure(response.status, body?.error?.code ?? `HTTP ${response.status}`, body?.error?.message ?? `${response.status} ${response.statusText}`);
}

export async function call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      // Every change as JSON, a body or none: the console refuses a change of any other type.
      headers: headers(method === 'GET' ? {} : { 'content-type': 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      credentials: 'omit',
    });
  } catch (error) {
    throw new ApiFailure(0, 'NETWORK', `the daemon cannot be reached: ${(error as Error).message}`);
  }
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

/**
 * Reads the event stream at `path` until `signal` aborts: each event's data to `onEvent`.
 * A dropped stream is opened again (1 s, then up to 10 s apart); `onState` says whether it is
 * live, and why not. A refusal (401) is not retried: it needs the token first.
 */
export async function follow(path: string, onEvent: (event: string, data: string) => void, onState: (live: boolean, why?: ApiFailure) => void, signal: AbortSignal): Promise<void> {
  let delay = 1000;
  while (!signal.aborted) {
    try {
      const response = await fetch(path, { headers: headers({ accept: 'text/event-stream' }), signal, credentials: 'omit' });
      if (!response.ok || !response.body) {
        const why = await failure(response);
        onState(false, why);
        if (response.status === 401 || response.status === 403) return;
      } else {
        onState(true);
        delay = 1000;
        const parser = new SseParser();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const e of parser.push(value)) onEvent(e.event, e.data);
        }
        onState(false, new ApiFailure(0, 'STREAM', 'the live stream ended; reconnecting'));
      }
    } catch (error) {
      if (signal.aborted) return;
      onState(false, new ApiFailure(0, 'NETWORK', `the daemon cannot be reached: ${(error as Error).message}`));
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 10_000);
  }
}
