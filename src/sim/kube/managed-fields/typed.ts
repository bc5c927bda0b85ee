// Objects walked by their schema, as structured-merge-diff's typed values: the field set an
// object (or an applied configuration) sets, the comparison of two versions (what a write
// added, changed and removed), the merge of an applied configuration into the live object,
// and the removal of fields. The schema is the served OpenAPI's (openapi/): structs by
// their properties, maps (additionalProperties) key by key, lists by their list type
// (atomic lists, atomic structs and untyped values are one field).

import { jsonEqual } from '../../../json/equal.js';
import { badRequest } from '../api-error.js';
import { DEFINITIONS } from '../openapi/definitions.generated.js';
import { ATOMIC_STRUCTS, listTypeOf } from '../openapi/list-types.js';
import type { Schema } from '../openapi/types.js';
import { FieldSet, pathString } from './fieldset.js';

type Loose = Record<string, any>;

export type Type =
  | { readonly kind: 'scalar' }
  | { readonly kind: 'atomic' }
  | { readonly kind: 'struct'; readonly definition: string }
  | { readonly kind: 'map'; readonly value: Type }
  | { readonly kind: 'list'; readonly listType: 'set' | 'map'; readonly item: Type; readonly keys: readonly string[] };

const SCALAR: Type = { kind: 'scalar' };
const ATOMIC: Type = { kind: 'atomic' };

/** Defaults of list-map keys that an item may leave out (the OpenAPI's `default`). */
const KEY_DEFAULTS: Readonly<Record<string, unknown>> = { protocol: 'TCP' };

const cache = new Map<string, Type>();

export function structType(definition: string): Type {
  return { kind: 'struct', definition };
}

function resolve(schema: Schema | undefined, owner?: string, field?: string): Type {
  if (!schema) return ATOMIC;
  if (schema.$ref !== undefined) {
    const definition = DEFINITIONS[schema.$ref];
    if (!definition) return ATOMIC;
    if (ATOMIC_STRUCTS.has(schema.$ref)) return ATOMIC;
    if (!definition.properties) return definition.type === 'object' ? ATOMIC : SCALAR;
    return structType(schema.$ref);
  }
  if (schema.type === 'array') {
    const list = owner !== undefined && field !== undefined ? listTypeOf(owner, field) : undefined;
    if (!list || list.listType === 'atomic') return ATOMIC;
    return { kind: 'list', listType: list.listType, item: resolve(schema.items), keys: list.keys ?? [] };
  }
  if (schema.type === 'object') return schema.additionalProperties ? { kind: 'map', value: resolve(schema.additionalProperties) } : ATOMIC;
  return SCALAR;
}

/** The type of a struct's field; a field the schema does not declare is one atomic value. */
export function fieldType(type: Type, field: string): Type {
  if (type.kind === 'map') return type.value;
  if (type.kind !== 'struct') return ATOMIC;
  const key = `${type.definition}.${field}`;
  let found = cache.get(key);
  if (!found) {
    found = resolve(DEFINITIONS[type.definition]?.properties?.[field], type.definition, field);
    cache.set(key, found);
  }
  return found;
}

const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const isLeaf = (type: Type) => type.kind === 'scalar' || type.kind === 'atomic';

/** The path element of a list item: k:{"name":"web"} (keys sorted, defaults filled), or v:"value". */
export function itemElement(type: Extract<Type, { kind: 'list' }>, item: unknown, where: readonly string[]): string {
  if (type.listType === 'set') return `v:${JSON.stringify(item)}`;
  if (!isObject(item)) throw badRequest(`${pathString(where)}: expected a map, got ${JSON.stringify(item)}`);
  const keys: Loose = {};
  for (const key of [...type.keys].sort()) {
    const value = item[key] ?? KEY_DEFAULTS[key];
    if (value === undefined) throw new KeyMissing(where, key);
    keys[key] = value;
  }
  return `k:${JSON.stringify(keys)}`;
}

/** An associative list's item without one of its keys (structured-merge-diff's words). */
export class KeyMissing extends Error {
  constructor(where: readonly string[], key: string) {
    super(`${pathString(where)}: element: associative list with keys has an element that omits key field ${JSON.stringify(key)} (and doesn't have default value)`);
  }
}

