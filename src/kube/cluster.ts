// createCluster: the Cluster port over the adapter's own REST client. Every request passes
// the client-side rate limiter, and the adapter's retries; what comes out is observations,
// protocol outcomes as values, or a RemoteError.

import { type Clock, systemClock } from '../clock.js';
import type { ApiCallObserver } from '../ports/api-errors.js';
import type { Cluster } from '../ports/index.js';
import { type Caller, DEFAULT_RETRY, type RetryPolicy, createCaller } from './call.js';
import { changeNode, deleteNode, listNodes } from './nodes.js';
import { deletePod, evictPod, getPod, listPods } from './pods.js';
import { type Sleep, TokenBucket } from './rate-limiter.js';
import type { KubeTarget } from './target.js';
import { type KubeApi, createApi } from './transport.js';
import { annotateWorkload, changeHpa, getWorkloads, listPdbs, scaleWorkload } from './workloads.js';

export type CreateClusterOptions = {
  /** From loadKubeConfig. */
  readonly target: KubeTarget;
  /** Sustained requests a second (default DEFAULT_QPS, 200). */
  readonly qps?: number;
  /** Requests that may go at once after a quiet spell (default DEFAULT_BURST, 300). */
  readonly burst?: number;
  /** Default "scalerd". */
  readonly userAgent?: string;
  /** Sent as X-Scalerd-Client, which the simulator's recorder attributes mutations to. */
  readonly clientId?: string;
  /** One request's time limit, in real milliseconds (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** The adapter's retries of throttled, failed and timed-out requests. */
  readonly retry?: Partial<RetryPolicy>;
  /** The limiter's and back-off's time (default: the system clock and real timers). */
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  /** Jitter source (default Math.random). */
  readonly random?: () => number;
  /** Told of every failed attempt, retried or not (the daemon counts them); default: nobody. */
  readonly onApiCall?: ApiCallObserver;
};

// A batch of ten nodes with 25 pods each is 250 evictions plus their re-reads and lists:
// at 20 requests a second the client, not the budgets, paced the drain (the scale-down
// benchmark: evictions spread over 25 s while the budgets allowed 3 s). Karpenter ships
// 200/300, as these defaults do; the API server's priority and fairness protects it from any one client.
export const DEFAULT_QPS = 200;
export const DEFAULT_BURST = 300;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What every part of the adapter calls through: the API, the retrying caller, time and jitter. */
export type KubeDeps = {
  readonly api: KubeApi;
  readonly call: Caller;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly clock: Clock;
  /** For failures outside the caller's retries: a watch that breaks. */
  readonly onApiCall: ApiCallObserver | undefined;
};

export function createCluster(options: CreateClusterOptions): Cluster {
  return clusterOver(createKubeDeps(options));
}

/**
 * The adapter's plumbing, configured once: the daemon's other Kubernetes ports (leases,
 * config maps, events) share it with the Cluster, so one rate limit covers every call.
 */
export function createKubeDeps(options: CreateClusterOptions): KubeDeps {
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  if (!(Number.isInteger(policy.attempts) && policy.attempts >= 1)) throw new RangeError(`retry.attempts must be a whole number of at least 1, got ${policy.attempts}`);
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!(requestTimeoutMs > 0)) throw new RangeError(`requestTimeoutMs must be positive, got ${requestTimeoutMs}`);

  const limiter = new TokenBucket({ qps: options.qps ?? DEFAULT_QPS, burst: options.burst ?? DEFAULT_BURST, clock, sleep });
  const api = createApi({ target: options.target, limiter, userAgent: options.userAgent ?? 'scalerd', clientId: options.clientId, requestTimeoutMs });
  const { onApiCall } = options;
  const call = createCaller({ policy, sleep, random, ...(onApiCall ? { onApiCall } : {}) });
  return { api, call, sleep, random, clock, onApiCall };
}

/** The Cluster port over the adapter's plumbing. */
export function clusterOver(deps: KubeDeps): Cluster {
  return {
    listNodes: () => listNodes(deps),
    listPods: () => listPods(deps),
    listPodsOnNode: (node) => listPods(deps, `spec.nodeName=${node}`),
    getPod: (namespace, name) => getPod(deps, namespace, name),
    changeNode: (name, change) => changeNode(deps, name, change),
    deleteNode: (name) => deleteNode(deps, name),
    evictPod: (pod, gracePeriodSeconds) => evictPod(deps, pod, gracePeriodSeconds),
    deletePod: (pod, gracePeriodSeconds) => deletePod(deps, pod, gracePeriodSeconds),
    getWorkloads: (refs) => getWorkloads(deps, refs),
    scaleWorkload: (ref, replicas) => scaleWorkload(deps, ref, replicas),
    annotateWorkload: (ref, annotations) => annotateWorkload(deps, ref, annotations),
    changeHpa: (namespace, name, change) => changeHpa(deps, namespace, name, change),
    listPdbs: () => listPdbs(deps),
  };
}
