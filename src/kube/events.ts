// The Events port: core/v1 Events, as `kubectl describe` and
// `kubectl get events` show them, written through the adapter's caller (rate limit,
// retries, failures classified) like every other request.
//
// Aggregation as client-go's EventCorrelator: an event identical to one written within the
// window (same object, type, reason, message) patches that Event's count and lastTimestamp
// instead of creating another. The cache is in memory, small and bounded; after a restart
// the first repeat creates a new Event, as client-go's does. Events of one key are written
// one after another, so a burst of repeats counts up instead of racing to create.
//
// `kubectl describe` finds an object's events by its uid. A ConfigMap given without one
// (scalerd's own, which the daemon does not observe) is read once per new Event to name
// it completely; when it cannot be read (gone, forbidden) the Event names it without.

import { isoSeconds } from '../clock.js';
import { RemoteError } from '../errors.js';
import { canonicalJson } from '../json/canonical.js';
import type { EventObject, EventRecord, EventSink } from '../ports/events.js';
import type { KubeDeps } from './cluster.js';
import { MERGE_PATCH, resourcePath } from './transport.js';
import type { ConfigMap, Event } from './wire.js';

export type EventSinkOptions = {
  /** source.component and reportingComponent (default "scalerd"). */
  readonly component?: string;
  /** reportingInstance and source.host: which replica wrote it. */
  readonly instance?: string;
  /** Repeats within this long of the last one are counted on the same Event (default 10 min, as client-go). */
  readonly aggregateWindowMs?: number;
  /** Events remembered for aggregation; the least recently seen are forgotten (default 4096, as client-go's LRU). */
  readonly cacheSize?: number;
};

/** Where a cluster-scoped object's (a Node's) events go, as the kubelet and controllers do. */
export const CLUSTER_SCOPED_EVENT_NAMESPACE = 'default';

type Seen = { readonly name: string; readonly namespace: string; count: number; last: number };

const GONE = Symbol('gone');
const TAKEN = Symbol('taken');

