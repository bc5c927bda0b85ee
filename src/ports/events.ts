// The Events port: tell whoever runs `kubectl describe` on a node, a workload or one of
// scalerd's ConfigMaps what scalerd did to it and why. Best-effort by contract: `emit`
// rejects when the event could not be written, and the caller logs that and carries on;
// no reconcile ever fails because an event was lost.
//
// Semantics every adapter keeps: an event identical to a recent one (same object, type,
// reason and message) is not a new Event but the same one counted again (count and
// lastTimestamp), as client-go's EventCorrelator does, so a repeat does not flood the list.

/**
 * The object an event is about, as the Event's involvedObject carries it. Cluster-scoped
 * objects (nodes) have no namespace. `kubectl describe` finds an object's events by name,
 * namespace, kind and uid, so an event without the uid of the object it is about is in
 * `kubectl get events` but not in `describe`: give the uid whenever the object was observed.
 * (The Kubernetes adapter reads the uid of a ConfigMap given without one: scalerd's own
 * ConfigMaps are not part of what it observes.)
 */
export type EventObject = {
  readonly kind: string;
  /** Default "v1"; "apps/v1" for Deployments and StatefulSets. */
  readonly apiVersion?: string;
  readonly namespace?: string;
  readonly name: string;
  readonly uid?: string;
  /** The version of the object the event is about, as it was observed (informative; repeats do not change it). */
  readonly resourceVersion?: string;
};

export type EventType = 'Normal' | 'Warning';

export type EventRecord = {
  readonly regarding: EventObject;
  readonly type: EventType;
  /** UpperCamelCase, short and stable: what a selector or an alert matches on. */
  readonly reason: string;
  /** For people: what happened and why, in one sentence. */
  readonly message: string;
};

export interface EventSink {
  emit(event: EventRecord): Promise<void>;
}
