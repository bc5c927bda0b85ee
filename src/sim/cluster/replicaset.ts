// The ReplicaSet controller: keeps spec.replicas active pods, deleting the ones the real
// controller would pick first when there are too many, and reports their readiness.

import type { KubeObject } from '../kube/store.js';
import { type ClusterDeps, type Controller, deletePodOf } from './controller.js';
import { controlledBy } from './indexes.js';
import { availability, findCondition, isActive, isPodReady, phaseOf, spec, status } from './objects.js';
import { createPodFromTemplate } from './pod-factory.js';
import type { WorkQueue } from './queue.js';
import { publishStatus, workloadController } from './workload.js';

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * The order of controller.ActivePods: unscheduled, then pending, then not ready, then
 * ready for less time, then newest first. Earlier in this order is deleted first.
 */
function deletionOrder(a: KubeObject, b: KubeObject): number {
  const rank = (pod: KubeObject): [number, number, number] => [
    spec(pod).nodeName ? 1 : 0,
    PHASE_RANK[phaseOf(pod)] ?? 1,
    isPodReady(pod) ? 1 : 0,
  ];
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
  const since = (pod: KubeObject, value: string | undefined) => (value ?? pod.metadata.creationTimestamp);
  const readyA = since(a, findCondition(a, 'Ready')?.lastTransitionTime);
  const readyB = since(b, findCondition(b, 'Ready')?.lastTransitionTime);
  if (readyA !== readyB) return readyA > readyB ? -1 : 1;
  if (a.metadata.creationTimestamp !== b.metadata.creationTimestamp) return a.metadata.creationTimestamp > b.metadata.creationTimestamp ? -1 : 1;
  return a.metadata.name < b.metadata.name ? 1 : -1;
}

export type ReplicaCounts = { replicas: number; readyReplicas: number; availableReplicas: number; retryAt: number | undefined };

/** Active pods, ready ones, and those ready for minReadySeconds; retryAt is when the next becomes available. */
export function countReplicas(pods: readonly KubeObject[], minReadySeconds: number, now: number): ReplicaCounts {
  let readyReplicas = 0;
  let availableReplicas = 0;
  let retryAt: number | undefined;
  for (const pod of pods) {
    if (isPodReady(pod)) readyReplicas++;
    const a = availability(pod, minReadySeconds, now);
    if (a.available) availableReplicas++;
    if (a.retryAt !== undefined) retryAt = Math.min(retryAt ?? Infinity, a.retryAt);
  }
  return { replicas: pods.length, readyReplicas, availableReplicas, retryAt };
}

export function createReplicaSetController(deps: ClusterDeps): Controller {
  const { store, clock } = deps;

  function reconcile(rs: KubeObject, queue: WorkQueue): void {
    const wanted = Number(spec(rs).replicas ?? 1);
    let pods = controlledBy(store, 'pods', rs).filter(isActive);
    if (pods.length < wanted) {
      for (let i = pods.length; i < wanted; i++) createPodFromTemplate(deps, rs, {});
    } else if (pods.length > wanted) {
      for (const pod of pods.sort(deletionOrder).slice(0, pods.length - wanted)) deletePodOf(deps, rs, pod);
    }
    pods = controlledBy(store, 'pods', rs).filter(isActive);
    const s = spec(rs);
    const counts = countReplicas(pods, Number(s.minReadySeconds ?? 0), clock.now());
    const templateLabels = Object.entries((s.template?.metadata?.labels ?? {}) as Record<string, string>);
    publishStatus(deps, queue, rs, 'replicasets.apps', {
      ...status(rs),
      replicas: counts.replicas,
      fullyLabeledReplicas: pods.filter((p) => templateLabels.every(([k, v]) => p.metadata.labels?.[k] === v)).length,
      readyReplicas: counts.readyReplicas,
      availableReplicas: counts.availableReplicas,
      observedGeneration: rs.metadata.generation ?? 1,
    }, counts.retryAt);
  }

  return workloadController(deps, { resource: 'replicasets.apps', kind: 'ReplicaSet', dependents: ['pods'], reconcile });
}
