// One remote call with the adapter's retries: throttling, server errors and transport
// failures are tried again with capped, jittered exponential back-off (honouring
// Retry-After); a protocol outcome (a pod gone, an eviction refused) is turned into a
// value first and never retried; anything else becomes a RemoteError.
//
// Every mutation the adapter makes is idempotent (merge patches that set values, deletes
// and evictions with a UID precondition), so retrying one whose answer was lost is safe.
// Where the retry meets the first attempt's own effect — a 409 on the resourceVersion it
// carried, a failed JSON-patch `test`, AlreadyExists on a create, a 404 on a delete — the
// caller's outcome reads it as done, re-reading when it must tell its own write from
// someone else's (nodes.ts, events.ts; the Lease by the elector, ConfigMaps by their stores).
//
// Every attempt is told to the observer, if any, with how it ended: failed (an outcome is
// an answer, not a failure), the ones a retry then masks included, or answered. The daemon
// counts them in scalerd_api_requests_total and scalerd_api_errors_total.

import type { ApiCallObserver } from '../ports/api-errors.js';
import { type CallSite, type KubeFailure, errorClass, retryHere, toFailure, toRemoteError } from './failure.js';
import type { Sleep } from './rate-limiter.js';

export type RetryPolicy = {
  /** Attempts in all, the first included (>= 1). */
  readonly attempts: number;
  /** Back-off before the second attempt; doubles each time, with full jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
};

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 };

export type Caller = <T>(site: CallSite, request: () => Promise<T>, outcome?: (failure: KubeFailure) => T | undefined) => Promise<T>;

/** A caller that retries under `policy`, sleeping with `sleep`; `random` draws the jitter. */
export function createCaller(options: { policy: RetryPolicy; sleep: Sleep; random?: () => number; onApiCall?: ApiCallObserver }): Caller {
  const { policy, sleep, onApiCall } = options;
  const random = options.random ?? Math.random;
  return async function call<T>(site: CallSite, request: () => Promise<T>, outcome?: (failure: KubeFailure) => T | undefined): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await request();
        onApiCall?.('kube', site.operation, 'ok');
        return answer;
      } catch (error) {
        const failure = toFailure(error);
        if (!failure) throw error;
        const value = outcome?.(failure);
        onApiCall?.('kube', site.operation, value === undefined ? errorClass(failure) : 'ok');
        if (value !== undefined) return value;
        // A Retry-After longer than the longest back-off is the server asking for more
        // patience than one call should have: give up now and let the caller decide.
        const asked = failure.retryAfterMs ?? 0;
        if (!retryHere(failure) || attempt >= policy.attempts || asked > policy.maxDelayMs) {
          throw toRemoteError(site, failure, { attempts: attempt, cause: error });
        }
        await sleep(asked > 0 ? asked : backoff(policy, attempt, random));
      }
    }
  };
}

/** Full jitter: uniform in [0, min(max, base·2^(attempt-1))]. */
export function backoff(policy: RetryPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}