function indexItems(type: Extract<Type, { kind: 'list' }>, list: unknown, where: readonly string[]): Map<string, unknown> {
  const items = new Map<string, unknown>();
  if (!Array.isArray(list)) return items;
  for (const item of list) items.set(itemElement(type, item, where), item);
  return items;
}

// ---- the set of fields a value sets ---------------------------------------------

/** typed.TypedValue.ToFieldSet: every leaf, list item and map entry of `value`. */
export function toFieldSet(value: unknown, type: Type): FieldSet {
  const set = new FieldSet();
  addFields(value, type, set, []);
  return set;
}

function addFields(value: unknown, type: Type, node: FieldSet, where: string[]): void {
  if (isLeaf(type) || value === null || value === undefined) {
    node.member = true;
    return;
  }
  if (type.kind === 'list') {
    if (!Array.isArray(value)) {
      node.member = true;
      return;
    }
    for (const item of value) {
      const element = itemElement(type, item, where);
      const child = node.descend(element);
      addFields(item, type.item, child, [...where, element]);
      child.member = true;
    }
    return;
  }
  if (!isObject(value)) {
    node.member = true;
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    const element = `f:${key}`;
    const child = node.descend(element);
    const childType = fieldType(type, key);
    addFields(v, childType, child, [...where, element]);
    // A map's entries are members; a struct's field only when it is null or an empty object.
    if (type.kind === 'map' || v === null || (isObject(v) && Object.keys(v).length === 0)) child.member = true;
  }
}

// ---- comparing two versions ---------------------------------------------------

export type Comparison = { readonly added: FieldSet; readonly modified: FieldSet; readonly removed: FieldSet };

/** typed.TypedValue.Compare: the fields `after` added, changed (leaves) and removed, from `before`. */
export function compare(before: unknown, after: unknown, type: Type): Comparison {
  const comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareAt(before, after, type, [], comparison);
  return comparison;
}

function compareAt(before: unknown, after: unknown, type: Type, path: string[], out: Comparison): void {
  // A null is there (a Go zero value's field without omitempty), with nothing in it.
  const lhs = before === null ? undefined : before;
  const rhs = after === null ? undefined : after;
  if (before === undefined && after === undefined) return;
  if (isLeaf(type) || (type.kind === 'list' ? !isArrayOrNone(lhs) || !isArrayOrNone(rhs) : !isObjectOrNone(lhs) || !isObjectOrNone(rhs))) {
    if (before === undefined) out.added.insert(path);
    else if (after === undefined) out.removed.insert(path);
    else if (!jsonEqual(before, after)) out.modified.insert(path);
    return;
  }
  if (type.kind === 'list') {
    const left = indexItems(type, lhs, path);
    const right = indexItems(type, rhs, path);
    for (const [element, item] of left) compareAt(item, right.get(element), type.item, [...path, element], out);
    for (const [element, item] of right) if (!left.has(element)) compareAt(undefined, item, type.item, [...path, element], out);
  } else {
    const left = (lhs ?? {}) as Loose;
    const right = (rhs ?? {}) as Loose;
    for (const key of Object.keys(left)) compareAt(left[key], right[key], fieldType(type, key), [...path, `f:${key}`], out);
    for (const key of Object.keys(right)) if (!(key in left)) compareAt(undefined, right[key], fieldType(type, key), [...path, `f:${key}`], out);
  }
  if (path.length > 0) {
    if (before === undefined) out.added.insert(path);
    else if (after === undefined) out.removed.insert(path);
  }
}

const isArrayOrNone = (v: unknown) => v === undefined || Array.isArray(v);
const isObjectOrNone = (v: unknown) => v === undefined || isObject(v);

// ---- merging an applied configuration --------------------------------------------

