// The SDK's retry middleware (@smithy/core/retry retryMiddleware, for a RetryStrategyV2), for a
// call made outside an SDK client's middleware stack: one token per call, each failure
// classified as the SDK classifies it and offered to the strategy, which waits (backoff, the
// adaptive rate limiter) or refuses; the attempt count ends up in $metadata either way.

import { setTimeout as sleep } from 'node:timers/promises';
import { getRetryAfterHint, isServerError, isThrottlingError, isTransientError, type AdaptiveRetryStrategy } from '@smithy/core/retry';

/** The strategy's token API, as clients.ts builds it for every client. */
export type RetryStrategy = Pick<AdaptiveRetryStrategy, 'acquireInitialRetryToken' | 'refreshRetryTokenForRetry' | 'recordSuccess'>;

type Token = Parameters<RetryStrategy['refreshRetryTokenForRetry']>[0];
type ErrorInfo = Parameters<RetryStrategy['refreshRetryTokenForRetry']>[1];
type SdkError = NonNullable<ErrorInfo['error']>;

export type Metadata = { httpStatusCode?: number; requestId?: string; attempts?: number; totalRetryDelay?: number };

/** What an attempt throws: the answer's status and request id, when there was an answer. */
type AttemptError = Error & { $metadata?: Metadata; $response?: unknown };

/**
 * Runs `attempt` (given its number, from 1) until it succeeds or the strategy refuses a retry.
 * Returns its value and the attempts made; throws the last attempt's error with
 * $metadata.attempts set, as an SDK client does.
 */
export async function withRetries<T>(strategy: RetryStrategy, attempt: (n: number) => Promise<T>): Promise<{ value: T; attempts: number }> {
  // The SDK's scope is the endpoint's partition id, which no EC2 endpoint sets: "".
  let token = (await strategy.acquireInitialRetryToken('')) as Token;
  let attempts = 0;
  let totalRetryDelay = 0;
  for (;;) {
    try {
      const value = await attempt(attempts + 1);
      strategy.recordSuccess(token);
      return { value, attempts: attempts + 1 };
    } catch (thrown) {
      const error = asError(thrown);
      try {
        token = (await strategy.refreshRetryTokenForRetry(token, errorInfo(error))) as Token;
      } catch {
        // The strategy's refusal ("No retry token available": not retryable, out of attempts
        // or out of retry capacity) is not the news; the attempt's own error is.
        error.$metadata = { ...error.$metadata, attempts: attempts + 1, totalRetryDelay };
        throw error;
      }
      attempts = token.getRetryCount();
      const delay = token.getRetryDelay();
      totalRetryDelay += (token.$retryLog?.acquisitionDelay ?? 0) + delay;
      if (delay > 0) await sleep(delay);
    }
  }
}

/** The SDK's getRetryErrorInfo: the error's type, and the server's Retry-After if it sent one. */
function errorInfo(error: AttemptError): ErrorInfo {
  const sdkError = error as SdkError;
  const errorType = isThrottlingError(sdkError) ? 'THROTTLING' : isTransientError(sdkError) ? 'TRANSIENT' : isServerError(sdkError) ? 'SERVER_ERROR' : 'CLIENT_ERROR';
  const retryAfterHint = getRetryAfterHint(error.$response);
  return { error: sdkError, errorType, ...(retryAfterHint ? { retryAfterHint } : {}) };
}

/** The SDK's asSdkError: whatever was thrown, as an Error that can carry $metadata. */
function asError(thrown: unknown): AttemptError {
  if (thrown instanceof Error) return thrown;
  if (typeof thrown === 'object' && thrown !== null) return Object.assign(new Error(), thrown);
  return new Error(typeof thrown === 'string' ? thrown : `non-error thrown: ${String(thrown)}`);
}
