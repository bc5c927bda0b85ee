import { KubeApi } from '../../../src/sim/kube/api.js';
import { applyDefaults } from '../../../src/sim/kube/defaults.js';
import { Faults } from '../../../src/sim/faults.js';
import { Recorder } from '../../../src/sim/recorder.js';
import { SimClock } from '../../../src/sim/sim-clock.js';
import { type KubeObject, Store } from '../../../src/sim/kube/store.js';
import { findResource } from '../../../src/sim/kube/resources.js';
import type { ResourceRoute } from '../../../src/sim/kube/routes.js';

export function world() {
  const clock = new SimClock({ manual: true, start: Date.parse('2026-11-25T12:00:00Z') });
  const store = new Store({ clock });
  store.addIndex('pods', 'byNode', (p) => (p.spec as { nodeName?: string } | undefined)?.nodeName);
  const faults = new Faults(() => 0);
  const recorder = new Recorder();
  const api = new KubeApi({ store, clock, faults, recorder });
  for (const name of ['default', 'shop']) store.create('namespaces', applyDefaults('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as KubeObject));
  return { clock, store, faults, recorder, api };
}

export function at(group: string, version: string, resource: string, namespace?: string, name?: string, subresource?: string): ResourceRoute {
  return { kind: 'resource', type: findResource(group, version, resource)!, namespace, name, subresource };
}

/** A running, ready pod with labels, bound to a node, owned by a ReplicaSet. */
export function runningPod(store: Store, name: string, labels: Record<string, string>, node = 'node-a', ready = true): KubeObject {
  const pod = store.create('pods', applyDefaults('pods', {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'shop', labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-uid', controller: true }] },
    spec: { nodeName: node, containers: [{ name: 'c', image: 'x' }] },
  } as unknown as KubeObject));
  return store.mutate('pods', 'shop', name, (p) => {
    p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
  }) ?? pod;
}

export function pdb(store: Store, name: string, spec: Record<string, unknown>): KubeObject {
  return store.create('poddisruptionbudgets.policy', applyDefaults('poddisruptionbudgets.policy', {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'shop' }, spec,
  } as unknown as KubeObject));
}
