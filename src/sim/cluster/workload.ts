// The frame every workload controller shares: a queue of its objects, fed by their own
// events and by the events of what they control (pods, or a Deployment's ReplicaSets),
// and a status write that happens only when the status changed.

import type { KubeObject, StoreEvent } from '../kube/store.js';
import type { ClusterDeps, Controller } from './controller.js';
import { type Loose, changed, controllerRef, isDeleting, keyOf, putStatus, splitKey } from './objects.js';
import { WorkQueue, eachKey } from './queue.js';

/** The key of the owner of `kind` that controls this object, for queueing the owner on a dependent's change. */
export function ownerKey(object: KubeObject, kind: string): string | undefined {
  const ref = controllerRef(object);
  return ref?.kind === kind ? `${object.metadata.namespace}/${ref.name}` : undefined;
}

export type Workload = {
  readonly resource: string;
  readonly kind: string;
  /** Resources whose objects it controls: their events queue the controlling object. */
  readonly dependents: readonly string[];
  /** Brings one live (not deleting) object towards its spec. */
  readonly reconcile: (object: KubeObject, queue: WorkQueue) => void;
  /** More events to follow (nodes for DaemonSets), and what to queue for them. */
  readonly also?: { readonly watches: readonly string[]; readonly onEvent: (event: StoreEvent, queue: WorkQueue) => void };
};

export function workloadController(deps: ClusterDeps, w: Workload): Controller {
  const queue = new WorkQueue(deps.clock, 0, eachKey((key) => {
    const [namespace, name] = splitKey(key);
    const object = deps.store.get(w.resource, namespace, name);
    if (object && !isDeleting(object)) w.reconcile(object, queue);
  }));
  return {
    watches: [w.resource, ...w.dependents, ...(w.also?.watches ?? [])],
    queues: [queue],
    onEvent(event) {
      if (event.resource === w.resource) {
        if (event.type !== 'DELETED') queue.add(keyOf(event.object));
        return;
      }
      if (w.dependents.includes(event.resource)) {
        const key = ownerKey(event.object, w.kind);
        if (key) queue.add(key);
      }
      if (w.also?.watches.includes(event.resource)) w.also.onEvent(event, queue);
    },
  };
}

/** Writes the status when it changed; `retryAt` asks for another look then (minReadySeconds running out). */
export function publishStatus(deps: ClusterDeps, queue: WorkQueue, object: KubeObject, resource: string, next: Loose, retryAt?: number): void {
  if (retryAt !== undefined) queue.addAfter(keyOf(object), retryAt - deps.clock.now());
  if (changed(object.status, next)) putStatus(deps.store, resource, object, next);
}
