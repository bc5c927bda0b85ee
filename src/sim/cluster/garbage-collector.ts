// The garbage collector with background propagation: an object whose owners are all gone
// is deleted (pods gracefully); a reference to one gone owner among live ones is dropped.
// Owners are matched by uid, so an owner deleted and made again under the same name does
// not keep the old one's dependents.

import { RESOURCES, resourceKey } from '../kube/resources.js';
import type { KubeObject, StoreEvent } from '../kube/store.js';
import { objectKey } from '../kube/store.js';
import { type ClusterDeps, type Controller, deleteOwnedPod } from './controller.js';
import { rewrite } from './objects.js';
import { WorkQueue, eachKey } from './queue.js';

/** "resource\0namespace/name": a dependent, across resources. */
const SEP = '\u0000';
const idOf = (resource: string, object: KubeObject) => `${resource}${SEP}${objectKey(object.metadata.namespace, object.metadata.name)}`;

function ownerUids(object: KubeObject): string {
  return (object.metadata.ownerReferences ?? []).map((o) => o.uid).join(',');
}

export function createGarbageCollector(deps: ClusterDeps): Controller {
  const { store, clock } = deps;
  const live = new Set<string>(); // uids of every object in the store
  const refs = new Map<string, string>(); // dependent id → its owner uids, comma-joined
  const dependents = new Map<string, Set<string>>(); // owner uid → dependent ids
  const queue = new WorkQueue(clock, 0, eachKey(collect));

  function link(id: string, uids: string, add: boolean): void {
    for (const uid of uids ? uids.split(',') : []) {
      let set = dependents.get(uid);
      if (add) {
        if (!set) dependents.set(uid, (set = new Set()));
        set.add(id);
      } else {
        set?.delete(id);
        if (set?.size === 0) dependents.delete(uid);
      }
    }
  }

  function observe(event: StoreEvent): void {
    const { object, resource, type } = event;
    const id = idOf(resource, object);
    const before = refs.get(id) ?? '';
    const after = type === 'DELETED' ? '' : ownerUids(object);
    if (type === 'DELETED') live.delete(object.metadata.uid);
    else live.add(object.metadata.uid);
    if (before !== after) {
      link(id, before, false);
      link(id, after, true);
      if (after) refs.set(id, after);
      else refs.delete(id);
    }
    if (type === 'ADDED' && after) queue.add(id); // made with an owner that may already be gone
    if (type === 'DELETED') for (const dependent of dependents.get(object.metadata.uid) ?? []) queue.add(dependent);
  }

  function collect(id: string): void {
    const [resource, key] = id.split(SEP) as [string, string];
    const object = store.getByKey(resource, key);
    const owners = object?.metadata.ownerReferences ?? [];
    if (!object || owners.length === 0) return;
    const gone = owners.filter((o) => !live.has(o.uid));
    if (gone.length === 0) return;
    const { namespace, name } = object.metadata;
    if (gone.length < owners.length) {
      rewrite(store, resource, object, (o) => ({ ...o, metadata: { ...o.metadata, ownerReferences: owners.filter((ref) => live.has(ref.uid)) } }));
    } else if (resource === 'pods') {
      deleteOwnedPod(deps, object);
    } else if (!object.metadata.deletionTimestamp) {
      store.delete(resource, namespace, name);
    }
  }

  return {
    watches: RESOURCES.map(resourceKey),
    queues: [queue],
    onEvent: observe,
  };
}
