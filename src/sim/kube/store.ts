// The simulated API server's storage: objects by resource, one global resourceVersion
// counter (like etcd's revision), a bounded event history for watch resumption, and
// secondary indexes for the controllers. Stored objects are never mutated in place:
// every change stores a new object, so a reference handed out stays a consistent
// snapshot (copy-on-write), and the watch history can keep references cheaply.

import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { alreadyExists, conflict, gone, notFound } from './api-error.js';
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

export type StoreEvent = { readonly type: EventType; readonly resource: string; readonly object: KubeObject; readonly rv: number };

type Index = { readonly fn: (object: KubeObject) => string | undefined; readonly map: Map<string, Set<string>> };

type Bucket = { objects: Map<string, KubeObject>; sortedKeys: string[] | undefined; indexes: Map<string, Index> };

export type StoreOptions = { readonly clock: Clock; readonly historySize?: number };

export const objectKey = (namespace: string | undefined, name: string): string => (namespace ? `${namespace}/${name}` : name);

export class Store {
  readonly #clock: Clock;
  readonly #buckets = new Map<string, Bucket>();
  readonly #history: StoreEvent[] = [];
  readonly #historySize: number;
  #historyStart = 0; // index in #history of the oldest retained event (a ring via splice)
  #rv = 1;
  readonly #listeners = new Set<(event: StoreEvent) => void>();
  /** Events written by a listener while an event was being delivered: delivered after it, in order. */
  readonly #undelivered: StoreEvent[] = [];
  #delivering = false;

  constructor(options: StoreOptions) {
    this.#clock = options.clock;
    this.#historySize = options.historySize ?? 200_000;
  }

  get resourceVersion(): number {
    return this.#rv;
  }

  /** The oldest resourceVersion a watch can resume from. */
  get oldestResumableVersion(): number {
    return this.#history[this.#historyStart]?.rv ?? this.#rv;
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
        ...('spec' in input ? { generation: 1 } : {}),
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
    const rv = dryRun ? Number(current.metadata.resourceVersion) : ++this.#rv;
    // Status-only writes keep the same spec object (copy-on-write): skip the deep compare.
    const specChanged = 'spec' in current && current.spec !== input.spec && JSON.stringify(current.spec) !== JSON.stringify(input.spec);
    const object: KubeObject = {
      ...input,
      metadata: {
        ...input.metadata,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        resourceVersion: String(rv),
        ...(current.metadata.generation !== undefined ? { generation: current.metadata.generation + (specChanged ? 1 : 0) } : {}),
      },
    };
    if (dryRun) return object;
    bucket.objects.set(key, object);
    for (const index of bucket.indexes.values()) {
      removeFromIndex(index, key, current);
      addToIndex(index, key, object);
    }
    this.#emit({ type: 'MODIFIED', resource, object, rv });
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
    this.#emit({ type: 'DELETED', resource, object, rv });
    return object;
  }

  /**
   * Every change, synchronously, in resourceVersion order. A change a listener makes while
   * it is told of another is told to every listener after that one (as a watch would see
   * them), still before the outermost write returns. Returns the unsubscribe function.
   */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Events after `resourceVersion`, for a watch that resumes; 410 Gone when compacted. */
  eventsSince(resourceVersion: number): StoreEvent[] {
    if (resourceVersion < this.oldestResumableVersion - 1) {
      throw gone(`too old resource version: ${resourceVersion} (${this.oldestResumableVersion - 1})`);
    }
    // Versions increase along the history: binary search the first event after it.
    let lo = this.#historyStart;
    let hi = this.#history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#history[mid]!.rv <= resourceVersion) lo = mid + 1;
      else hi = mid;
    }
    return this.#history.slice(lo);
  }

  #emit(event: StoreEvent): void {
    this.#history.push(event);
    if (this.#history.length - this.#historyStart > this.#historySize) {
      this.#historyStart++;
      // Compact now and then so the array does not grow without bound.
      if (this.#historyStart > this.#historySize) {
        this.#history.splice(0, this.#historyStart);
        this.#historyStart = 0;
      }
    }
    // IMPORTANT: a listener that writes (the pod GC deleting a deleted node's pods) must not
    // have its events delivered inside this loop, or the listeners after it would see them
    // before this one: resourceVersions going backwards.
    this.#undelivered.push(event);
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      for (let i = 0; i < this.#undelivered.length; i++) {
        for (const listener of this.#listeners) listener(this.#undelivered[i]!);
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
