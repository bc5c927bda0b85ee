// metadata.managedFields, as the API server's field manager keeps them
// (k8s.io/apimachinery/pkg/util/managedfields over sigs.k8s.io/structured-merge-diff):
//
// - every write that is not an apply (create, update, patch of any type, through any
//   client) records an Update entry for its manager (the fieldManager parameter, else the
//   User-Agent up to its first "/"), owning the fields the write added or changed; the
//   fields it changed or removed leave every other manager;
// - an apply (PATCH application/apply-patch+yaml) merges the configuration into the live
//   object by the schema's list types and keys, records an Apply entry owning exactly the
//   configuration's fields, removes the fields the manager applied last time and no longer
//   applies when no other manager owns them, and refuses (409) to change a field another
//   manager owns unless forced, which takes the field from it.
//
// What structured-merge-diff does that this does not: version conversion of managed
// fields (every served kind has one version), unions, the "before-first-apply" manager for
// objects with no managedFields at all (here such an object's fields simply have no
// manager), capping Update entries at 10 (the oldest merged into "ancient-changes"),
// duplicate keys in associative lists, and untyped (preserve-unknown-fields) values.

import { type FieldsV1, FieldSet, pathString } from './fieldset.js';
import { ApiError } from '../api-error.js';
import { type Type, compare, ensureNamedFieldsAreMembers, merge, removeItems, structType, toFieldSet } from './typed.js';
import { definitionOf } from '../openapi/documents.js';
import type { ResourceType } from '../resources.js';
import type { KubeObject } from '../store.js';

type Loose = Record<string, any>;

export type ManagedFieldsEntry = {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
  subresource?: string;
};

type Manager = { manager: string; operation: 'Apply' | 'Update'; apiVersion: string; subresource?: string; time?: string; set: FieldSet };

/** By identity: the entry without its time and fields, as BuildManagerIdentifier encodes it (an applier's without its apiVersion). */
type Managed = Map<string, Manager>;

function identity(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify({
    manager: m.manager,
    operation: m.operation,
    ...(m.operation === 'Update' ? { apiVersion: m.apiVersion } : {}),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  });
}

function decode(entries: unknown): Managed {
  const managed: Managed = new Map();
  if (!Array.isArray(entries)) return managed;
  for (const e of entries as Partial<ManagedFieldsEntry>[]) {
    if (!e || typeof e !== 'object' || (e.operation !== 'Apply' && e.operation !== 'Update')) continue;
    const m: Manager = {
      manager: e.manager ?? '', operation: e.operation, apiVersion: e.apiVersion ?? '',
      ...(e.subresource ? { subresource: e.subresource } : {}),
      ...(e.time ? { time: e.time } : {}),
      set: FieldSet.fromFieldsV1(e.fieldsV1),
    };
    managed.set(identity(m), m);
  }
  return managed;
}