/** typed.TypedValue.Merge: `config` over `live`, structs and maps key by key, associative lists item by item. */
export function merge(live: unknown, config: unknown, type: Type, path: string[] = []): unknown {
  if (config === undefined) return live;
  if (isLeaf(type) || config === null) return config;
  if (type.kind === 'list') {
    if (!Array.isArray(config) || !Array.isArray(live)) return config;
    return mergeList(type, live, config, path);
  }
  if (!isObject(config) || !isObject(live)) return config;
  const out: Loose = { ...live };
  for (const [key, value] of Object.entries(config)) out[key] = merge(live[key], value, fieldType(type, key), [...path, `f:${key}`]);
  return out;
}

/**
 * An associative list's merge in structured-merge-diff's order: the configuration's items
 * in its order, each merged with the live item of the same key, and the live items the
 * configuration does not name kept where they were relative to the others.
 */
function mergeList(type: Extract<Type, { kind: 'list' }>, live: unknown[], config: unknown[], path: string[]): unknown[] {
  const lhs = live.map((item) => ({ element: itemElement(type, item, path), item }));
  const rhs = config.map((item) => ({ element: itemElement(type, item, path), item }));
  const observedL = new Map(lhs.map((e) => [e.element, e.item]));
  const observedR = new Map(rhs.map((e) => [e.element, e.item]));
  const shared = rhs.filter((e) => observedL.has(e.element)).map((e) => e.element);
  let nextShared = shared.shift();
  const merged = new Set<string>();
  const out: unknown[] = [];
  const mergeItem = (element: string, l: unknown, r: unknown) => (r === undefined ? l : merge(l, r, type.item, [...path, element]));
  for (let l = 0, r = 0; l < lhs.length || r < rhs.length;) {
    if (l < lhs.length && r < rhs.length) {
      const element = lhs[l]!.element;
      if (element === rhs[r]!.element) {
        merged.add(element);
        out.push(mergeItem(element, observedL.get(element), observedR.get(element)));
        l++;
        r++;
        if (nextShared === element) nextShared = shared.shift();
        continue;
      }
      if (observedR.has(element) && nextShared !== undefined && nextShared !== element) {
        l++;
        continue;
      }
    }
    if (l < lhs.length) {
      const element = lhs[l]!.element;
      if (!observedR.has(element)) {
        out.push(lhs[l]!.item);
        l++;
        continue;
      }
      if (merged.has(element)) {
        l++;
        continue;
      }
    }
    if (r < rhs.length) {
      const element = rhs[r]!.element;
      merged.add(element);
      out.push(mergeItem(element, observedL.get(element), observedR.get(element)));
      r++;
      if (nextShared === element) nextShared = shared.shift();
    }
  }
  return out;
}

// ---- removing fields -------------------------------------------------------------

/** typed.TypedValue.RemoveItems: `value` without the subtree at each member of `set` (a copy). */
export function removeItems(value: unknown, set: FieldSet, type: Type): unknown {
  if (set.empty) return value;
  if (type.kind === 'list') {
    if (!Array.isArray(value)) return value;
    const out: unknown[] = [];
    for (const item of value) {
      const element = itemElement(type, item, []);
      const node = set.child(element);
      if (node?.member) continue;
      out.push(node ? removeItems(item, node, type.item) : item);
    }
    return out;
  }
  if (!isObject(value) || isLeaf(type)) return value;
  const out: Loose = { ...value };
  for (const [element, node] of set.children) {
    if (!element.startsWith('f:')) continue;
    const key = element.slice(2);
    if (!(key in out)) continue;
    if (node.member) delete out[key];
    else out[key] = removeItems(out[key], node, fieldType(type, key));
  }
  return out;
}

/** fieldpath.Set.EnsureNamedFieldsAreMembers: a struct field with members under it is a member too. */
export function ensureNamedFieldsAreMembers(set: FieldSet, type: Type): FieldSet {
  const out = set.clone();
  mark(out, type);
  return out;
}

function mark(node: FieldSet, type: Type): void {
  for (const [element, child] of node.children) {
    if (type.kind === 'struct' && element.startsWith('f:')) {
      if (child.children.size > 0) child.member = true;
      mark(child, fieldType(type, element.slice(2)));
    } else if (type.kind === 'map') {
      mark(child, type.value);
    } else if (type.kind === 'list') {
      mark(child, type.item);
    }
  }
}
