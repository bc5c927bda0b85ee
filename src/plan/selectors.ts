// Kubernetes matching rules the planner needs: label selectors (PDBs), taints and
// tolerations, nodeSelector. Same semantics as k8s.io/apimachinery labels and
// k8s.io/api/core/v1 toleration.go.
// The simulator has its own copy of these rules (src/sim/cluster/placement.ts) on
// purpose: it is the oracle the planner is tested against, written from the Kubernetes
// sources independently, so a mistake here cannot hide by being shared.

import type { LabelSelector, Taint, Toleration } from '../ports/observation.js';

type Labels = Readonly<Record<string, string>>;

/** policy/v1: an empty selector selects every pod of the namespace. */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((r) => {
    const value = labels[r.key];
    const values = r.values ?? [];
    switch (r.operator) {
      case 'In': return value !== undefined && values.includes(value);
      case 'NotIn': return value === undefined || !values.includes(value);
      case 'Exists': return value !== undefined;
      case 'DoesNotExist': return value === undefined;
      default: return false;
    }
  });
}

export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? 'Equal') {
    case 'Exists': return true;
    case 'Equal': return (toleration.value ?? '') === (taint.value ?? '');
    default: return false; // an operator the API server would have rejected tolerates nothing
  }
}

/** The first NoSchedule/NoExecute taint none of the tolerations covers. */
export function untoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | undefined {
  return taints.find((taint) => taint.effect !== 'PreferNoSchedule' && !tolerations.some((t) => tolerates(t, taint)));
}

export function nodeSelectorMatches(nodeSelector: Labels, labels: Labels): boolean {
  return Object.entries(nodeSelector).every(([key, value]) => labels[key] === value);
}

export function formatTaint(taint: Taint): string {
  return `${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`;
}

export function formatSelector(labels: Labels): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}
