// Records keyed by names users choose (node groups, workloads, date lists, override
// entries). A plain object answers a key it lacks from Object.prototype: a node group
// named "constructor" or "toString" read a function where a count was missing and planned
// to NaN, and assigning "__proto__" changed the object's prototype instead of adding a
// key. A record without a prototype has neither problem: every name is just a key.

/** A record without a prototype, from entries (later entries win, as in Object.fromEntries). */
export function dict<V>(entries: Iterable<readonly [string, V]> = []): Record<string, V> {
  const record = Object.create(null) as Record<string, V>;
  for (const [key, value] of entries) record[key] = value;
  return record;
}

/** A copy of a record, without a prototype. */
export function copyDict<V>(record: Readonly<Record<string, V>> | undefined): Record<string, V> {
  return dict(Object.entries(record ?? {}));
}

/** The record's own value for `key`, never an inherited one. */
export function own<V>(record: Readonly<Record<string, V>> | undefined, key: string): V | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
