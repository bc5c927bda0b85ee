// PodDisruptionBudget status, computed the way the disruption controller does: pods
// the budget selects, the pods their controllers expect, and how many may go now.

import { parseLabelSelector } from './selectors.js';
import type { KubeObject } from './store.js';

type Loose = Record<string, any>;

export type PdbStatus = {
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  disruptionsAllowed: number;
  observedGeneration: number;
};

/** Whether a budget selects a pod: same namespace and label selector (in policy/v1 an empty selector selects every pod). */
export function selects(pdb: KubeObject, pod: KubeObject): boolean {
  if (pdb.metadata.namespace !== pod.metadata.namespace) return false;
  return selectorMatcher(pdb)(pod);
}

const matchers = new WeakMap<KubeObject, (pod: KubeObject) => boolean>();

function selectorMatcher(pdb: KubeObject): (pod: KubeObject) => boolean {
  let matcher = matchers.get(pdb);
  if (!matcher) {
    matcher = labelSelectorMatcher((pdb.spec as Loose | undefined)?.selector ?? {});
    matchers.set(pdb, matcher);
  }
  return matcher;
}

type LabelSelector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };

/** A metav1.LabelSelector as a matcher of objects' labels, through the label selector syntax's parser. */
export function labelSelectorMatcher(selector: LabelSelector): (object: KubeObject) => boolean {
  const parts = [
    ...Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(selector.matchExpressions ?? []).map((e) =>
      e.operator === 'In' ? `${e.key} in (${(e.values ?? []).join(',')})`
      : e.operator === 'NotIn' ? `${e.key} notin (${(e.values ?? []).join(',')})`
      : e.operator === 'Exists' ? e.key : `!${e.key}`),
  ];
  return parseLabelSelector(parts.join(','));
}

export function isPodReady(pod: KubeObject): boolean {
  const conditions = ((pod.status as Loose | undefined)?.conditions ?? []) as { type: string; status: string }[];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

export function isHealthy(pod: KubeObject): boolean {
  return !pod.metadata.deletionTimestamp && isPodReady(pod);
}

/** An int-or-percent against a total; percentages round up, as the controller does. */
function resolve(value: number | string, total: number): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  return m ? Math.ceil((Number(m[1]) * total) / 100) : Number(value);
}

/**
 * @param pods the pods in the budget's namespace
 * @param scaleOf the replicas a pod's controller wants (by the controller owner of the pod), for percentages and maxUnavailable
 */
export function computePdbStatus(pdb: KubeObject, pods: readonly KubeObject[], scaleOf: (pod: KubeObject) => { key: string; replicas: number } | undefined): PdbStatus {
  const spec = (pdb.spec ?? {}) as Loose;
  const selected = pods.filter((pod) => selects(pdb, pod) && !isTerminal(pod));
  const currentHealthy = selected.filter(isHealthy).length;
  let expectedPods = selected.length;
  const needsScale = spec.maxUnavailable !== undefined || (typeof spec.minAvailable === 'string' && spec.minAvailable.endsWith('%'));
  if (needsScale) {
    const controllers = new Map<string, number>();
    for (const pod of selected) {
      const scale = scaleOf(pod);
      if (scale) controllers.set(scale.key, scale.replicas);
    }
    if (controllers.size > 0) expectedPods = [...controllers.values()].reduce((a, b) => a + b, 0);
  }
  let desiredHealthy: number;
  if (spec.maxUnavailable !== undefined) desiredHealthy = Math.max(0, expectedPods - resolve(spec.maxUnavailable, expectedPods));
  else if (spec.minAvailable !== undefined) desiredHealthy = resolve(spec.minAvailable, expectedPods);
  else desiredHealthy = expectedPods; // neither set: no voluntary disruption
  return {
    currentHealthy,
    desiredHealthy,
    expectedPods,
    // As the disruption controller: none while no pods are expected (a budget whose workload
    // was scaled to zero, or whose pods have not appeared yet), whatever is running.
    disruptionsAllowed: expectedPods <= 0 ? 0 : Math.max(0, currentHealthy - desiredHealthy),
    observedGeneration: pdb.metadata.generation ?? 1,
  };
}

export function isTerminal(pod: KubeObject): boolean {
  const phase = (pod.status as Loose | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}
