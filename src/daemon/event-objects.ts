// What an Event's involvedObject says about the object scalerd acted on: kind, apiVersion,
// name, namespace (none for a Node), uid and resourceVersion, taken from the observation
// the plan was made from. `kubectl describe` finds an object's events by name, namespace,
// kind and uid; without the uid the event is in `kubectl get events` but not in describe.
// Pure: the observation is an argument.

import type { EventObject } from '../ports/events.js';
import type { NodeObservation, Observation, WorkloadKind, WorkloadObservation } from '../ports/observation.js';

/** A Node, as an Event's involvedObject: cluster-scoped, so no namespace. */
export function nodeEventObject(node: Pick<NodeObservation, 'name' | 'uid' | 'resourceVersion'>): EventObject {
  return { kind: 'Node', apiVersion: 'v1', name: node.name, ...identity(node) };
}

/** A Deployment or StatefulSet (apps/v1), as an Event's involvedObject. */
export function workloadEventObject(workload: Pick<WorkloadObservation, 'kind' | 'namespace' | 'name' | 'uid' | 'resourceVersion'>): EventObject {
  return { kind: workload.kind, apiVersion: 'apps/v1', namespace: workload.namespace, name: workload.name, ...identity(workload) };
}

export type EventObjects = {
  /** The node of this name as observed; by name alone when the observation has no such node. */
  node(name: string): EventObject;
  /** The workload as observed; by kind, namespace and name alone when the observation has no such workload. */
  workload(ref: { readonly kind: WorkloadKind; readonly namespace: string; readonly name: string }): EventObject;
};

/** Looks up the objects a plan made from `observation` acts on. */
export function eventObjects(observation: Pick<Observation, 'nodes' | 'workloads'>): EventObjects {
  const nodes = new Map(observation.nodes.map((n) => [n.name, n]));
  const workloads = new Map(observation.workloads.map((w) => [workloadKey(w), w]));
  return {
    node: (name) => nodeEventObject(nodes.get(name) ?? { name, uid: '', resourceVersion: '' }),
    workload: (ref) => workloadEventObject(workloads.get(workloadKey(ref)) ?? { ...ref, uid: '', resourceVersion: '' }),
  };
}

const workloadKey = (w: { readonly kind: string; readonly namespace: string; readonly name: string }) => `${w.kind}/${w.namespace}/${w.name}`;

/** uid and resourceVersion when known, left out otherwise (as client-go's ObjectReference omits empty ones). */
function identity(o: { readonly uid: string; readonly resourceVersion: string }): Pick<EventObject, 'uid' | 'resourceVersion'> {
  return { ...(o.uid ? { uid: o.uid } : {}), ...(o.resourceVersion ? { resourceVersion: o.resourceVersion } : {}) };
}
