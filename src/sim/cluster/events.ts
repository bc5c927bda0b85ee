// core/v1 Events from the simulated controllers and kubelets, written as client-go's
// legacy recorder writes them: named <object>.<time in ns, hex>, in the object's
// namespace (a Node's in "default"), source {component, host} and reportingComponent /
// reportingInstance the same, firstTimestamp = lastTimestamp, count 1. A repeat of the
// same event (same source, object, type, reason, message) within 10 minutes counts up on
// the Event already written (count, lastTimestamp), as scalerd's own sink does, so a pod
// failing to schedule over and over is one Event. The cache of written Events is a
// bounded LRU (client-go's 4096); the API server expires Events an hour after their last
// write (event-ttl.ts), which bounds the rest.

import { isoSeconds } from '../../clock.js';
import { ApiError } from '../kube/api-error.js';
import type { KubeObject, Store } from '../kube/store.js';
import type { SimClock } from '../sim-clock.js';

export type EventSource = { readonly component: string; readonly host?: string };

/** An ObjectReference, as reference.GetReference makes one (fieldPath for a container). */
export type InvolvedObject = {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly fieldPath?: string;
};

export type EventType = 'Normal' | 'Warning';

const AGGREGATE_WINDOW_MS = 10 * 60_000;
const CACHE_SIZE = 4096;
/** Where a cluster-scoped object's events go. */
const DEFAULT_NAMESPACE = 'default';

/** The reference to an object as it is now. */
export function refTo(object: KubeObject, fieldPath?: string): InvolvedObject {
  const { name, namespace, uid, resourceVersion } = object.metadata;
  return { apiVersion: object.apiVersion, kind: object.kind, name, ...(namespace ? { namespace } : {}), uid, resourceVersion, ...(fieldPath ? { fieldPath } : {}) };
}

type Written = { readonly namespace: string; readonly name: string; count: number; last: number };

export class ClusterEvents {
  /** While a scenario is seeded: the cluster was running long before, its events long expired. */
  muted = false;
  readonly #store: Store;
  readonly #clock: SimClock;
  readonly #written = new Map<string, Written>();
  #sequence = 0;

  constructor(store: Store, clock: SimClock) {
    this.#store = store;
    this.#clock = clock;
  }

  record(source: EventSource, involved: InvolvedObject, type: EventType, reason: string, message: string): void {
    if (this.muted) return;
    const key = JSON.stringify([source.component, source.host ?? '', involved.kind, involved.namespace ?? '', involved.name, involved.fieldPath ?? '', involved.uid ?? '', involved.apiVersion ?? '', type, reason, message]);
    const now = this.#clock.now();
    const previous = this.#written.get(key);
    this.#written.delete(key);
    if (previous && now - previous.last <= AGGREGATE_WINDOW_MS && this.#countUp(previous, now)) {
      this.#remember(key, previous);
      return;
    }
    const namespace = involved.namespace ?? DEFAULT_NAMESPACE;
    if (!this.#store.get('namespaces', undefined, namespace)) return;
    // client-go's name: the time in nanoseconds; a sequence keeps events of one millisecond apart.
    const nanos = BigInt(now) * 1_000_000n + BigInt(this.#sequence++ % 1_000_000);
    const name = `${involved.name}.${nanos.toString(16)}`;
    const at = isoSeconds(now);
    try {
      this.#store.create('events', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: involved,
        reason,
        message,
        source,
        firstTimestamp: at,
        lastTimestamp: at,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: source.component,
        reportingInstance: source.host ?? '',
      });
    } catch (error) {
      // A namespace being deleted refuses nothing here (the store is below admission), but a name taken is possible.
      if (error instanceof ApiError) return;
      throw error;
    }
    this.#remember(key, { namespace, name, count: 1, last: now });
  }

  /** Patches count and lastTimestamp; false when the Event is gone (expired, deleted). */
  #countUp(written: Written, now: number): boolean {
    const event = this.#store.get('events', written.namespace, written.name);
    if (!event) return false;
    written.count++;
    written.last = now;
    this.#store.update('events', { ...event, count: written.count, lastTimestamp: isoSeconds(now) });
    return true;
  }

  #remember(key: string, written: Written): void {
    this.#written.set(key, written);
    if (this.#written.size > CACHE_SIZE) this.#written.delete(this.#written.keys().next().value!);
  }
}
