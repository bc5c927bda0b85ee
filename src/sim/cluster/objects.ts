// Typed reads of the loosely typed stored objects, and the small status helpers every
// controller shares (conditions, readiness, owner references).

import { isPodReady, isTerminal } from '../kube/pdb.js';
import { type KubeObject, type OwnerReference, type Store, objectKey } from '../kube/store.js';
import { isoSeconds } from '../../clock.js';
import { canonicalJson } from '../../json/canonical.js';

export type Loose = Record<string, any>;

export type Condition = {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  observedGeneration?: number;
};

export { isPodReady, isTerminal };

export const spec = (object: KubeObject): Loose => (object.spec ?? {}) as Loose;
export const status = (object: KubeObject): Loose => (object.status ?? {}) as Loose;
export const keyOf = (object: KubeObject): string => objectKey(object.metadata.namespace, object.metadata.name);

/** "ns/name" → [ns, name]; cluster-scoped keys have no namespace. */
export function splitKey(key: string): [string | undefined, string] {
  const slash = key.indexOf('/');
  return slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
}

export const isDeleting = (object: KubeObject): boolean => Boolean(object.metadata.deletionTimestamp);

/** Counts for its controller: neither finished nor on its way out. */
export const isActive = (pod: KubeObject): boolean => !isTerminal(pod) && !isDeleting(pod);

export const phaseOf = (pod: KubeObject): string => status(pod).phase ?? 'Pending';

export const isRunningAndReady = (pod: KubeObject): boolean => phaseOf(pod) === 'Running' && isPodReady(pod);

export function controllerRef(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((o) => o.controller);
}

export function ownedBy(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

export function findCondition(object: KubeObject, type: string): Condition | undefined {
  return ((status(object).conditions ?? []) as Condition[]).find((c) => c.type === type);
}

/**
 * Sets a condition in a conditions list (a private copy), keeping lastTransitionTime when
 * the status does not change, as the API conventions ask.
 */
export function setCondition(conditions: Condition[], next: Condition, now: number): Condition[] {
  const at = isoSeconds(now);
  const index = conditions.findIndex((c) => c.type === next.type);
  const previous = conditions[index];
  const merged: Condition = { ...next, lastTransitionTime: previous && previous.status === next.status ? previous.lastTransitionTime! : at };
  if (index < 0) return [...conditions, merged];
  return conditions.map((c, i) => (i === index ? merged : c));
}

export function isNodeReady(node: KubeObject | undefined): boolean {
  return findCondition(node ?? ({ metadata: {} } as KubeObject), 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds; `retryAt` says when a ready-but-not-yet-available pod becomes available. */
export function availability(pod: KubeObject, minReadySeconds: number, now: number): { available: boolean; retryAt?: number } {
  if (!isPodReady(pod)) return { available: false };
  if (minReadySeconds <= 0) return { available: true };
  const since = Date.parse(findCondition(pod, 'Ready')?.lastTransitionTime ?? '') || now;
  const at = since + minReadySeconds * 1000;
  return at <= now ? { available: true } : { available: false, retryAt: at };
}

/**
 * Stores a new version of an object built from the current one without store.mutate's
 * deep copy: `change` returns a new object, copying only what it changes, and never
 * modifies the one it is given (stored objects are shared snapshots). The paths that
 * touch every pod (binding, start-up) depend on this being cheap.
 */
export function rewrite(store: Store, resource: string, object: KubeObject, change: (current: KubeObject) => KubeObject): KubeObject {
  return store.update(resource, change(store.mustGet(resource, object.metadata.namespace, object.metadata.name)));
}

export const putStatus = (store: Store, resource: string, object: KubeObject, next: Loose): KubeObject =>
  rewrite(store, resource, object, (current) => ({ ...current, status: next }));

/** A status to write, or undefined when the stored one already says the same. */
export function changed<T>(current: unknown, next: T): T | undefined {
  return JSON.stringify(current) === JSON.stringify(next) ? undefined : next;
}

/** The stable FNV-1a 32-bit hash the controllers use to name revisions. */
function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString over the decimal hash, zero-padded: always 10 characters, no vowels. */
export function templateHash(template: unknown): string {
  const decimal = String(fnv32a(canonicalJson(template))).padStart(10, '0');
  let out = '';
  for (const ch of decimal) out += SAFE[ch.charCodeAt(0) % SAFE.length];
  return out;
}

/** An int-or-percent against a total (intstr.GetScaledValueFromIntOrPercent). */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) return Number(value) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
