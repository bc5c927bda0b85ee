// Pod garbage collection and namespace termination. Pods bound to a deleted node are
// force-deleted at once (their kubelet is gone); pods bound to a node that never existed
// get the pod GC's quarantine first. A terminating namespace is emptied, then removed.

import { RESOURCES, resourceKey } from '../kube/resources.js';
import type { KubeObject, StoreEvent } from '../kube/store.js';
import { type ClusterDeps, type Controller, deleteOwnedPod } from './controller.js';
import { podsOnNode } from './indexes.js';
import { instanceIdOf } from './kubelet.js';
import { controllerRef, isNodeReady, isTerminal, keyOf, spec } from './objects.js';
import { WorkQueue, eachKey } from './queue.js';

/** podgc's quarantine for pods bound to a node it has never seen (gcCheckPeriod 20 s + quarantine 40 s, roughly). */
const ORPHAN_QUARANTINE_MS = 40_000;

/** Workloads first, so nothing makes new pods while the namespace empties; pods last. */
const NAMESPACED = RESOURCES.filter((t) => t.namespaced).map(resourceKey)
  .sort((a, b) => rank(a) - rank(b));

function rank(resource: string): number {
  if (resource.endsWith('.apps')) return resource === 'replicasets.apps' ? 1 : 0;
  return resource === 'pods' ? 3 : 2;
}

export function createPodGarbageCollector(deps: ClusterDeps): Controller {
  const { store, clock, recorder } = deps;
  const orphans = new WorkQueue(clock, 0, eachKey((key) => {
    const pod = store.getByKey('pods', key);
    const nodeName = pod && (spec(pod).nodeName as string | undefined);
    if (pod && nodeName && !store.get('nodes', undefined, nodeName)) store.delete('pods', pod.metadata.namespace, pod.metadata.name);
  }));

  /**
   * Deleting a Node that still runs pods kills them; that is recorded. Daemons and
   * finished pods going with their node are expected, and a node that was no longer Ready
   * had already lost its pods with its machine (the instance side records those).
   */
  function nodeDeleted(node: KubeObject): void {
    const running = isNodeReady(node);
    for (const pod of podsOnNode(store, node.metadata.name)) {
      const expected = isTerminal(pod) || controllerRef(pod)?.kind === 'DaemonSet' || pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined;
      if (running && !expected) {
        recorder.record({ kind: 'pod-killed', at: clock.now(), pod: keyOf(pod), node: node.metadata.name, instanceId: instanceIdOf(node), cause: 'node deleted: pod garbage-collected' });
      }
      store.delete('pods', pod.metadata.namespace, pod.metadata.name);
    }
  }

  return {
    watches: ['nodes', 'pods'],
    queues: [orphans],
    onEvent(event: StoreEvent) {
      if (event.resource === 'nodes') {
        if (event.type === 'DELETED') nodeDeleted(event.object);
        return;
      }
      const nodeName = spec(event.object).nodeName as string | undefined;
      if (event.type !== 'DELETED' && nodeName && !store.get('nodes', undefined, nodeName)) orphans.addAfter(keyOf(event.object), ORPHAN_QUARANTINE_MS);
    },
  };
}

export function createNamespaceController(deps: ClusterDeps): Controller {
  const { store, clock } = deps;
  const queue = new WorkQueue(clock, 0, eachKey(reconcile));

  function reconcile(name: string): void {
    const ns = store.get('namespaces', undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    for (const resource of NAMESPACED) {
      for (const object of store.list(resource, name)) {
        if (resource === 'pods') deleteOwnedPod(deps, object);
        else store.delete(resource, name, object.metadata.name);
      }
    }
    // Pods may still be terminating; their deletion queues the namespace again.
    if (NAMESPACED.every((resource) => store.list(resource, name).length === 0)) store.delete('namespaces', undefined, name);
  }

  return {
    watches: RESOURCES.map(resourceKey),
    queues: [queue],
    onEvent(event: StoreEvent) {
      if (event.resource === 'namespaces') {
        if (event.type !== 'DELETED' && event.object.metadata.deletionTimestamp) queue.add(event.object.metadata.name);
        return;
      }
      const namespace = event.object.metadata.namespace;
      if (event.type === 'DELETED' && namespace && store.get('namespaces', undefined, namespace)?.metadata.deletionTimestamp) queue.add(namespace);
    },
  };
}