export function createEventSink(deps: KubeDeps, options: EventSinkOptions = {}): EventSink {
  const component = options.component ?? 'scalerd';
  const windowMs = options.aggregateWindowMs ?? 10 * 60_000;
  const cacheSize = options.cacheSize ?? 4096;
  const seen = new Map<string, Seen>();
  const tails = new Map<string, Promise<void>>();
  // Keeps two events of the same millisecond from drawing the same name.
  let sequence = 0;

  const remember = (key: string, entry: Seen) => {
    seen.delete(key);
    seen.set(key, entry);
    if (seen.size > cacheSize) seen.delete(seen.keys().next().value!);
  };

  async function write(key: string, event: EventRecord): Promise<void> {
    const now = deps.clock.now();
    const previous = seen.get(key);
    if (previous && now - previous.last <= windowMs) {
      const count = previous.count + 1;
      const patched = await deps.call<Event | typeof GONE>(
        { operation: 'patch events', target: `${previous.namespace}/${previous.name}` },
        () => deps.api.request<Event>('PATCH', resourcePath('v1', 'events', { namespace: previous.namespace, name: previous.name }), {
          body: { count, lastTimestamp: isoSeconds(now) },
          contentType: MERGE_PATCH,
        }),
        // Deleted since (events live an hour by default): start a new one.
        (failure) => (failure.status === 404 ? GONE : undefined),
      );
      if (patched !== GONE) {
        remember(key, { ...previous, count, last: now });
        return;
      }
    }
    const regarding = await completed(deps, event.regarding);
    const namespace = regarding.namespace ?? CLUSTER_SCOPED_EVENT_NAMESPACE;
    for (let attempt = 1; ; attempt++) {
      // client-go's name: the object's, a dot, the time in nanoseconds in hex.
      const name = `${regarding.name}.${(BigInt(now) * 1_000_000n + BigInt(sequence++ % 1_000_000)).toString(16).padStart(16, '0')}`;
      // metav1.Time: RFC 3339 (the server keeps whole seconds).
      const at = isoSeconds(now);
      const body: Event = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: regarding.apiVersion ?? 'v1',
          kind: regarding.kind,
          name: regarding.name,
          ...(regarding.namespace !== undefined ? { namespace: regarding.namespace } : {}),
          ...(regarding.uid !== undefined ? { uid: regarding.uid } : {}),
          ...(regarding.resourceVersion !== undefined ? { resourceVersion: regarding.resourceVersion } : {}),
        },
        type: event.type,
        reason: event.reason,
        message: event.message,
        source: { component, ...(options.instance !== undefined ? { host: options.instance } : {}) },
        reportingComponent: component,
        ...(options.instance !== undefined ? { reportingInstance: options.instance } : {}),
        firstTimestamp: at,
        lastTimestamp: at,
        count: 1,
      };
      const created = await deps.call<Event | typeof TAKEN>(
        { operation: 'create events', target: `${namespace}/${name}` },
        () => deps.api.request<Event>('POST', resourcePath('v1', 'events', { namespace }), { body }),
        (failure) => (failure.status === 409 ? TAKEN : undefined),
      );
      // 409 AlreadyExists: the name is taken by this very write when the adapter's retry
      // follows an answer lost after the create landed (then it is done: a second Event
      // would say it twice), or by another writer in the same nanosecond (then another name).
      if (created !== TAKEN || (await isThisEvent(deps, body))) {
        remember(key, { name, namespace, count: 1, last: now });
        return;
      }
      if (attempt >= 3) {
        throw new RemoteError('SCALERD_ERR_KUBE_CALL', `Kubernetes create events ${namespace}/${name} failed: ${attempt} names in a row were taken by other events`, {
          operation: 'create events', status: 409, reason: 'AlreadyExists', retryable: false,
        });
      }
    }
  }

  return {
    emit(event) {
      const { regarding } = event;
      const key = JSON.stringify([regarding.apiVersion ?? 'v1', regarding.kind, regarding.namespace ?? '', regarding.name, regarding.uid ?? '', event.type, event.reason, event.message]);
      const written = (tails.get(key) ?? Promise.resolve()).then(() => write(key, event));
      const tail = written.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return written;
    },
  };
}

/** A ConfigMap without uid, with the uid and resourceVersion it has now; anything else as given. */
async function completed(deps: KubeDeps, regarding: EventObject): Promise<EventObject> {
  const { namespace, name } = regarding;
  if (regarding.uid !== undefined || regarding.kind !== 'ConfigMap' || (regarding.apiVersion ?? 'v1') !== 'v1' || namespace === undefined) return regarding;
  const stored = await deps.call<ConfigMap | typeof GONE>(
    { operation: 'get configmaps', target: `${namespace}/${name}` },
    () => deps.api.request<ConfigMap>('GET', resourcePath('v1', 'configmaps', { namespace, name })),
    // Not there, or not ours to read: the Event still says what happened, by name.
    (failure) => (failure.status === 404 || failure.status === 403 ? GONE : undefined),
  );
  const uid = stored === GONE ? undefined : stored.metadata?.uid;
  if (stored === GONE || !uid) return regarding;
  const resourceVersion = stored.metadata?.resourceVersion;
  return { ...regarding, uid, ...(resourceVersion ? { resourceVersion } : {}) };
}

/** Whether the Event stored under `written`'s name is `written` itself (not another writer's under the same name). */
async function isThisEvent(deps: KubeDeps, written: Event): Promise<boolean> {
  const { name, namespace } = written.metadata;
  const stored = await deps.call<Event | typeof GONE>(
    { operation: 'get events', target: `${namespace}/${name}` },
    () => deps.api.request<Event>('GET', resourcePath('v1', 'events', { namespace, name })),
    (failure) => (failure.status === 404 ? GONE : undefined),
  );
  if (stored === GONE) return false;
  const identity = (e: Event) => canonicalJson([e.involvedObject, e.type, e.reason, e.message, e.firstTimestamp, e.reportingComponent, e.reportingInstance]);
  return identity(stored) === identity(written);
}
