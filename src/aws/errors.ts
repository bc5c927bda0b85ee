// The adapter's error boundary: whatever an SDK call throws leaves as a RemoteError
// (SCALERD_ERR_AWS_CALL) with the operation, the HTTP status, AWS's error code and whether
// trying again later may help. The core never sees an SDK error.
//
// Classification (first match wins), with the class a failed attempt is counted under
// (src/ports/api-errors.ts):
//   a code in CODES below (throttling, transient, network, credentials)   as listed there
//   a code ending in NotFound (EC2 answers those with 400), or HTTP 404    not retryable, not-found
//   HTTP 429, 5xx                                        retryable: throttled, server
//   HTTP 401, 403, 409, any other 4xx                    not: unauthorized, forbidden, conflict, invalid
//   no answer and a code not listed (aborted, anything else)   not retryable, other
//
// mayHaveActed() tells apart the failures after which AWS may have done the work anyway
// (no answer, a 5xx) from refusals: what a call that must not be repeated needs to know.

import type { ApiErrorClass } from '../ports/api-errors.js';
import { RemoteError } from '../errors.js';
import type { AwsOperation } from './failed-attempts.js';

type Known = { readonly errorClass: ApiErrorClass; readonly retryable: boolean };

/** The error codes (AWS's, the SDK's, Node's) that say more than a status would: one table. */
const CODES: ReadonlyMap<string, Known> = new Map(([
  ['throttled', true, [
    'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottledException', 'RequestThrottled',
    'TooManyRequestsException', 'RequestLimitExceeded', 'BandwidthLimitExceeded', 'EC2ThrottledException',
    'PriorRequestNotComplete', 'SlowDown',
  ]],
  ['server', true, ['ServiceUnavailable', 'ServiceUnavailableException', 'Unavailable', 'InternalFailure', 'InternalError', 'InternalServiceError']],
  ['timeout', true, ['RequestTimeout', 'RequestTimeoutException', 'TimeoutError']],
  // Auto Scaling: another change to the group is under way; it will be done soon.
  ['conflict', true, ['ScalingActivityInProgress', 'ResourceContention']],
  // The SDK corrects its clock or refreshes credentials before the next call.
  ['unauthorized', true, ['RequestExpired', 'RequestTimeTooSkewed', 'ExpiredToken', 'ExpiredTokenException']],
  // Node's codes for a connection that failed or broke before an answer.
  ['connection', true, [
    'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH',
    'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'ERR_SOCKET_CONNECTION_TIMEOUT',
  ]],
  // No credentials to sign with (the SDK's chain found none), or a signature AWS refused.
  ['unauthorized', false, ['CredentialsProviderError', 'AuthFailure', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'IncompleteSignature', 'MissingAuthenticationToken', 'UnrecognizedClientException']],
] as const).flatMap(([errorClass, retryable, codes]) => codes.map((code): [string, Known] => [code, { errorClass, retryable }])));

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

export type Classification = { readonly reason: string; readonly status: number | undefined; readonly retryable: boolean; readonly errorClass: ApiErrorClass };

export function classify(error: unknown): Classification {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const reason = [e.Code, e.name, e.code].find((r): r is string => typeof r === 'string' && r !== '' && r !== 'Error') ?? 'UnknownError';
  const known = CODES.get(reason);
  if (known) return { reason, status, ...known };
  return { reason, status, retryable: status !== undefined && (status >= 500 || status === 429), errorClass: classOfAnswer(reason, status) };
}

function classOfAnswer(reason: string, status: number | undefined): ApiErrorClass {
  if (/NotFound$/.test(reason) || status === 404) return 'not-found';
  if (status === undefined) return 'other';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'server';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 409) return 'conflict';
  if (status >= 400) return 'invalid';
  return 'other';
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
  const known = CODES.get(reason);
  if (known?.errorClass === 'throttled' || NEVER_SENT.has(reason)) return false;
  if (status !== undefined) return status >= 500;
  // No answer: a broken connection, a timeout, a transient code the SDK made up.
  return known !== undefined && known.retryable;
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
export async function guarded<T>(operation: AwsOperation, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toRemoteError(operation, what, error);
  }
}
