// A NodeChange applied to what a node has now, as a JSON merge patch that carries the
// node's resourceVersion: the API server applies it only to that version (409 Conflict
// otherwise), so a taint or annotation someone else wrote in between is never lost. Pure.

import type { NodeChange } from '../ports/index.js';
import type { Node, Taint } from './wire.js';

export type NodePatch = {
  readonly metadata: { readonly resourceVersion: string; readonly annotations?: Record<string, string | null> };
  readonly spec?: { readonly unschedulable?: true | null; readonly taints?: Taint[] | null };
};

/** The fields a taint has, nothing else; timeAdded goes back as the server wrote it (metav1.Time text). */
const toWire = (t: Taint): Taint => ({
  key: t.key,
  ...(t.value ? { value: t.value } : {}),
  effect: t.effect,
  ...(t.timeAdded ? { timeAdded: t.timeAdded } : {}),
});

const sameTaint = (a: Taint, b: Taint) => a.key === b.key && (a.value ?? '') === (b.value ?? '') && a.effect === b.effect;

/** The node's taints after the change: other taints keep their place (and timeAdded); a replaced one keeps its slot. */
export function changedTaints(current: readonly Taint[], change: NodeChange): Taint[] {
  const removed = new Set(change.removeTaintKeys ?? []);
  const taints = current.filter((t) => !removed.has(t.key));
  for (const taint of change.addTaints ?? []) {
    const wanted: Taint = { key: taint.key, effect: taint.effect, ...(taint.value ? { value: taint.value } : {}) };
    const at = taints.findIndex((t) => t.key === taint.key && t.effect === taint.effect);
    if (at === -1) taints.push(wanted);
    else if (!sameTaint(taints[at]!, wanted)) taints[at] = wanted;
  }
  return taints;
}

/** The merge patch that makes `node` what `change` asks, or undefined when it already is. */
export function nodePatch(node: Node, change: NodeChange): NodePatch | undefined {
  const resourceVersion = node.metadata?.resourceVersion ?? '';
  const spec: { unschedulable?: true | null; taints?: Taint[] | null } = {};

  if (change.unschedulable !== undefined && change.unschedulable !== (node.spec?.unschedulable === true)) {
    // null removes the field, as kubectl uncordon leaves it: false is the default.
    spec.unschedulable = change.unschedulable ? true : null;
  }

  const current = node.spec?.taints ?? [];
  const taints = changedTaints(current, change);
  if (taints.length !== current.length || taints.some((t, i) => !sameTaint(t, current[i]!))) {
    // A merge patch replaces a list whole: send all of them, guarded by resourceVersion.
    spec.taints = taints.length > 0 ? taints.map(toWire) : null;
  }

  const annotations: Record<string, string | null> = {};
  const existing = node.metadata?.annotations ?? {};
  for (const [key, value] of Object.entries(change.annotations ?? {})) {
    if (value === null ? key in existing : existing[key] !== value) annotations[key] = value;
  }

  const hasAnnotations = Object.keys(annotations).length > 0;
  const hasSpec = Object.keys(spec).length > 0;
  if (!hasAnnotations && !hasSpec) return undefined;
  return {
    metadata: { resourceVersion, ...(hasAnnotations ? { annotations } : {}) },
    ...(hasSpec ? { spec } : {}),
  };
}
