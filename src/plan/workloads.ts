// Workload replicas from the schedule. Without an HPA, scalerd sets replicas through the
// scale subresource. With one, it sets the HPA's minReplicas to the desired count (and
// maxReplicas when the count is above it), so the two never fight; the HPA keeps the
// last word above the floor. Before its first change scalerd records the value it
// replaces in an annotation, and a desired state with no value for the workload means
// "restore it" (and the record is removed).
//
// A desired count of 0 with an HPA goes through the scale subresource: minReplicas 0 is
// invalid without the HPAScaleToZero gate, and an HPA leaves a target at 0 replicas alone.

import type { PodObservation, WorkloadObservation } from '../ports/observation.js';
import { own } from '../records.js';
import type { Workload } from '../schedule/types.js';
import {
  ORIGINAL_MAX_REPLICAS_ANNOTATION as ORIGINAL_MAX,
  ORIGINAL_MIN_REPLICAS_ANNOTATION as ORIGINAL_MIN,
  ORIGINAL_REPLICAS_ANNOTATION as ORIGINAL_REPLICAS,
} from './marks.js';
import type { Blocked, Change, ScaleWorkloadStep } from './types.js';

/** A workload whose pods the plan expects to lose `deletions` of (for the fit model). */
export type Shrink = { readonly workload: WorkloadObservation; readonly deletions: number };

export type WorkloadStatus = { readonly key: string; readonly expected: number; readonly available: number };

export type WorkloadPlan = {
  readonly steps: readonly ScaleWorkloadStep[];
  readonly blocked: readonly Blocked[];
  readonly shrinking: readonly Shrink[];
  readonly status: readonly WorkloadStatus[];
};

export function planWorkloads(
  scheduled: readonly Workload[],
  desired: Readonly<Record<string, number | undefined>>,
  observed: readonly WorkloadObservation[],
): WorkloadPlan {
  const steps: ScaleWorkloadStep[] = [];
  const blocked: Blocked[] = [];
  const shrinking: Shrink[] = [];
  const status: WorkloadStatus[] = [];
  for (const workload of scheduled) {
    const found = observed.filter((o) => o.namespace === workload.namespace && o.name === workload.name && (!workload.kind || o.kind === workload.kind));
    if (found.length !== 1) {
      blocked.push(found.length === 0
        ? { code: 'workload-not-found', workload: workload.key, message: `${workload.key}: no ${workload.kind ?? 'Deployment or StatefulSet'} of that name` }
        : { code: 'workload-ambiguous', workload: workload.key, message: `${workload.key}: both a Deployment and a StatefulSet have that name; give its kind in the schedule` });
      continue;
    }
    const obs = found[0]!;
    const raw = own(desired, workload.key);
    if (raw !== undefined && (raw < workload.min || raw > workload.max)) {
      blocked.push({ code: 'workload-limits', workload: workload.key, message: `${workload.key}: ${raw} replicas is outside the schedule's limits ${workload.min}..${workload.max}` });
    }
    const wanted = raw === undefined ? undefined : Math.min(workload.max, Math.max(workload.min, raw));
    const step = planOne(workload.key, obs, wanted);
    if (step) steps.push(step);
    const expected = step?.expected ?? obs.replicas;
    if (expected < obs.replicas) shrinking.push({ workload: obs, deletions: obs.replicas - expected });
    status.push({ key: workload.key, expected, available: obs.availableReplicas });
  }
  return { steps, blocked, shrinking, status };
}

const recorded = (annotations: Readonly<Record<string, string>>, key: string): number | undefined => {
  const text = annotations[key];
  const value = text === undefined ? Number.NaN : Number(text);
  return Number.isInteger(value) && value >= 0 ? value : undefined;
};

const change = (from: number, to: number): Change | undefined => (from === to ? undefined : { from, to });

