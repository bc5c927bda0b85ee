// Watches for PodDisruptionBudget violations: a healthy pod stops being healthy and its
// budget is left with fewer healthy pods than it requires. Impossible through the
// eviction API; possible through a plain delete, a controller scaling down, or an
// instance terminated under running pods — which is what tests of scalerd look for.

import type { Clock } from '../clock.js';
import { computePdbStatus, isHealthy, selects } from './kube/pdb.js';
import { scaleOfOwner } from './kube/pods.js';
import type { KubeObject, Store } from './kube/store.js';
import type { Fact, Recorder } from './recorder.js';

type Deps = { store: Store; clock: Clock; recorder: Recorder };

export function guardDisruptionBudgets({ store, clock, recorder }: Deps): () => void {
  const healthy = new Set<string>();
  // Why a pod went, by uid or namespace/name, from what the recorder saw.
  const evicted = new Set<string>();
  const deletedBy = new Map<string, string>();
  const stopFacts = recorder.subscribe((fact: Fact) => {
    if (fact.kind === 'eviction' && fact.result === 'accepted') evicted.add(fact.uid);
    if (fact.kind === 'mutation' && fact.api === 'kube' && fact.operation === 'delete pods') deletedBy.set(fact.target, fact.client);
  });

  const causeOf = (pod: KubeObject): string => {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (evicted.has(pod.metadata.uid)) return 'eviction';
    const client = deletedBy.get(key);
    if (client) return `deleted by ${client}`;
    if (pod.metadata.deletionTimestamp) return 'deleted by a controller (scale-down or garbage collection)';
    return 'pod stopped being ready (its node went away or stopped being Ready)';
  };

  const check = (pod: KubeObject) => {
    const namespace = pod.metadata.namespace;
    for (const pdb of store.list('poddisruptionbudgets.policy', namespace)) {
      if (!selects(pdb, pod)) continue;
      const status = computePdbStatus(pdb, store.list('pods', namespace), (p) => scaleOfOwner(store, p));
      if (status.currentHealthy < status.desiredHealthy) {
        recorder.record({
          kind: 'pdb-violation', at: clock.now(), pdb: `${namespace}/${pdb.metadata.name}`,
          healthy: status.currentHealthy, desiredHealthy: status.desiredHealthy, cause: `${causeOf(pod)}: ${namespace}/${pod.metadata.name}`,
        });
      }
    }
  };

  for (const pod of store.list('pods')) if (isHealthy(pod)) healthy.add(pod.metadata.uid);
  const stopStore = store.subscribe((event) => {
    const pod = event.object;
    const now = event.type !== 'DELETED' && isHealthy(pod);
    const was = healthy.has(pod.metadata.uid);
    if (now) healthy.add(pod.metadata.uid);
    else healthy.delete(pod.metadata.uid);
    if (was && !now) check(pod);
    if (event.type === 'DELETED') {
      evicted.delete(pod.metadata.uid);
      deletedBy.delete(`${pod.metadata.namespace}/${pod.metadata.name}`);
    }
  }, 'pods');
  return () => {
    stopFacts();
    stopStore();
  };
}
