// What the adapters tell their owner about the API calls they make: every attempt and
// how it ended, the failures a retry then masks included, so that the daemon can count
// them (scalerd_api_requests_total, scalerd_api_errors_total: an error ratio) while the
// adapters know nothing of Prometheus. Optional: the one-shot commands pass no observer.
//
// A failed attempt is one that got an error answer or none (a timeout, a broken
// connection, no credentials to send). An answer the adapter takes as the call's result is
// not a failure: a Kubernetes 404 for an object already gone, an eviction a
// PodDisruptionBudget refuses, a 409 that a fresh read resolves (src/kube/failure.ts says
// which). AWS's SDK retries below the adapter, so an AWS attempt is counted as AWS
// answered it, before the adapter looks at it (src/aws/failed-attempts.ts).

export type ApiName = 'kube' | 'aws';

/**
 * What went wrong, in a few words that hold for both APIs; each adapter's classification
 * table (src/kube/failure.ts, src/aws/errors.ts) maps its failures onto these.
 */
export const API_ERROR_CLASSES = [
  /** 429, AWS's Throttling, RequestLimitExceeded, …: slow down. */
  'throttled',
  /** 5xx, AWS's ServiceUnavailable, InternalFailure, …: the server's fault. */
  'server',
  /** No answer within the request's time limit. */
  'timeout',
  /** Refused, reset, DNS, TLS: no answer at all. */
  'connection',
  /** 409; AWS's ScalingActivityInProgress, ResourceContention: someone else changed it first. */
  'conflict',
  /** 404, 410; AWS's *.NotFound codes. */
  'not-found',
  /** 401, no credentials to send, credentials refused or expired. */
  'unauthorized',
  /** 403: the credentials are good, the permission is missing. */
  'forbidden',
  /** Any other 4xx: the request itself is wrong (AWS's ValidationError). */
  'invalid',
  /** Anything else: an answer that cannot be read, an error nobody classified. */
  'other',
] as const;

export type ApiErrorClass = (typeof API_ERROR_CLASSES)[number];

/** How one attempt ended: answered ('ok', an answer the adapter takes as the result included), or failed, by class. */
export type ApiOutcome = 'ok' | ApiErrorClass;

/**
 * Told of every attempt of an API call and its outcome. `operation` is the simulator's and
 * the audit log's name for the call: Kubernetes "<verb> <resource>[/<subresource>]" ("patch
 * nodes", "create pods/eviction"), AWS the Action ("TerminateInstanceInAutoScalingGroup"):
 * never a name, an id or free text, so that it can be a metric label. Called on the
 * request path: it must be quick and must not throw.
 */
export type ApiCallObserver = (api: ApiName, operation: string, outcome: ApiOutcome) => void;
