// The adapter's error boundary: whatever an SDK call throws leaves as a RemoteError
// (SCALERD_ERR_AWS_CALL) with the operation, the HTTP status, AWS's error code and whether
// trying again later may help. The core never sees an SDK error.
//
// Classification (first match wins):
//   throttling codes (Throttling, RequestLimitExceeded, …)       retryable
//   transient codes (ServiceUnavailable, InternalFailure,
//     ScalingActivityInProgress, ResourceContention, …)          retryable
//   HTTP 5xx or 429                                             retryable
//   any other HTTP answer (ValidationError, NotFound, 403, …)   not retryable
//   no answer: timeouts and network errors (ECONNRESET, …)      retryable
//   no answer: aborted, no credentials, anything else           not retryable
//
// mayHaveActed() tells apart the failures after which AWS may have done the work anyway
// (no answer, a 5xx) from refusals: what a call that must not be repeated needs to know.

import { RemoteError } from '../errors.js';

const THROTTLING = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottledException', 'RequestThrottled',
  'TooManyRequestsException', 'RequestLimitExceeded', 'BandwidthLimitExceeded', 'EC2ThrottledException',
  'PriorRequestNotComplete', 'SlowDown',
]);

const TRANSIENT = new Set([
  'ServiceUnavailable', 'ServiceUnavailableException', 'Unavailable', 'InternalFailure', 'InternalError',
  'InternalServiceError', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError',
  // Auto Scaling: another change to the group is under way; it will be done soon.
  'ScalingActivityInProgress', 'ResourceContention',
  // The SDK corrects its clock or refreshes credentials before the next call.
  'RequestExpired', 'RequestTimeTooSkewed', 'ExpiredToken', 'ExpiredTokenException',
]);

/** Node's codes for a connection that failed or broke before an answer. */
const NETWORK = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH',
  'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** Of those, the ones that say no connection was made: the request never left, so nothing was done. */
const NEVER_SENT = new Set([
  'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** What the SDK's errors carry, read without depending on its classes. */
type SdkErrorShape = {
  name?: unknown;
  message?: unknown;
  /** awsQuery/ec2Query: the <Code> of the answer (the name may be the modelled one, e.g. ResourceContentionFault). */
  Code?: unknown;
  /** Node system errors. */
  code?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
};

export type Classification = { readonly reason: string; readonly status: number | undefined; readonly retryable: boolean };

export function classify(error: unknown): Classification {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const reason = [e.Code, e.name, e.code].find((r): r is string => typeof r === 'string' && r !== '' && r !== 'Error') ?? 'UnknownError';
  return { reason, status, retryable: isRetryable(reason, status) };
}

function isRetryable(reason: string, status: number | undefined): boolean {
  if (THROTTLING.has(reason) || TRANSIENT.has(reason)) return true;
  if (status !== undefined) return status >= 500 || status === 429;
  return NETWORK.has(reason);
}

/** What an answer said of the call, enough to tell a refusal from an outcome unknown. */
export type Answered = { readonly reason?: string | undefined; readonly status?: number | undefined };

/**
 * Whether AWS may have carried out a call that failed: no answer came (a timeout, a reset
 * connection) or a server error did (a 5xx that is not throttling). A refusal (throttling,
 * any 4xx) says it was not. What may have been done is for a fresh look to tell, never to
 * be assumed either way — and a call that must not happen twice is never simply sent again.
 */
export function mayHaveActed({ reason = 'UnknownError', status }: Answered): boolean {
  if (THROTTLING.has(reason) || NEVER_SENT.has(reason)) return false;
  if (status !== undefined) return status >= 500;
  return NETWORK.has(reason) || TRANSIENT.has(reason);
}

/**
 * `what` says what was attempted, in words ("terminate instance i-0abc with decrement").
 * The message adds AWS's own words, with anything that looks like a key or a signature removed.
 */
export function toRemoteError(operation: string, what: string, error: unknown): RemoteError {
  const { reason, status, retryable } = classify(error);
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const said = redact(typeof e.message === 'string' && e.message !== '' ? e.message : String(error));
  const attempts = e.$metadata?.attempts;
  const facts = [
    status !== undefined ? `HTTP ${status}` : 'no answer',
    attempts !== undefined && attempts > 1 ? `after ${attempts} attempts` : undefined,
    e.$metadata?.requestId ? `request id ${e.$metadata.requestId}` : undefined,
  ].filter((f) => f !== undefined);
  const message = `AWS ${operation} failed to ${what}: ${reason}: ${said} (${facts.join(', ')})`;
  return new RemoteError('SCALERD_ERR_AWS_CALL', message, { operation, ...(status !== undefined ? { status } : {}), reason, retryable });
}

/** Access key ids, SigV4 parts and AWS's echo of what it expected to be signed never leave the adapter. */
export function redact(text: string): string {
  return text
    .replace(/\b(?:AKIA|ASIA|AIDA|AROA|ANPA|AGPA)[A-Z0-9]{12,}\b/g, '[key id]')
    .replace(/\b(Credential|Signature|SignedHeaders)=[^\s,]+/g, '$1=[redacted]')
    .replace(/\s*The (?:Canonical String|String-to-Sign) for this request should have been[\s\S]*$/, '');
}

/** Runs one SDK call (retries included) and turns what it throws into a RemoteError. */
export async function guarded<T>(operation: string, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toRemoteError(operation, what, error);
  }
}
