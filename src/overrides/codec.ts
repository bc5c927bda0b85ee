// Overrides in the ConfigMap `scalerd-overrides`: one data key per override, the key its
// id, the value one line of JSON with times as ISO-8601 UTC instants:
//
//   k3x9qa: {"capacity":{"workers":12},"from":"2026-11-25T11:00:00.000Z",
//            "until":"2026-11-25T14:00:00.000Z","reason":"load test","by":"alice",
//            "createdAt":"2026-11-25T11:00:00.000Z"}
//
// One key per entry, not one document, so that `kubectl get cm -o yaml` shows one line per
// override, a hand edit can break one entry only, and a bad entry is skipped on its own.
// People edit this ConfigMap by hand: parsing never throws; a bad entry becomes a problem
// naming the key, the field, and the fix.

import { MAX_DOCUMENT_BYTES } from '../json/bounds.js';
import { dict } from '../records.js';
import type { Override, OverrideProblem, OverrideSet } from './types.js';

const FIELDS = new Set(['capacity', 'replicas', 'from', 'until', 'untilNextWindow', 'reason', 'by', 'createdAt']);
/** What the API server accepts as a ConfigMap data key. */
export const KEY_RE = /^[-._a-zA-Z0-9]{1,253}$/;
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const WORKLOAD_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;

/** The ConfigMap value of an override (its id is the key). */
export function formatEntry(override: Override): string {
  return JSON.stringify({
    ...(override.capacity && Object.keys(override.capacity).length > 0 ? { capacity: override.capacity } : {}),
    ...(override.replicas && Object.keys(override.replicas).length > 0 ? { replicas: override.replicas } : {}),
    from: new Date(override.from).toISOString(),
    until: new Date(override.until).toISOString(),
    ...(override.untilNextWindow ? { untilNextWindow: true } : {}),
    reason: override.reason,
    by: override.by,
    createdAt: new Date(override.createdAt).toISOString(),
  });
}

/** Every entry of the ConfigMap's data, the usable ones as overrides, the others as problems; in key order. */
export function parseEntries(data: Readonly<Record<string, string>> | undefined): OverrideSet {
  const overrides: Override[] = [];
  const problems: OverrideProblem[] = [];
  for (const key of Object.keys(data ?? {}).sort()) {
    const parsed = parseEntry(key, data![key]!);
    if ('code' in parsed) problems.push(parsed);
    else overrides.push(parsed);
  }
  return { overrides, problems };
}

class EntryError extends Error {}

export function parseEntry(key: string, value: string): Override | OverrideProblem {
  const fail = (message: string): OverrideProblem => ({
    code: 'SCALERD_ERR_OVERRIDE_ENTRY',
    key,
    message: `overrides entry "${key}": ${message}; the entry is skipped (fix it with kubectl edit, or remove it with "scalerd override clear ${key}")`,
  });
  if (!KEY_RE.test(key)) return fail('the key is not a ConfigMap key');
  // The API server holds a ConfigMap to 1 MiB; an entry edited by hand is held to it here
  // too, whatever stored it (JSON.parse itself handles any nesting without recursion).
  if (Buffer.byteLength(value, 'utf8') > MAX_DOCUMENT_BYTES) return fail(`the value is larger than ${MAX_DOCUMENT_BYTES} bytes (1 MiB)`);
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    return fail(`the value is not JSON (${(error as Error).message})`);
  }
  if (!isObject(json)) return fail('the value is not a JSON object such as {"capacity":{"workers":12},"from":…,"until":…,"reason":…,"by":…,"createdAt":…}');
  try {
    for (const field of Object.keys(json)) {
      if (!FIELDS.has(field)) throw new EntryError(`/${field}: unknown property (known: ${[...FIELDS].join(', ')})`);
    }
    const capacity = counts(json, 'capacity', (name) => name !== '', 'a node-group name');
    const replicas = counts(json, 'replicas', (name) => WORKLOAD_RE.test(name), 'a workload as namespace/name');
    if (!capacity && !replicas) throw new EntryError('sets nothing: give /capacity or /replicas with at least one value');
    const from = instant(json, 'from');
    const until = instant(json, 'until');
    if (until <= from) throw new EntryError(`/until: ${String(json.until)} is not after /from ${String(json.from)}`);
    const untilNextWindow = json.untilNextWindow;
    if (untilNextWindow !== undefined && typeof untilNextWindow !== 'boolean') throw new EntryError('/untilNextWindow: must be true or false');
    return {
      id: key,
      ...(capacity ? { capacity } : {}),
      ...(replicas ? { replicas } : {}),
      from,
      until,
      ...(untilNextWindow ? { untilNextWindow: true } : {}),
      reason: text(json, 'reason'),
      by: text(json, 'by'),
      createdAt: instant(json, 'createdAt'),
    };
  } catch (error) {
    if (error instanceof EntryError) return fail(error.message);
    throw error;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function counts(json: Record<string, unknown>, field: string, validKey: (key: string) => boolean, what: string): Record<string, number> | undefined {
  const value = json[field];
  if (value === undefined) return undefined;
  if (!isObject(value)) throw new EntryError(`/${field}: must be an object of name → count, such as {"workers":12}`);
  const out = dict<number>();
  for (const [name, n] of Object.entries(value)) {
    if (!validKey(name)) throw new EntryError(`/${field}/${name}: the key is not ${what}`);
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new EntryError(`/${field}/${name}: ${JSON.stringify(n)} is not a whole number of 0 or more`);
    out[name] = n;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function instant(json: Record<string, unknown>, field: string): number {
  const value = json[field];
  if (value === undefined) throw new EntryError(`/${field}: missing; write an instant such as "2026-11-25T14:00:00Z"`);
  const ms = typeof value === 'string' && INSTANT_RE.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new EntryError(`/${field}: ${JSON.stringify(value)} is not an instant with an offset, such as "2026-11-25T14:00:00Z"`);
  return ms;
}

function text(json: Record<string, unknown>, field: string): string {
  const value = json[field];
  if (typeof value !== 'string' || value.trim() === '') throw new EntryError(`/${field}: missing or empty; write a non-empty string`);
  return value;
}