/** Entries sorted as the API server sorts them: by operation, time, manager, apiVersion, subresource. */
function encode(managed: Managed): ManagedFieldsEntry[] | undefined {
  const entries = [...managed.values()].filter((m) => !m.set.empty).map((m): ManagedFieldsEntry => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: m.set.toFieldsV1(),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
  if (entries.length === 0) return undefined;
  const seconds = (t?: string) => (t ? Date.parse(t) : 0);
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return entries.sort((p, q) => cmp(p.operation, q.operation) || seconds(p.time) - seconds(q.time) || cmp(p.manager, q.manager) || cmp(p.apiVersion, q.apiVersion) || cmp(p.subresource ?? '', q.subresource ?? ''));
}

/** The API server's default manager: the User-Agent up to its first "/" (prefixFromUserAgent), at most 128 characters. */
export function managerOf(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  return [...(userAgent ?? '').split('/')[0]!].filter((c) => /\P{C}/u.test(c)).join('').slice(0, 128);
}

const typeCache = new Map<string, Type>();

function rootType(type: Pick<ResourceType, 'group' | 'version' | 'kind'>): Type {
  const key = `${type.group}/${type.version}/${type.kind}`;
  let found = typeCache.get(key);
  if (!found) typeCache.set(key, (found = structType(definitionOf(type.group, type.version, type.kind))));
  return found;
}

/** What no manager owns (stripMetaManager), and what a write of the other part of the object does not touch (reset fields). */
const STRIPPED = FieldSet.fromFieldsV1({
  'f:apiVersion': {}, 'f:kind': {},
  'f:metadata': { '.': {}, 'f:name': {}, 'f:namespace': {}, 'f:creationTimestamp': {}, 'f:selfLink': {}, 'f:uid': {}, 'f:clusterName': {}, 'f:generation': {}, 'f:managedFields': {}, 'f:resourceVersion': {} },
});

/**
 * The part of an object a write of `subresource` owns: a status write only the status; a
 * write of the main resource of a kind with a status subresource all but the status.
 */
function part(object: Loose | undefined, subresource: string | undefined, hasStatus: boolean): Loose {
  if (!object) return {};
  if (subresource === 'status') return object.status === undefined ? {} : { status: object.status };
  if (!hasStatus || !('status' in object)) return object;
  const { status: _, ...rest } = object;
  return rest;
}

const hasStatusOf = (type: ResourceType) => type.subresources?.some((s) => s.name === 'status') ?? false;

/**
 * The Go zero value of a kind, as the field manager compares a create against: structs
 * that are not pointers are there, empty (so a create's Update entry has no "." for them).
 */
function zeroOf(type: ResourceType): Loose {
  const zero: Loose = { metadata: {} };
  if (['Namespace', 'Node', 'Pod', 'Service', 'Deployment', 'StatefulSet', 'ReplicaSet', 'DaemonSet', 'PodDisruptionBudget', 'Lease', 'HorizontalPodAutoscaler'].includes(type.kind)) zero.spec = {};
  if (hasStatusOf(type)) zero.status = {};
  // PodSpec.containers has no omitempty: the zero value has it, null.
  if (type.kind === 'Pod') zero.spec.containers = null;
  if (['Deployment', 'StatefulSet', 'ReplicaSet', 'DaemonSet'].includes(type.kind)) zero.spec.template = { metadata: {}, spec: { containers: null } };
  if (type.kind === 'Deployment') zero.spec.strategy = {};
  if (type.kind === 'StatefulSet' || type.kind === 'DaemonSet') zero.spec.updateStrategy = {};
  if (type.kind === 'HorizontalPodAutoscaler') zero.spec.scaleTargetRef = {};
  if (type.kind === 'Event') Object.assign(zero, { involvedObject: {}, source: {} });
  return zero;
}

/**
 * The managers an update or a patch starts from (decodeLiveOrNew): the request's own
 * managedFields when it set any (an empty list resets them), else the live object's.
 */
function startingManagers(live: KubeObject | undefined, next: KubeObject): Managed {
  const asked = next.metadata.managedFields;
  if (Array.isArray(asked)) {
    if (asked.length === 0) return new Map();
    if (asked !== live?.metadata.managedFields) {
      const decoded = decode(asked);
      if (decoded.size > 0) return decoded;
    }
  }
  return decode(live?.metadata.managedFields);
}

export type UpdateRecord = {
  readonly type: ResourceType;
  /** The stored object; undefined for a create. */
  readonly live: KubeObject | undefined;
  readonly next: KubeObject;
  readonly manager: string;
  readonly subresource?: string;
  readonly now: string;
};

/** `next` with the managedFields of a write that is not an apply, as FieldManager.UpdateNoErrors records it. */
export function recordUpdate(record: UpdateRecord): KubeObject {
  const { type, live, next, manager, subresource, now } = record;
  const hasStatus = hasStatusOf(type);
  const managed = startingManagers(live, next);
  const before = part(live ?? zeroOf(type), subresource, hasStatus);
  const after = part(next, subresource, hasStatus);
  let changes: ReturnType<typeof compare>;
  try {
    changes = compare(before, after, rootType(type));
  } catch {
    // As UpdateNoErrors: a field manager that cannot follow the object (an associative
    // list item without its key) does not fail the write; the managers stay as they were.
    return next;
  }
  const touched = changes.added.union(changes.modified).difference(STRIPPED);
  // An update is forced: what it changed leaves the other managers, as does what it removed.
  for (const [key, m] of managed) {
    m.set = m.set.difference(touched).difference(changes.removed);
    if (m.set.empty) managed.delete(key);
  }
  const current = touched.difference(changes.removed);
  if (!current.empty) {
    const self: Manager = { manager, operation: 'Update', apiVersion: next.apiVersion, ...(subresource ? { subresource } : {}), set: current, time: now };
    const previous = managed.get(identity(self));
    if (previous) self.set = previous.set.union(current);
    managed.set(identity(self), self);
  }
  return withManagedFields(next, managed);
}

/** A scale subresource write: its manager owns spec.replicas, taken from the others (the API server's ScaleHandler). */
export function recordScale(object: KubeObject, manager: string, now: string): KubeObject {
  const managed = decode(object.metadata.managedFields);
  const replicas = FieldSet.fromFieldsV1({ 'f:spec': { 'f:replicas': {} } });
  for (const [key, m] of managed) {
    m.set = m.set.difference(replicas);
    if (m.set.empty) managed.delete(key);
  }
  const self: Manager = { manager, operation: 'Update', apiVersion: object.apiVersion, subresource: 'scale', set: replicas, time: now };
  managed.set(identity(self), self);
  return withManagedFields(object, managed);
}

function withManagedFields(object: KubeObject, managed: Managed): KubeObject {
  const entries = encode(managed);
  const { managedFields: _, ...metadata } = object.metadata;
  return { ...object, metadata: entries ? { ...metadata, managedFields: entries } : metadata } as KubeObject;
}

export type ApplyRequest = {
  readonly type: ResourceType;
  /** The stored object; undefined when the apply creates it. */
  readonly live: KubeObject | undefined;
  /** The applied configuration, decoded (unknown fields dropped), apiVersion and kind set. */
  readonly config: Loose;
  readonly manager: string;
  readonly force: boolean;
  readonly subresource?: string;
  readonly now: string;
};

/**
 * Merges an applied configuration into the live object (Updater.Apply): the new object,
 * managedFields set, not yet defaulted or validated. Throws the 409 of a conflict.
 */
export function applyConfig(request: ApplyRequest): KubeObject {
  const { type, live, config, manager, force, subresource, now } = request;
  const schema = rootType(type);
  const hasStatus = hasStatusOf(type);
  const managed = decode(live?.metadata.managedFields);
  const liveObject: Loose = live ?? { apiVersion: config.apiVersion, kind: config.kind, metadata: {} };
  // The configuration's fields outside the part it may write (status on the main resource,
  // all but the status on /status) are dropped, as the API server resets them.
  const applied = subresource === 'status'
    ? { apiVersion: config.apiVersion, kind: config.kind, metadata: { name: config.metadata?.name, ...(config.metadata?.namespace ? { namespace: config.metadata.namespace } : {}) }, ...(config.status === undefined ? {} : { status: config.status }) }
    : part(config, undefined, hasStatus);
  // The configuration's fields; its name, apiVersion and kind are nobody's once recorded,
  // but they hold the metadata against pruning, as in structured-merge-diff (the API server
  // strips them from the managers after the merge).
  const appliedSet = toFieldSet(part(applied, subresource, hasStatus), schema);
  const configSet = appliedSet.difference(STRIPPED);
  let merged = merge(liveObject, applied, schema) as Loose;

  const self: Manager = { manager, operation: 'Apply', apiVersion: liveObject.apiVersion, ...(subresource ? { subresource } : {}), set: configSet };
  const key = identity(self);
  const last = managed.get(key);
  if (last?.time) self.time = last.time;
  managed.set(key, self);

  // Prune: what this manager applied last time and no longer does, and no manager owns.
  if (last && !last.set.empty) {
    let owned = appliedSet;
    for (const m of managed.values()) owned = owned.union(m.set);
    const mergedSet = ensureNamedFieldsAreMembers(toFieldSet(part(merged, subresource, hasStatus), schema).difference(STRIPPED), schema);
    const remove = mergedSet.intersection(ensureNamedFieldsAreMembers(last.set, schema)).difference(ensureNamedFieldsAreMembers(owned, schema));
    merged = removeItems(merged, remove, schema) as Loose;
  }

  const changes = compare(part(liveObject, subresource, hasStatus), part(merged, subresource, hasStatus), schema);
  const touched = changes.added.union(changes.modified).difference(STRIPPED);
  const conflicts: { id: string; m: Manager; paths: string[][] }[] = [];
  for (const [id, m] of managed) {
    if (id === key) continue;
    const clash = m.set.intersection(touched);
    if (!clash.empty) conflicts.push({ id, m, paths: clash.paths() });
  }
  if (conflicts.length > 0 && !force) throw conflictError(conflicts);
  for (const [id, m] of managed) {
    if (id === key) continue;
    m.set = m.set.difference(touched).difference(changes.removed);
    if (m.set.empty) managed.delete(id);
  }
  const { managedFields: _, ...liveMeta } = (liveObject.metadata ?? {}) as Loose;
  const { managedFields: __, ...mergedMeta } = (merged.metadata ?? {}) as Loose;
  const changed = !live || !sameObject({ ...liveObject, metadata: liveMeta }, { ...merged, metadata: mergedMeta });
  if (changed) self.time = now;
  return withManagedFields(merged as KubeObject, managed);
}

function sameObject(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** printManager: "name" [with subresource "s"] [using apps/v1, for an Update]. */
function printManager(m: Manager): string {
  let text = JSON.stringify(m.manager);
  if (m.subresource) text += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') text += ` using ${m.apiVersion}`;
  return text;
}

/** errors.NewApplyConflict with internal.NewConflictError's message and causes. */
function conflictError(conflicts: { id: string; m: Manager; paths: string[][] }[]): ApiError {
  const flat = conflicts.flatMap((c) => c.paths.map((p) => ({ m: c.m, id: c.id, path: pathString(p) })));
  const causes = flat.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.m)}`, field: c.path }));
  let message: string;
  if (flat.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(flat[0]!.m)}: ${flat[0]!.path}`;
  } else {
    const lines: string[] = [];
    for (const c of [...conflicts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      lines.push(`conflicts with ${printManager(c.m)}:`);
      for (const p of c.paths) lines.push(`- ${pathString(p)}`);
    }
    message = `Apply failed with ${flat.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}
