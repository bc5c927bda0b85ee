// metav1.MicroTime fields, which the API server decodes with the layout
// 2006-01-02T15:04:05.000000Z07:00: exactly six fractional digits. A client that sends a
// JavaScript Date (three digits) is refused with 400, as a real server refuses it; client-node
// has V1MicroTime for these fields.

import { ApiError } from './api-error.js';
import type { KubeObject } from './store.js';

type Loose = Record<string, any>;

const LAYOUT = '2006-01-02T15:04:05.000000Z07:00';
const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;

/** The MicroTime fields of each resource (store key), as paths into the object. */
const FIELDS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  'leases.coordination.k8s.io': [['spec', 'acquireTime'], ['spec', 'renewTime']],
  events: [['eventTime']],
};

/**
 * Throws the API server's decoding error when a MicroTime field is not in its layout; else
 * the object with each such field as the server stores and answers it (metav1.MicroTime
 * marshals in UTC: an offset is folded in, the six digits kept).
 */
export function checkMicroTimes<T extends KubeObject | Loose>(resource: string, object: T): T {
  let result = object;
  for (const path of FIELDS[resource] ?? []) {
    const value = path.reduce<unknown>((node, key) => (node as Loose | null | undefined)?.[key], object);
    if (value === undefined || value === null) continue;
    if (typeof value === 'string' && MICRO_TIME.test(value)) {
      if (!value.endsWith('Z')) result = withValue(result, path, inUtc(value));
      continue;
    }
    const kind = String((object as Loose).kind ?? resource);
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    // Go's parser stops where the text leaves the layout; for a usual RFC 3339 time that is after the seconds.
    const rest = text.length > 19 ? text.slice(19) : text;
    throw new ApiError(400, 'BadRequest', `${kind} in version "${String((object as Loose).apiVersion ?? 'v1').split('/').pop()}" cannot be handled as a ${kind}: parsing time "${text}" as "${LAYOUT}": cannot parse "${rest}" as ".000000"`);
  }
  return result;
}

/** 2026-03-02T11:00:00.123456+02:00 → 2026-03-02T09:00:00.123456Z */
function inUtc(value: string): string {
  const seconds = Date.parse(`${value.slice(0, 19)}${value.slice(26)}`);
  return `${new Date(seconds).toISOString().slice(0, 19)}${value.slice(19, 26)}Z`;
}

/** A copy of `object` with `path` set: copies only the objects along the path. */
function withValue<T>(object: T, path: readonly string[], value: unknown): T {
  const [head, ...rest] = path;
  const node = object as Loose;
  return { ...node, [head!]: rest.length === 0 ? value : withValue(node[head!], rest, value) } as T;
}

/** A MicroTime as the API server writes one: UTC, six fractional digits (the clock has milliseconds). */
export function microTime(instant: number): string {
  return `${new Date(instant).toISOString().slice(0, 23)}000Z`;
}
