// Remote failures classified at the adapter boundary (STYLE.md point 8). The REST layer
// (rest.ts) fails a request with a KubeResponseError carrying the answer's status, its v1
// Status (or none: a 401 often has no body, a proxy sends HTML) and Retry-After; with a
// KubeTimeoutError (our request timeout) or a KubeConnectionError (refused, reset, TLS)
// below HTTP; or with a KubeCredentialError (an exec plugin or token file failed).
// Everything above this file sees a KubeFailure, and callers above the adapter a
// RemoteError: never a transport type.
//
// | what                                   | retried here | RemoteError.retryable | class (errorClass) |
// | -------------------------------------- | ------------ | --------------------- | ------------------ |
// | 429 TooManyRequests (not an eviction)  | yes, after Retry-After or back-off | true | throttled |
// | 5xx (500, 502, 503, 504)               | yes          | true                  | server             |
// | request timeout                        | yes          | true                  | timeout            |
// | connection error                       | yes          | true                  | connection         |
// | no credentials (plugin, token file)    | yes          | true                  | unauthorized       |
// | 409 Conflict                           | no: only the caller can re-read (changeNode does) | true | conflict |
// | 409 AlreadyExists                      | no           | false                 | conflict           |
// | 401, 403, 404 and 410, other 4xx       | no           | false                 | unauthorized, forbidden, not-found, invalid |
// Outcomes that are part of the protocol (404 gone, an eviction's 429/409/500/403) are
// mapped to values by the method before this table applies: they are the call's answer,
// not a failure, and are neither retried here nor counted as failed calls.

import { RemoteError } from '../errors.js';
import type { ApiErrorClass } from '../ports/api-errors.js';
import type { KubeOperation } from './operations.js';
import { KubeConnectionError, KubeCredentialError, KubeResponseError, KubeTimeoutError, type StatusCause } from './rest-errors.js';

export type { StatusCause } from './rest-errors.js';

export type KubeFailure = {
  readonly kind: 'response' | 'timeout' | 'connection' | 'credentials';
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
export type CallSite = { readonly operation: KubeOperation; readonly target?: string };

/** The failure an error stands for, or undefined when it is not a remote failure (a bug: let it through). */
export function toFailure(error: unknown): KubeFailure | undefined {
  if (error instanceof KubeResponseError) {
    const status = error.apiStatus;
    const retryAfter = retryAfterMs(error.retryAfter);
    return {
      kind: 'response',
      status: error.status,
      ...(status?.reason ? { reason: status.reason } : {}),
      message: status?.message ?? defaultMessage(error.status, error.message),
      causes: status?.causes ?? [],
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    };
  }
  if (error instanceof KubeTimeoutError) return { kind: 'timeout', message: error.message, causes: [] };
  if (error instanceof KubeConnectionError) return { kind: 'connection', message: error.message, causes: [] };
  if (error instanceof KubeCredentialError) return { kind: 'credentials', message: error.message, causes: [] };
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

/** The class a failed call is counted under (src/ports/api-errors.ts), per the table above. */
export function errorClass(failure: KubeFailure): ApiErrorClass {
  switch (failure.kind) {
    case 'timeout':
      return 'timeout';
    case 'connection':
      return 'connection';
    case 'credentials':
      return 'unauthorized';
    case 'response':
      break;
  }
  const status = failure.status ?? 0;
  if (status === 429) return 'throttled';
  if (status >= 500) return 'server';
  if (status === 409) return 'conflict';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not-found';
  if (status >= 400) return 'invalid';
  // A 2xx whose body was not JSON, or a status no server should send.
  return 'other';
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

/** Retry-After in seconds (what the API server sends) or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  return undefined; // the API server never sends a date; no clock read for one
}

function defaultMessage(status: number, message: string): string {
  if (status === 401) return 'Unauthorized: the credentials were refused';
  if (status === 403) return 'Forbidden';
  return message;
}
