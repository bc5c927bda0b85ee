// What every cluster controller is given and gives back: the shared dependencies, and
// the store events it wants, its queues (for settle) and its timers (for stop).

import type { DeleteOptions, PodDeps } from '../kube/pods.js';
import { deletePod } from '../kube/pods.js';
import type { KubeObject, StoreEvent } from '../kube/store.js';
import type { SimDeps } from '../deps.js';
import type { ClusterEvents } from './events.js';
import { podControlEvent } from './pod-control-events.js';
import type { WorkQueue } from './queue.js';

/** Simulated milliseconds. */
export type ClusterTimings = {
  /** Bound → Running and Ready; a pod's `sim.scalerd.io/startup-seconds` annotation overrides it. */
  readonly podStartupMs: number;
  /** How long a pod takes to exit after SIGTERM (capped by its grace period). */
  readonly podExitMs: number;
  /** How long the scheduler waits before a pass over the pods waiting to be placed. */
  readonly schedulerDelayMs: number;
};

export const DEFAULT_CLUSTER_TIMINGS: ClusterTimings = { podStartupMs: 2000, podExitMs: 1000, schedulerDelayMs: 0 };

export type ClusterDeps = SimDeps & { readonly timings: ClusterTimings; readonly events: ClusterEvents; readonly processes?: PodProcesses };

/**
 * Pods whose containers run as real local processes (src/sim/process): the kubelet hands
 * their start, status and termination over. Their processes live in real time; the
 * kubelet keeps the simulated clock's part (when a pod starts, the grace period's end).
 */
export interface PodProcesses {
  /** Whether any container of the pod runs as a process. */
  runs(pod: KubeObject): boolean;
  /** Gives the pod its IP, starts its processes and writes its status (Running, not yet Ready). */
  start(pod: KubeObject): void;
  /** Writes the pod's status again if it changed (its node's readiness, say). */
  sync(pod: KubeObject): void;
  /** SIGTERM to every process; false when none runs any more (the pod object can go now). */
  terminate(pod: KubeObject): boolean;
  /** SIGKILL to what still runs (the end of the grace period). */
  kill(pod: KubeObject): void;
  /** The pod object is gone: SIGKILL what still runs, forget the pod. */
  forget(uid: string): void;
  /** Called once a terminating pod's processes have all exited; `killed`: a SIGKILL ended one. */
  onStopped(listener: (key: string, uid: string, killed: boolean) => void): () => void;
}

export type Controller = {
  /** Store resource keys whose events onEvent receives. */
  readonly watches: readonly string[];
  onEvent(event: StoreEvent): void;
  readonly queues: readonly WorkQueue[];
  /** For settle: does now the timed work a cluster at rest has long finished; true when there was any. */
  settle?(): boolean;
  stop?(): void;
};

/** Annotations the simulator reads on pods. */
export const ANNOTATIONS = {
  startupSeconds: 'sim.scalerd.io/startup-seconds',
  ignoreSigterm: 'sim.scalerd.io/ignore-sigterm',
  runSeconds: 'sim.scalerd.io/run-seconds',
} as const;

/** Graceful pod deletion on behalf of a controller (no preconditions, the pod's own grace period). */
export function deleteOwnedPod(deps: ClusterDeps, pod: KubeObject, options: DeleteOptions = {}): void {
  const podDeps: PodDeps = deps;
  deletePod(podDeps, pod, options);
}

/** A workload controller deleting one of its pods: the deletion, and the Event its pod control writes. */
export function deletePodOf(deps: ClusterDeps, owner: KubeObject, pod: KubeObject): void {
  deleteOwnedPod(deps, pod);
  podControlEvent(deps.events, owner, 'delete', pod.metadata.name);
}

/** Controllers may not create in a terminating namespace (the API server refuses it with 403). */
export function namespaceOpen(deps: ClusterDeps, namespace: string | undefined): boolean {
  if (namespace === undefined) return true;
  return !deps.store.get('namespaces', undefined, namespace)?.metadata.deletionTimestamp;
}
