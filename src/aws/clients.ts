// The clients, configured once: adaptive retries (client-side rate limiting after
// throttling), bounded attempts, a request timeout, scalerd in the User-Agent, and no logger
// (the adapter reports through return values and errors, never the console). Auto Scaling is
// the SDK's client, twice: once for calls that may be repeated, once for the termination,
// which must not be (its retries stop where AWS may have acted). EC2 is scalerd's own
// DescribeInstances client (ec2-client.ts) built from the SDK's parts and sharing the Auto
// Scaling client's credentials, since all of @aws-sdk/client-ec2 would cost the daemon some
// 57 MB of memory for one operation.

import { AutoScalingClient, type AutoScalingClientConfig } from '@aws-sdk/client-auto-scaling';
// The SDK's own retry strategy classes (the package the clients are built on).
import { AdaptiveRetryStrategy, DefaultRateLimiter, MAXIMUM_RETRY_DELAY } from '@smithy/core/retry';
import { createEc2Client, type Ec2Client } from './ec2-client.js';
import { classify, mayHaveActed } from './errors.js';
import { observeFailedAttempts } from './failed-attempts.js';
import type { ResolvedOptions } from './options.js';

export type Clients = {
  readonly autoscaling: AutoScalingClient;
  /**
   * The same service for a call that must not be carried out twice
   * (TerminateInstanceInAutoScalingGroup with decrement): its SDK retries only what AWS
   * refused (throttling, a 4xx errors.ts calls retryable), never a failure after which AWS
   * may have acted (no answer, a 5xx). The SDK would resend those of any operation, and a
   * second termination could shrink the group twice.
   */
  readonly autoscalingAtMostOnce: AutoScalingClient;
  readonly ec2: Ec2Client;
};

/** The SDK's slowest pace once throttled, requests per second (DefaultRateLimiter's minFillRate). */
const MIN_SEND_RATE = 0.5;
/** Connecting is quick or broken; the rest of the request timeout is for AWS to answer. */
const CONNECT_TIMEOUT_MS = 5_000;

const silent = { debug() {}, info() {}, warn() {}, error() {}, trace() {} };

export function createClients(o: ResolvedOptions): Clients {
  const requestHandler = () => ({
    connectionTimeout: Math.min(CONNECT_TIMEOUT_MS, o.requestTimeoutMs),
    requestTimeout: o.requestTimeoutMs,
    throwOnRequestTimeout: true,
    logger: silent,
  });
  const autoscalingClient = (strategy: RetryingWhatIsRetryable, credentials: AutoScalingClientConfig['credentials']) => new AutoScalingClient({
    region: o.region,
    ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
    maxAttempts: o.maxAttempts,
    retryStrategy: strategy,
    customUserAgent: [['scalerd', o.version]] as [string, string][],
    logger: silent,
    requestHandler: requestHandler(),
  });
  const autoscaling = autoscalingClient(retryStrategy(o), o.credentials);
  // The credentials as the first client resolved them: one chain, refreshed once.
  const autoscalingAtMostOnce = autoscalingClient(retryStrategy(o, { onlyRefusals: true }), autoscaling.config.credentials);
  if (o.onApiCall) {
    observeFailedAttempts(autoscaling, o.onApiCall);
    observeFailedAttempts(autoscalingAtMostOnce, o.onApiCall);
  }
  // One strategy per client: Auto Scaling and EC2 throttle separately.
  const ec2 = createEc2Client({
    autoscaling, maxAttempts: o.maxAttempts, version: o.version, retryStrategy: retryStrategy(o), requestHandler: requestHandler(),
    ...(o.onApiCall ? { onApiCall: o.onApiCall } : {}),
  });
  return { autoscaling, autoscalingAtMostOnce, ec2 };
}

/**
 * The SDK's adaptive mode (what `retryMode: 'adaptive'` builds), with its waits scaled by
 * retryDelayScale when that is not 1, retrying what errors.ts calls retryable — with
 * `onlyRefusals`, only what AWS refused.
 */
function retryStrategy(o: ResolvedOptions, how: { onlyRefusals?: boolean } = {}): RetryingWhatIsRetryable {
  const scale = o.retryDelayScale;
  const adaptive =
    scale === 1
      ? new AdaptiveRetryStrategy(o.maxAttempts, { maxAttempts: o.maxAttempts })
      : new AdaptiveRetryStrategy(o.maxAttempts, {
          maxAttempts: o.maxAttempts,
          backoff: new ScaledBackoff(scale),
          rateLimiter: new DefaultRateLimiter({ minFillRate: MIN_SEND_RATE / scale }),
        });
  return new RetryingWhatIsRetryable(adaptive, how.onlyRefusals ?? false);
}

type ErrorInfo = Parameters<AdaptiveRetryStrategy['refreshRetryTokenForRetry']>[1];
type Token = Parameters<AdaptiveRetryStrategy['refreshRetryTokenForRetry']>[0];

/**
 * The SDK retries throttling, 5xx and network errors by itself, but takes Auto Scaling's
 * ScalingActivityInProgress (HTTP 400) for a client error. This lets the one table in
 * errors.ts decide: an error it calls retryable is retried as transient within maxAttempts.
 * With `onlyRefusals`, a failure after which AWS may have acted is not retried at all:
 * refusing the token is how a strategy tells the SDK to give up with the attempt's error.
 */
class RetryingWhatIsRetryable {
  readonly mode = 'adaptive';
  constructor(
    readonly inner: AdaptiveRetryStrategy,
    readonly onlyRefusals: boolean,
  ) {}
  acquireInitialRetryToken(scope: string) {
    return this.inner.acquireInitialRetryToken(scope);
  }
  refreshRetryTokenForRetry(token: Token, info: ErrorInfo) {
    if (this.onlyRefusals && mayHaveActed(classify(info.error))) throw new Error('no retry: AWS may have carried out the call');
    const upgrade = info.errorType === 'CLIENT_ERROR' && classify(info.error).retryable;
    return this.inner.refreshRetryTokenForRetry(token, upgrade ? { ...info, errorType: 'TRANSIENT' } : info);
  }
  recordSuccess(token: Token): void {
    this.inner.recordSuccess(token);
  }
}

/** The SDK's full-jitter exponential backoff (base set per error type by the strategy), times `scale`. */
class ScaledBackoff {
  #base = 50;
  constructor(readonly scale: number) {}
  setDelayBase(ms: number): void {
    this.#base = ms;
  }
  computeNextBackoffDelay(attempt: number): number {
    return Math.floor(Math.random() * Math.min(this.#base * 2 ** attempt, MAXIMUM_RETRY_DELAY) * this.scale);
  }
}
