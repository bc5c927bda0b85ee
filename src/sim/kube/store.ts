// The simulated API server's storage: objects by resource, one global resourceVersion
// counter (like etcd's revision), a bounded event history for watch resumption and reads
// at an older resourceVersion (history.ts), and secondary indexes for the controllers.
// Stored objects are never mutated in place: every change stores a new object, so a
// reference handed out stays a consistent snapshot (copy-on-write), and the watch
// history can keep references cheaply.

import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { jsonEqual } from '../../json/equal.js';
import { alreadyExists, conflict, notFound } from './api-error.js';
import { History, type HistoryOptions } from './history.js';
import { resourceType } from './resources.js';
import { isoSeconds } from '../../clock.js';

export type ObjectMeta = {
  name: string;
  namespace?: string;
  generateName?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  creationTimestamp: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
};

export type OwnerReference = { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean };

export type KubeObject = { apiVersion: string; kind: string; metadata: ObjectMeta; [field: string]: unknown };

/** An object as clients send it for creation: the server fills uid, resourceVersion and timestamps. */
export type NewObject = { apiVersion: string; kind: string; metadata: Partial<ObjectMeta>; [field: string]: unknown };

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** `previous`: the object as stored before the change (none for ADDED), as the watch cache keeps it. */
export type StoreEvent = { readonly type: EventType; readonly resource: string; readonly object: KubeObject; readonly rv: number; readonly previous?: KubeObject };

type Listener = (event: StoreEvent) => void;

type Index = { readonly fn: (object: KubeObject) => string | undefined; readonly map: Map<string, Set<string>> };

type Bucket = { objects: Map<string, KubeObject>; sortedKeys: string[] | undefined; indexes: Map<string, Index> };

export type StoreOptions = { readonly clock: Clock; readonly history?: HistoryOptions };

export const objectKey = (namespace: string | undefined, name: string): string => (namespace ? `${namespace}/${name}` : name);

export class Store {
  readonly #clock: Clock;
  readonly #buckets = new Map<string, Bucket>();
  readonly #history: History;
  #rv = 1;
  readonly #listeners = new Set<Listener>();
  /** Listeners of one resource (watches): a write to another resource does not reach them. */
  readonly #resourceListeners = new Map<string, Set<Listener>>();
  /** Events written by a listener while an event was being delivered: delivered after it, in order. */
  readonly #undelivered: StoreEvent[] = [];
  #delivering = false;

  constructor(options: StoreOptions) {
    this.#clock = options.clock;
    this.#history = new History(options.clock, options.history);
  }

  get resourceVersion(): number {
    return this.#rv;
  }

  /** The oldest resourceVersion a watch of `resource` can resume from, or a read at an exact version be served at. */
  oldestResumableVersion(resource: string): number {
    return this.#history.compactedAt(resource);
  }

