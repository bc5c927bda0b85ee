// Remote failures classified at the adapter boundary (STYLE.md point 8). client-node 1.x
// fails a call with an ApiException whose `body` is the raw text of the v1 Status (or
// undefined for a 401), or, below HTTP, with node-fetch's FetchError (connection refused,
// reset) or AbortError (our request timeout). Everything above this file sees a
// KubeFailure, and callers above the adapter a RemoteError: never an SDK type.
//
// | what                                   | retried here | RemoteError.retryable |
// | -------------------------------------- | ------------ | --------------------- |
// | 429 TooManyRequests (not an eviction)  | yes, after Retry-After or back-off | true |
// | 5xx (500, 502, 503, 504)               | yes          | true                  |
// | request timeout, connection error      | yes          | true                  |
// | 409 Conflict                           | no: only the caller can re-read (changeNode does) | true |
// | 409 AlreadyExists, other 4xx           | no           | false                 |
// Outcomes that are part of the protocol (404 gone, an eviction's 429/409/500/403) are
// mapped to values by the method before this table applies.

import { AbortError, ApiException, FetchError } from '@kubernetes/client-node';
import { RemoteError } from '../errors.js';

export type StatusCause = { readonly reason?: string; readonly message?: string; readonly field?: string };

export type KubeFailure = {
  readonly kind: 'response' | 'timeout' | 'connection';
  /** HTTP status, for a response. */
  readonly status?: number;
  /** The Status reason (NotFound, Conflict, TooManyRequests…), when the body had one. */
  readonly reason?: string;
  /** The Status message, or what went wrong below HTTP. */
  readonly message: string;
  readonly causes: readonly StatusCause[];
  /** From the Retry-After header, when the server sent one. */
  readonly retryAfterMs?: number;
};

/** What a call was: "patch nodes" and "ip-10-0-1-1…", "create pods/eviction" and "shop/web-1". */
export type CallSite = { readonly operation: string; readonly target?: string };

type StatusBody = { reason?: unknown; message?: unknown; details?: { causes?: unknown } };

/** The failure an error stands for, or undefined when it is not a remote failure (a bug: let it through). */
export function toFailure(error: unknown): KubeFailure | undefined {
  if (error instanceof ApiException) {
    const body = parseStatus(error.body);
    const retryAfter = retryAfterMs(headerOf(error.headers, 'retry-after'));
    return {
      kind: 'response',
      status: error.code,
      ...(typeof body?.reason === 'string' && body.reason ? { reason: body.reason } : {}),
      message: typeof body?.message === 'string' && body.message ? body.message : defaultMessage(error.code),
      causes: Array.isArray(body?.details?.causes) ? (body.details.causes as StatusCause[]) : [],
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    };
  }
  if (error instanceof AbortError || (error instanceof Error && error.name === 'AbortError') || (error instanceof Error && error.name === 'TimeoutError')) {
    return { kind: 'timeout', message: 'the request timed out', causes: [] };
  }
  if (error instanceof FetchError) {
    // The message names the URL, never a header, so no credential can leak through it.
    return { kind: 'connection', message: error.code ? `${error.code}: ${error.message}` : error.message, causes: [] };
  }
  return undefined;
}

/** Whether the adapter itself tries the same request again (throttling, server errors, transport). */
export function retryHere(failure: KubeFailure): boolean {
  if (failure.kind !== 'response') return true;
  const status = failure.status ?? 0;
  return status === 429 || (status >= 500 && status !== 501);
}

/** Whether trying again later may succeed: what retryHere says, plus a 409 Conflict that a fresh read resolves. */
export function isRetryable(failure: KubeFailure): boolean {
  return retryHere(failure) || (failure.status === 409 && failure.reason !== 'AlreadyExists');
}

export function hasCause(failure: KubeFailure, reason: string): boolean {
  return failure.causes.some((cause) => cause.reason === reason);
}

/** The RemoteError callers see: what was attempted, on what, and what the server said. */
export function toRemoteError(site: CallSite, failure: KubeFailure, options: { attempts?: number; cause?: unknown } = {}): RemoteError {
  const what = site.target ? `${site.operation} ${site.target}` : site.operation;
  const answer = failure.status !== undefined ? `${failure.status}${failure.reason ? ` ${failure.reason}` : ''}: ${failure.message}` : failure.message;
  const tries = options.attempts !== undefined && options.attempts > 1 ? ` (after ${options.attempts} attempts)` : '';
  return new RemoteError('SCALERD_ERR_KUBE_CALL', `Kubernetes ${what} failed${tries}: ${answer}`, {
    operation: site.operation,
    ...(failure.status !== undefined ? { status: failure.status } : {}),
    ...(failure.reason !== undefined ? { reason: failure.reason } : {}),
    retryable: isRetryable(failure),
  }, options.cause !== undefined ? { cause: options.cause } : undefined);
}

function parseStatus(body: unknown): StatusBody | undefined {
  if (body !== null && typeof body === 'object') return body as StatusBody;
  if (typeof body !== 'string' || body === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' ? (parsed as StatusBody) : undefined;
  } catch {
    return undefined; // not a Status (a proxy's HTML page): the status code still classifies it
  }
}

function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** Retry-After in seconds (what the API server sends) or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  return undefined; // the API server never sends a date; no clock read for one
}

function defaultMessage(status: number): string {
  if (status === 401) return 'Unauthorized: the credentials were refused';
  if (status === 403) return 'Forbidden';
  return `HTTP ${status}`;
}
