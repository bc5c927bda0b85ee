// The Kubernetes cluster as scalerd needs it. Implemented over the API server's REST
// interface in src/kube; the planner and the actuator only know this interface.
//
// Errors: remote failures after the adapter's own retries throw a RemoteError
// (src/errors.ts). Outcomes that are part of the protocol — a pod already gone, an
// eviction refused by a budget — are values, not exceptions, so callers must handle them.

import type { NodeObservation, PdbObservation, PodObservation, Taint, WorkloadKind, WorkloadObservation } from './observation.js';

export type PodRef = { readonly namespace: string; readonly name: string; readonly uid: string };

export type EvictionResult =
  /** Accepted (201): the pod is terminating. */
  | { readonly kind: 'evicted' }
  /** 404, or 409 on the UID precondition: this pod is gone or was replaced; never chase the name. */
  | { readonly kind: 'gone' }
  /** 429: a budget allows no disruption now. Retry after `retryAfterMs` (from Retry-After, else 0). */
  | { readonly kind: 'blocked'; readonly message: string; readonly retryAfterMs: number }
  /** 500: more than one budget selects the pod; the eviction API cannot evict it. */
  | { readonly kind: 'multiple-budgets'; readonly message: string }
  /** 403: its namespace is terminating; the pod will go on its own. */
  | { readonly kind: 'namespace-terminating' };

/** A change to a node; only the fields given change. Applied with optimistic concurrency. */
export type NodeChange = {
  readonly unschedulable?: boolean;
  /** Taints to add (replacing a taint with the same key and effect). */
  readonly addTaints?: readonly Taint[];
  /** Taint keys to remove (every effect). */
  readonly removeTaintKeys?: readonly string[];
  /** Annotations to set; null removes one. */
  readonly annotations?: Readonly<Record<string, string | null>>;
  /**
   * Apply only while these annotations have these values (a compare-and-swap); otherwise
   * the change fails with a RemoteError and nothing is written — unless the node already
   * has the annotations asked for (our own write, whose answer was lost): that is success.
   * A change of annotations only, all set, with this guard, is one request (a JSON patch
   * with `test` operations).
   */
  readonly expectAnnotations?: Readonly<Record<string, string>>;
};

export type WorkloadRef = { readonly kind: WorkloadKind; readonly namespace: string; readonly name: string };

export interface Cluster {
  listNodes(): Promise<NodeObservation[]>;
  /** Every pod in the cluster, paged under the hood. */
  listPods(): Promise<PodObservation[]>;
  listPodsOnNode(node: string): Promise<PodObservation[]>;
  getPod(namespace: string, name: string): Promise<PodObservation | undefined>;

  /** Read-modify-write with the node's resourceVersion, retried on 409 Conflict; or one guarded JSON patch (see expectAnnotations). Returns the node after. */
  changeNode(name: string, change: NodeChange): Promise<NodeObservation>;
  /** 'gone' when it did not exist. */
  deleteNode(name: string): Promise<'deleted' | 'gone'>;

  /** policy/v1 Eviction with the pod's UID as precondition. */
  evictPod(pod: PodRef, gracePeriodSeconds?: number): Promise<EvictionResult>;
  /** DELETE with the UID as precondition (bypasses budgets: only for an operator's `force`). */
  deletePod(pod: PodRef, gracePeriodSeconds: number): Promise<'deleted' | 'gone'>;

  /**
   * The named workloads with their HPAs; missing ones are left out. Without a kind, every
   * workload of that name is returned (both, when a Deployment and a StatefulSet share it:
   * the planner refuses the ambiguous one with its reason).
   */
  getWorkloads(refs: readonly { readonly namespace: string; readonly name: string; readonly kind?: WorkloadKind }[]): Promise<WorkloadObservation[]>;
  /** Through the scale subresource. */
  scaleWorkload(ref: WorkloadRef, replicas: number): Promise<void>;
  /** Annotations on a workload; null removes one. */
  annotateWorkload(ref: WorkloadRef, annotations: Readonly<Record<string, string | null>>): Promise<void>;
  /** minReplicas/maxReplicas and annotations of an HPA. */
  changeHpa(namespace: string, name: string, change: { readonly minReplicas?: number; readonly maxReplicas?: number; readonly annotations?: Readonly<Record<string, string | null>> }): Promise<void>;

  listPdbs(): Promise<PdbObservation[]>;
}
