// The REST layer: JSON requests to the API server over Node's http/https, with the
// credentials of auth.ts and the kept-alive agents of agents.ts, and a streaming GET for
// watches. It knows nothing of rate limits, retries or resources (transport.ts and the
// callers do); it turns every failure into one of the errors of rest-errors.ts:
//
// | what happened                                  | thrown                  |
// | ---------------------------------------------- | ----------------------- |
// | a non-2xx answer (Status parsed, Retry-After)  | KubeResponseError       |
// | a 2xx answer whose body is not JSON            | KubeResponseError       |
// | the signal's timeout fired                     | KubeTimeoutError        |
// | refused, reset, DNS, TLS handshake, cut short  | KubeConnectionError     |
// | no credentials (exec plugin, token file)       | KubeCredentialError     |
// | the caller aborted (not a timeout)             | the signal's reason     |

import http from 'node:http';
import https from 'node:https';
import type { Clock } from '../clock.js';
import { createAgents } from './agents.js';
import { type Auth, createAuth } from './auth.js';
import type { ExecRunner } from './exec-credential.js';
import { KubeConnectionError, KubeResponseError, KubeTimeoutError, parseStatus } from './rest-errors.js';
import type { KubeTarget } from './target.js';
import { type LineDecoder, createLineDecoder } from './watch-lines.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export type RequestOptions = {
  readonly query?: Query;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Default application/json; patches say which kind they are. */
  readonly contentType?: string;
  readonly signal?: AbortSignal;
};

export type RestClient = {
  /** The answer's JSON (undefined for an empty body). */
  request<T>(method: Method, path: string, options?: RequestOptions): Promise<T>;
  /** A GET whose answer is newline-delimited JSON; resolves when the server ends it. */
  stream(path: string, options: { readonly query?: Query; readonly signal?: AbortSignal; readonly onLine: (line: string) => void }): Promise<void>;
};

export type RestOptions = {
  /** Sent with every request (User-Agent, X-Scalerd-Client). */
  readonly headers: Readonly<Record<string, string>>;
  /** Real time, for token files and plugin credentials (not the simulator's). */
  readonly clock: Clock;
  readonly runExec?: ExecRunner;
};

export function createRestClient(target: KubeTarget, options: RestOptions): RestClient {
  const auth = createAuth(target, { clock: options.clock, ...(options.runExec ? { runExec: options.runExec } : {}) });
  const agentFor = createAgents(target.cluster);
  const base = target.cluster.server;
  const send = (method: Method, path: string, request: RequestOptions, onResponse: OnResponse) =>
    exchange({ auth, agentFor, headers: options.headers }, method, url(base, path, request.query), request, onResponse);

  return {
    async request<T>(method: Method, path: string, request: RequestOptions = {}): Promise<T> {
      const { status, text, retryAfter } = await send(method, path, request, readAll);
      if (status < 200 || status > 299) throw new KubeResponseError(status, parseStatus(text), retryAfter);
      if (text === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new KubeResponseError(status, undefined, undefined, `the answer to ${method} ${path} is not JSON`);
      }
    },
    async stream(path, request) {
      const { status, text, retryAfter } = await send('GET', path, request, (response) =>
        response.statusCode === 200 ? readLines(response, createLineDecoder(request.onLine)) : readAll(response));
      if (status !== 200) throw new KubeResponseError(status, parseStatus(text), retryAfter);
    },
  };
}

function url(base: string, path: string, query: Query = {}): URL {
  const result = new URL(base + path);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) result.searchParams.set(key, String(value));
  return result;
}

type Answer = { readonly status: number; readonly text: string; readonly retryAfter: string | undefined };
type OnResponse = (response: http.IncomingMessage) => Promise<Answer>;
type Connection = { readonly auth: Auth; readonly agentFor: ReturnType<typeof createAgents>; readonly headers: Readonly<Record<string, string>> };

/** One request: credentials, then the exchange, bounded by the signal; the answer as `onResponse` reads it. */
async function exchange(connection: Connection, method: Method, target: URL, request: RequestOptions, onResponse: OnResponse): Promise<Answer> {
  const { signal } = request;
  if (signal?.aborted) throw aborted(signal);
  const credentials = await connection.auth.credentials();
  if (signal?.aborted) throw aborted(signal); // while a plugin ran: the listener below would never hear it
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const headers: Record<string, string> = {
    Accept: 'application/json',
    ...connection.headers,
    ...credentials.headers,
    ...(body !== undefined ? { 'Content-Type': request.contentType ?? 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}),
  };
  const answer = await new Promise<Answer>((resolve, reject) => {
    const client = target.protocol === 'https:' ? https : http;
    const req = client.request(target, { method, headers, agent: connection.agentFor(credentials.clientCertificate) });
    // Rejected here and destroyed without an error: once the answer has come, Node emits an
    // error given to destroy() where no listener hears it, an uncaught exception.
    const onAbort = () => {
      reject(aborted(signal!));
      req.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal?.removeEventListener('abort', onAbort);
    req.on('error', (error) => {
      settle();
      reject(signal?.aborted ? aborted(signal) : connectionError(error));
    });
    req.once('response', (response) => {
      onResponse(response).then(
        (result) => {
          settle();
          resolve(result);
        },
        (error: unknown) => {
          settle();
          reject(signal?.aborted ? aborted(signal) : error instanceof Error && 'code' in error ? connectionError(error) : error);
        },
      );
    });
    req.end(body);
  });
  if (answer.status === 401) connection.auth.refused();
  return answer;
}

function retryAfterOf(response: http.IncomingMessage): string | undefined {
  const value = response.headers['retry-after'];
  return Array.isArray(value) ? value[0] : value;
}

// Both readers settle on 'close', which comes last whatever happened: after 'end', or after
// a destroy (a timeout, a cut connection) that may come when the body was already whole.
const readAll: OnResponse = (response) =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('error', reject);
    response.once('close', () => {
      if (!response.complete) reject(cutShort());
      else resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), retryAfter: retryAfterOf(response) });
    });
  });

/** A 200 stream, line by line, until the server ends it; a line its handler throws on ends it with that error. */
function readLines(response: http.IncomingMessage, decoder: LineDecoder): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let failed = false;
    response.on('data', (chunk: Buffer) => {
      if (failed) return;
      try {
        decoder.push(chunk);
      } catch (error) {
        failed = true;
        response.destroy();
        reject(error);
      }
    });
    response.on('error', reject);
    response.once('close', () => {
      if (failed) return;
      if (!response.complete) return reject(cutShort());
      try {
        decoder.end();
        resolve({ status: 200, text: '', retryAfter: undefined });
      } catch (error) {
        reject(error);
      }
    });
  });
}

const cutShort = () => Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' });

function aborted(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name === 'TimeoutError' ? new KubeTimeoutError() : reason;
}

function connectionError(error: Error): KubeConnectionError {
  // Node's messages name the address and the TLS problem, never a header.
  return new KubeConnectionError((error as NodeJS.ErrnoException).code, error.message, { cause: error });
}
