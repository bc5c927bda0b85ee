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

/** Throws the API server's decoding error when a MicroTime field is not in its layout. */
export function checkMicroTimes(resource: string, object: KubeObject | Loose): void {
  for (const path of FIELDS[resource] ?? []) {
    const value = path.reduce<unknown>((node, key) => (node as Loose | null | undefined)?.[key], object);
    if (value === undefined || value === null || (typeof value === 'string' && MICRO_TIME.test(value))) continue;
    const kind = String((object as Loose).kind ?? resource);
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    // Go's parser stops where the text leaves the layout; for a usual RFC 3339 time that is after the seconds.
    const rest = text.length > 19 ? text.slice(19) : text;
    throw new ApiError(400, 'BadRequest', `${kind} in version "${String((object as Loose).apiVersion ?? 'v1').split('/').pop()}" cannot be handled as a ${kind}: parsing time "${text}" as "${LAYOUT}": cannot parse "${rest}" as ".000000"`);
  }
}
