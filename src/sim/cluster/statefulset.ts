// The StatefulSet controller: pods `<set>-<ordinal>` with stable names. OrderedReady
// creates ordinal i only once 0..i-1 are Running and Ready and removes the highest
// ordinal first, one at a time; Parallel does both at once. A pod that goes is made
// again under the same name once the old object is gone. Template changes roll out from
// the highest ordinal down to the partition.

import type { KubeObject } from '../kube/store.js';
import { type ClusterDeps, type Controller, deletePodOf } from './controller.js';
import { controlledBy } from './indexes.js';
import { type Loose, isDeleting, isRunningAndReady, isTerminal, spec, status, templateHash } from './objects.js';
import { createPodFromTemplate } from './pod-factory.js';
import type { WorkQueue } from './queue.js';
import { countReplicas } from './replicaset.js';
import { publishStatus, workloadController } from './workload.js';

const REVISION_LABEL = 'controller-revision-hash';

const revisionOf = (pod: KubeObject) => pod.metadata.labels?.[REVISION_LABEL];

/** Pods by ordinal; names that do not follow `<set>-<ordinal>` are not the set's. */
function byOrdinal(set: KubeObject, pods: readonly KubeObject[]): Map<number, KubeObject> {
  const prefix = `${set.metadata.name}-`;
  const result = new Map<number, KubeObject>();
  for (const pod of pods) {
    const rest = pod.metadata.name.slice(prefix.length);
    if (pod.metadata.name.startsWith(prefix) && /^(0|[1-9]\d*)$/.test(rest)) result.set(Number(rest), pod);
  }
  return result;
}

export function createStatefulSetController(deps: ClusterDeps): Controller {
  const { store, clock } = deps;

  function create(set: KubeObject, ordinal: number, revision: string): void {
    const name = `${set.metadata.name}-${ordinal}`;
    const serviceName = spec(set).serviceName as string | undefined;
    createPodFromTemplate(deps, set, {
      name,
      labels: { [REVISION_LABEL]: revision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(ordinal) },
      spec: { hostname: name, ...(serviceName ? { subdomain: serviceName } : {}) },
    });
  }

  function reconcile(set: KubeObject, queue: WorkQueue): void {
    const s = spec(set);
    const name = set.metadata.name;
    const replicas = Number(s.replicas ?? 1);
    const parallel = s.podManagementPolicy === 'Parallel';
    const updateRevision = `${name}-${templateHash(s.template ?? {})}`;
    const pods = byOrdinal(set, controlledBy(store, 'pods', set));
    let blocked = false;
    // IMPORTANT: with OrderedReady nothing is removed or updated while a wanted ordinal is missing or not ready.
    for (let i = 0; i < replicas; i++) {
      const pod = pods.get(i);
      if (!pod) create(set, i, updateRevision);
      else if (isTerminal(pod)) deletePodOf(deps, set, pod);
      if (!pod || isTerminal(pod) || isDeleting(pod) || !isRunningAndReady(pod)) {
        blocked = true;
        if (!parallel) break;
      }
    }
    const condemned = [...pods].filter(([ordinal]) => ordinal >= replicas).sort(([a], [b]) => b - a).map(([, pod]) => pod);
    if (parallel) {
      for (const pod of condemned) if (!isDeleting(pod)) deletePodOf(deps, set, pod);
    } else if (!blocked && condemned.length > 0 && !condemned.some(isDeleting)) {
      deletePodOf(deps, set, condemned[0]!);
      blocked = true;
    }
    if (!blocked && condemned.length === 0) rollingUpdate(set, pods, updateRevision);
    writeStatus(set, updateRevision, queue);
  }

  /** The highest ordinal at or above the partition that still runs the old template goes, one at a time. */
  function rollingUpdate(set: KubeObject, pods: Map<number, KubeObject>, updateRevision: string): void {
    const strategy = (spec(set).updateStrategy ?? {}) as Loose;
    if (strategy.type === 'OnDelete') return;
    const partition = Number(strategy.rollingUpdate?.partition ?? 0);
    const stale = [...pods].filter(([ordinal, pod]) => ordinal >= partition && revisionOf(pod) !== updateRevision).sort(([a], [b]) => b - a);
    if (stale[0]) deletePodOf(deps, set, stale[0][1]);
  }

  function writeStatus(set: KubeObject, updateRevision: string, queue: WorkQueue): void {
    const pods = [...byOrdinal(set, controlledBy(store, 'pods', set)).values()];
    const previous = status(set);
    const currentRevision = (previous.currentRevision as string | undefined) ?? updateRevision;
    const live = pods.filter((p) => !isDeleting(p));
    const running = pods.filter(isRunningAndReady);
    const counts = countReplicas(running, Number(spec(set).minReadySeconds ?? 0), clock.now());
    const next: Loose = {
      ...previous,
      observedGeneration: set.metadata.generation ?? 1,
      replicas: pods.length,
      readyReplicas: running.length,
      currentReplicas: live.filter((p) => revisionOf(p) === currentRevision).length,
      updatedReplicas: live.filter((p) => revisionOf(p) === updateRevision).length,
      availableReplicas: counts.availableReplicas,
      currentRevision,
      updateRevision,
      collisionCount: previous.collisionCount ?? 0,
    };
    // The rollout is complete once every pod runs the new revision and is ready.
    if (next.updatedReplicas === next.replicas && next.readyReplicas === next.replicas) {
      next.currentRevision = updateRevision;
      next.currentReplicas = next.updatedReplicas;
    }
    publishStatus(deps, queue, set, 'statefulsets.apps', next, counts.retryAt);
  }

  return workloadController(deps, { resource: 'statefulsets.apps', kind: 'StatefulSet', dependents: ['pods'], reconcile });
}