function planOne(key: string, obs: WorkloadObservation, wanted: number | undefined): ScaleWorkloadStep | undefined {
  const hpa = obs.hpa;
  const originalReplicas = recorded(obs.annotations, ORIGINAL_REPLICAS);
  const originalMin = hpa ? recorded(hpa.annotations, ORIGINAL_MIN) : undefined;
  const originalMax = hpa ? recorded(hpa.annotations, ORIGINAL_MAX) : undefined;
  const restore = wanted === undefined;
  const target = wanted ?? (hpa ? originalMin ?? originalReplicas : originalReplicas);
  if (target === undefined) return undefined; // no opinion and nothing to restore
  const workloadNotes: Record<string, string | null> = {};
  const hpaNotes: Record<string, string | null> = {};
  if (restore && originalReplicas !== undefined) workloadNotes[ORIGINAL_REPLICAS] = null;

  let replicas: Change | undefined;
  let hpaChange: ScaleWorkloadStep['hpa'];
  let expected: number;
  if (!hpa || target === 0) {
    replicas = change(obs.replicas, target);
    if (replicas && !restore && originalReplicas === undefined) workloadNotes[ORIGINAL_REPLICAS] = String(obs.replicas);
    expected = target;
  } else {
    const newMax = Math.max(target, originalMax ?? hpa.maxReplicas);
    const minReplicas = change(hpa.minReplicas, target);
    const maxReplicas = change(hpa.maxReplicas, newMax);
    if (minReplicas && !restore && originalMin === undefined) hpaNotes[ORIGINAL_MIN] = String(hpa.minReplicas);
    if (restore && originalMin !== undefined) hpaNotes[ORIGINAL_MIN] = null;
    if (newMax > hpa.maxReplicas && originalMax === undefined) hpaNotes[ORIGINAL_MAX] = String(hpa.maxReplicas);
    if (originalMax !== undefined && newMax === originalMax) hpaNotes[ORIGINAL_MAX] = null;
    // An HPA does nothing while its target has 0 replicas: start it again by hand.
    replicas = obs.replicas === 0 ? change(0, target) : undefined;
    // The step names its HPA whenever it touches it, bounds or only the recorded originals.
    hpaChange = minReplicas || maxReplicas || Object.keys(hpaNotes).length > 0 ? { name: hpa.name, minReplicas, maxReplicas } : undefined;
    expected = replicas ? target : Math.min(newMax, Math.max(target, obs.replicas));
  }
  if (!replicas && !hpaChange && Object.keys(workloadNotes).length + Object.keys(hpaNotes).length === 0) return undefined;
  const direction = expected < obs.replicas ? 'down' : expected > obs.replicas ? 'up' : 'adjust';
  return {
    kind: 'scale-workload',
    workload: { key, kind: obs.kind, namespace: obs.namespace, name: obs.name },
    direction,
    replicas,
    hpa: hpaChange,
    annotate: { workload: workloadNotes, hpa: hpaNotes },
    expected,
    reason: reasonFor(obs, target, expected, restore),
  };
}

function reasonFor(obs: WorkloadObservation, target: number, expected: number, restore: boolean): string {
  const why = restore ? `restore the value from before scalerd (${target})` : `the schedule wants ${target}`;
  if (!obs.hpa || target === 0) return `${why}; it has ${obs.replicas}`;
  return `${why}; its HPA ${obs.hpa.name} has min ${obs.hpa.minReplicas}, max ${obs.hpa.maxReplicas} and the workload ${obs.replicas} replicas (expected ${expected})`;
}

/** Is the pod one of the workload's (a Deployment's through its ReplicaSet)? */
export function belongsTo(pod: PodObservation, workload: Pick<WorkloadObservation, 'kind' | 'namespace' | 'name'>): boolean {
  if (pod.namespace !== workload.namespace || !pod.owner) return false;
  if (workload.kind === 'StatefulSet') return pod.owner.kind === 'StatefulSet' && pod.owner.name === workload.name;
  if (pod.owner.kind !== 'ReplicaSet') return false;
  const hash = pod.labels['pod-template-hash'];
  if (hash !== undefined) return pod.owner.name === `${workload.name}-${hash}`;
  const prefix = `${workload.name}-`;
  return pod.owner.name.startsWith(prefix) && !pod.owner.name.slice(prefix.length).includes('-');
}