  #bucket(resource: string): Bucket {
    let bucket = this.#buckets.get(resource);
    if (!bucket) {
      bucket = { objects: new Map(), sortedKeys: undefined, indexes: new Map() };
      this.#buckets.set(resource, bucket);
    }
    return bucket;
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.#bucket(resource).objects.get(objectKey(namespace, name));
  }

  /** By the key sortedKeys() lists ("namespace/name", or "name" for cluster-scoped objects). */
  getByKey(resource: string, key: string): KubeObject | undefined {
    return this.#bucket(resource).objects.get(key);
  }

  mustGet(resource: string, namespace: string | undefined, name: string): KubeObject {
    const object = this.get(resource, namespace, name);
    if (!object) {
      const type = resourceType(resource);
      throw notFound(type.resource, type.group, name);
    }
    return object;
  }

  /** Objects of a resource in key order (namespace/name), optionally in one namespace. */
  list(resource: string, namespace?: string): KubeObject[] {
    const bucket = this.#bucket(resource);
    const keys = this.sortedKeys(resource);
    if (namespace === undefined) return keys.map((k) => bucket.objects.get(k)!);
    const prefix = `${namespace}/`;
    const start = lowerBound(keys, prefix);
    const result: KubeObject[] = [];
    for (let i = start; i < keys.length && keys[i]!.startsWith(prefix); i++) result.push(bucket.objects.get(keys[i]!)!);
    return result;
  }

  /** Keys of a resource in order; cached until an object is added or removed. */
  sortedKeys(resource: string): string[] {
    const bucket = this.#bucket(resource);
    bucket.sortedKeys ??= [...bucket.objects.keys()].sort();
    return bucket.sortedKeys;
  }

  count(resource: string): number {
    return this.#bucket(resource).objects.size;
  }

  /** Adds an index: objects by a derived value, e.g. pods by spec.nodeName. */
  addIndex(resource: string, name: string, fn: (object: KubeObject) => string | undefined): void {
    const bucket = this.#bucket(resource);
    const index: Index = { fn, map: new Map() };
    for (const [key, object] of bucket.objects) addToIndex(index, key, object);
    bucket.indexes.set(name, index);
  }

  byIndex(resource: string, name: string, value: string): KubeObject[] {
    const bucket = this.#bucket(resource);
    const keys = bucket.indexes.get(name)?.map.get(value);
    if (!keys) return [];
    return [...keys].map((k) => bucket.objects.get(k)!);
  }

  /**
   * Stores a new object. A dry run (dryRun=All) answers the object as it would be, with its
   * generated name, uid and timestamp but no resourceVersion, and stores nothing.
   */
  create(resource: string, input: NewObject, dryRun = false): KubeObject {
    const type = resourceType(resource);
    const bucket = this.#bucket(resource);
    const meta = input.metadata;
    const name = meta.name || `${meta.generateName ?? ''}${randomSuffix()}`;
    const key = objectKey(type.namespaced ? meta.namespace : undefined, name);
    if (bucket.objects.has(key)) throw alreadyExists(type.resource, type.group, name);
    const rv = dryRun ? undefined : ++this.#rv;
    const object = {
      ...input,
      metadata: {
        ...meta,
        name,
        ...(type.namespaced ? { namespace: meta.namespace } : { namespace: undefined }),
        uid: randomUUID(),
        ...(rv === undefined ? {} : { resourceVersion: String(rv) }),
        creationTimestamp: isoSeconds(this.#clock.now()),
        // Namespaces have a spec but no generation: their strategy never sets one.
        ...('spec' in input && resource !== 'namespaces' ? { generation: 1 } : {}),
      },
    } as KubeObject;
    if (!type.namespaced) delete object.metadata.namespace;
    if (rv === undefined) return object;
    bucket.objects.set(key, object);
    bucket.sortedKeys = undefined;
    for (const index of bucket.indexes.values()) addToIndex(index, key, object);
    this.#emit({ type: 'ADDED', resource, object, rv });
    return object;
  }

  /**
   * Replaces an object. With `expectedResourceVersion`, a stale version is a 409 Conflict
   * (optimistic concurrency). uid and creationTimestamp cannot change; generation grows
   * when the spec changes. A dry run answers the object as it would be (at the current
   * resourceVersion) and stores nothing.
   */
  update(resource: string, input: KubeObject, expectedResourceVersion?: string, dryRun = false): KubeObject {
    const type = resourceType(resource);
    const bucket = this.#bucket(resource);
    const key = objectKey(type.namespaced ? input.metadata.namespace : undefined, input.metadata.name);
    const current = bucket.objects.get(key);
    if (!current) throw notFound(type.resource, type.group, input.metadata.name);
    if (expectedResourceVersion !== undefined && expectedResourceVersion !== current.metadata.resourceVersion) {
      throw conflict(type.resource, type.group, input.metadata.name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    // Status-only writes keep the same spec object (copy-on-write): skip the deep compare.
    const specChanged = 'spec' in current && current.spec !== input.spec && !jsonEqual(current.spec, input.spec);
    const object: KubeObject = {
      ...input,
      metadata: {
        ...input.metadata,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        resourceVersion: current.metadata.resourceVersion,
        ...(current.metadata.generation !== undefined ? { generation: current.metadata.generation + (specChanged ? 1 : 0) } : {}),
      },
    };
    // As etcd3's GuaranteedUpdate: a write that leaves the stored bytes as they are is not
    // written. The object keeps its resourceVersion, no watch hears of it, and the answer is
    // the stored object.
    if (jsonEqual(object, current)) return current;
    if (dryRun) return object;
    const rv = ++this.#rv;
    object.metadata.resourceVersion = String(rv);
    bucket.objects.set(key, object);
    for (const index of bucket.indexes.values()) {
      removeFromIndex(index, key, current);
      addToIndex(index, key, object);
    }
    this.#emit({ type: 'MODIFIED', resource, object, rv, previous: current });
    return object;
  }

  /** Read-modify-write for the simulator's own controllers: fn changes a private copy. */
  mutate(resource: string, namespace: string | undefined, name: string, fn: (object: KubeObject) => void, dryRun = false): KubeObject {
    const copy = structuredClone(this.mustGet(resource, namespace, name));
    fn(copy);
    return this.update(resource, copy, undefined, dryRun);
  }

  /** Removes an object; a dry run answers it as it is and removes nothing. */
  delete(resource: string, namespace: string | undefined, name: string, dryRun = false): KubeObject {
    const type = resourceType(resource);
    const bucket = this.#bucket(resource);
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    const current = bucket.objects.get(key);
    if (!current) throw notFound(type.resource, type.group, name);
    if (dryRun) return current;
    bucket.objects.delete(key);
    bucket.sortedKeys = undefined;
    for (const index of bucket.indexes.values()) removeFromIndex(index, key, current);
    const rv = ++this.#rv;
    const object = { ...current, metadata: { ...current.metadata, resourceVersion: String(rv) } };
    this.#emit({ type: 'DELETED', resource, object, rv, previous: current });
    return object;
  }

  /**
   * Every change, synchronously, in resourceVersion order; with `resource`, only the
   * changes of that resource. A change a listener makes while it is told of another is
   * told to every listener after that one (as a watch would see them), still before the
   * outermost write returns. Returns the unsubscribe function.
   */
  subscribe(listener: Listener, resource?: string): () => void {
    if (resource === undefined) {
      this.#listeners.add(listener);
      return () => this.#listeners.delete(listener);
    }
    let listeners = this.#resourceListeners.get(resource);
    if (!listeners) this.#resourceListeners.set(resource, (listeners = new Set()));
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** The resource's events after `resourceVersion`, for a watch that resumes; 410 Expired once dropped. */
  eventsSince(resource: string, resourceVersion: number): StoreEvent[] {
    return this.#history.since(resource, resourceVersion);
  }

  /**
   * How the resource differed at `resourceVersion` from now: for each key changed since,
   * the object it had then, or null where there was none (a read at an exact version, a
   * continued list). 410 Expired when that version is no longer in the history.
   */
  changedSince(resource: string, resourceVersion: number): Map<string, KubeObject | null> {
    const type = resourceType(resource);
    const then = new Map<string, KubeObject | null>();
    for (const event of this.#history.since(resource, resourceVersion)) {
      const key = objectKey(type.namespaced ? event.object.metadata.namespace : undefined, event.object.metadata.name);
      // The first change after the version tells what the object was at it.
      if (!then.has(key)) then.set(key, event.previous ?? null);
    }
    return then;
  }

  #emit(event: StoreEvent): void {
    this.#history.record(event);
    // IMPORTANT: a listener that writes (the pod GC deleting a deleted node's pods) must not
    // have its events delivered inside this loop, or the listeners after it would see them
    // before this one: resourceVersions going backwards.
    this.#undelivered.push(event);
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      for (let i = 0; i < this.#undelivered.length; i++) {
        const next = this.#undelivered[i]!;
        for (const listener of this.#listeners) listener(next);
        const listeners = this.#resourceListeners.get(next.resource);
        if (listeners) for (const listener of listeners) listener(next);
      }
    } finally {
      this.#undelivered.length = 0;
      this.#delivering = false;
    }
  }
}

function addToIndex(index: Index, key: string, object: KubeObject): void {
  const value = index.fn(object);
  if (value === undefined) return;
  let keys = index.map.get(value);
  if (!keys) index.map.set(value, (keys = new Set()));
  keys.add(key);
}

function removeFromIndex(index: Index, key: string, object: KubeObject): void {
  const value = index.fn(object);
  if (value === undefined) return;
  const keys = index.map.get(value);
  keys?.delete(key);
  if (keys?.size === 0) index.map.delete(value);
}

export function lowerBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}


const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The 5-character suffix the API server appends to generateName. */
export function randomSuffix(length = 5): string {
  let suffix = '';
  for (let i = 0; i < length; i++) suffix += SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)];
  return suffix;
}
