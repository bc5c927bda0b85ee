// scalerd's marks on the cluster: the names the planner reads and the actuator writes.
// A restarted daemon re-plans from the world alone, so everything it needs to resume or
// roll back a node lives on the node itself (a taint and an annotation), and everything
// it needs to restore a workload lives on the workload or its HPA (annotations).
//
// A node scalerd is removing carries, from the first patch on (one read-modify-write):
//   spec.unschedulable = true
//   taint      scalerd.io/scale-down=<owner>:NoSchedule
//   annotation scalerd.io/scale-down = {"owner":"<owner>","startedAt":"<ISO>","phase":"cordoned"}
// The phase moves forward only, one step at a time (PHASE_TRANSITIONS); a rollback removes
// all three and is allowed from every phase but `terminating`.

import type { NodeChange } from '../ports/cluster.js';
import type { NodeObservation, Taint } from '../ports/observation.js';

/** Taint key and annotation key of a node scalerd is removing. */
export const SCALE_DOWN_TAINT = 'scalerd.io/scale-down';
export const SCALE_DOWN_ANNOTATION = 'scalerd.io/scale-down';
/** `true` on a node: scalerd never chooses it (it still resumes or rolls back its own marks). */
export const SCALE_DOWN_DISABLED_ANNOTATION = 'scalerd.io/scale-down-disabled';
/** `false` on a pod: its node is not drained (unless the pod policy says otherwise). */
export const SAFE_TO_EVICT_ANNOTATION = 'scalerd.io/safe-to-evict';
/** On a workload: its replicas before scalerd first changed them. */
export const ORIGINAL_REPLICAS_ANNOTATION = 'scalerd.io/original-replicas';
/** On an HPA: its minReplicas / maxReplicas before scalerd first changed them. */
export const ORIGINAL_MIN_REPLICAS_ANNOTATION = 'scalerd.io/original-min-replicas';
export const ORIGINAL_MAX_REPLICAS_ANNOTATION = 'scalerd.io/original-max-replicas';
/** The process scalerd suspends on a group it removes instances from. */
export const AZ_REBALANCE = 'AZRebalance';

/**
 * Where a node is on its way out.
 * - `cordoned`: tainted, unschedulable, annotated (the whole batch, before any eviction).
 * - `draining`: evictions have started.
 * - `drained`: no pod that must be evicted is left.
 * - `terminating`: TerminateInstanceInAutoScalingGroup is being or has been called; from
 *   here the node is never rolled back (the call may have been accepted even if its
 *   answer was lost), only finished: terminate again (idempotent), then delete the Node.
 */
export type Phase = 'cordoned' | 'draining' | 'drained' | 'terminating';
export const PHASES: readonly Phase[] = ['cordoned', 'draining', 'drained', 'terminating'];

/** The only moves the actuator may make; anything else is a bug. */
export const PHASE_TRANSITIONS: Readonly<Record<Phase, readonly Phase[]>> = {
  cordoned: ['draining'],
  draining: ['drained'],
  drained: ['terminating'],
  terminating: [],
};

export function canAdvance(from: Phase, to: Phase): boolean {
  return PHASE_TRANSITIONS[from].includes(to);
}

export function canRollBack(phase: Phase): boolean {
  return phase !== 'terminating';
}

export type Mark = { readonly owner: string; readonly startedAt: number | undefined; readonly phase: Phase };

/**
 * What scalerd's marks on a node say.
 * - `none`: no scalerd taint or annotation.
 * - `ours`: the annotation's owner is `owner`, or (annotation missing or damaged) the
 *   taint's value is. Without a readable annotation it reads as phase `cordoned` with
 *   `damaged: true`: the least advanced phase, so the node is resumed from the start or
 *   rolled back, never skipped ahead.
 * - `other`: another owner's marks (another scalerd): never touched.
 */
export type MarkReading =
  | { readonly kind: 'none' }
  | { readonly kind: 'ours'; readonly mark: Mark; readonly damaged: boolean }
  | { readonly kind: 'other'; readonly owner: string };

export function readMark(node: Pick<NodeObservation, 'taints' | 'annotations'>, owner: string): MarkReading {
  const taint = node.taints.find((t) => t.key === SCALE_DOWN_TAINT);
  const text = node.annotations[SCALE_DOWN_ANNOTATION];
  if (!taint && text === undefined) return { kind: 'none' };
  const parsed = text === undefined ? undefined : parseAnnotation(text);
  if (parsed) return parsed.owner === owner ? { kind: 'ours', mark: parsed, damaged: false } : { kind: 'other', owner: parsed.owner };
  // No readable annotation: the taint's value names the owner. A damaged annotation with
  // no taint names nobody; it is ours to clean up (no scalerd writes one).
  if (taint && taint.value !== owner) return { kind: 'other', owner: taint.value ?? '' };
  return { kind: 'ours', mark: { owner, startedAt: undefined, phase: 'cordoned' }, damaged: true };
}

function parseAnnotation(text: string): Mark | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { owner, startedAt, phase } = value as Record<string, unknown>;
  if (typeof owner !== 'string' || !PHASES.includes(phase as Phase)) return undefined;
  const at = typeof startedAt === 'string' ? Date.parse(startedAt) : Number.NaN;
  return { owner, startedAt: Number.isNaN(at) ? undefined : at, phase: phase as Phase };
}

export function formatMark(mark: Mark): string {
  const startedAt = mark.startedAt === undefined ? undefined : new Date(mark.startedAt).toISOString();
  return JSON.stringify({ owner: mark.owner, startedAt, phase: mark.phase });
}

export function scaleDownTaint(owner: string): Taint {
  return { key: SCALE_DOWN_TAINT, value: owner, effect: 'NoSchedule' };
}

/** The first patch on a new victim: taint, cordon and annotate in one change. */
export function markChange(owner: string, startedAt: number): NodeChange {
  return {
    unschedulable: true,
    addTaints: [scaleDownTaint(owner)],
    annotations: { [SCALE_DOWN_ANNOTATION]: formatMark({ owner, startedAt, phase: 'cordoned' }) },
  };
}

/** Move a marked node to the next phase (check `canAdvance` first). */
export function phaseChange(mark: Mark, phase: Phase): NodeChange {
  // Guarded by the mark as it was: a node someone rolled back or re-marked meanwhile is not
  // silently marked again (and the write needs no read first).
  return { annotations: { [SCALE_DOWN_ANNOTATION]: formatMark({ ...mark, phase }) }, expectAnnotations: { [SCALE_DOWN_ANNOTATION]: formatMark(mark) } };
}

/**
 * Undo every mark: untaint, uncordon, unannotate. Uncordoning assumes scalerd cordoned
 * the node: a node that was cordoned by someone else is never marked by scalerd (the
 * planner skips it), so this does not undo an operator's cordon.
 */
export function rollbackChange(): NodeChange {
  return { unschedulable: false, removeTaintKeys: [SCALE_DOWN_TAINT], annotations: { [SCALE_DOWN_ANNOTATION]: null } };
}
