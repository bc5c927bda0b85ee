// PodDisruptionBudgets as numbers (STYLE.md 5): computed once per reconcile from the
// observation, looked up per pod, and summed over the plan's moving pods.
//
// The planner does not limit how many nodes drain in parallel by these numbers. The
// apiserver enforces every budget atomically (429 when it allows nothing), and a budget
// refills as evicted pods become Ready elsewhere, so a drain of N nodes takes as long as
// its slowest budget's waves whether the nodes start together or one per reconcile;
// starting them together is what makes scalerd faster than a node-by-node drain. What the
// planner does with the numbers:
// - a pod whose budget can never allow a disruption (desiredHealthy ≥ expectedPods > 0,
//   e.g. minAvailable 100 %) blocks its node, so another node is chosen instead of one
//   that would wait for its deadline and roll back;
// - among candidates as good otherwise, nodes with fewer pods behind an exhausted budget
//   go first (they can start draining now);
// - the plan reports each budget's `allowedNow`, pods `toEvict` and `waves`, and every
//   moving pod names its budget, so the actuator can pace evictions per budget
//   (evict at most allowedNow at a time, decrement as it evicts) instead of provoking 429s.

import type { PdbObservation, PodObservation } from '../ports/observation.js';
import { selectorMatches } from './selectors.js';
import type { BudgetUse, MovingPod } from './types.js';

export type Budget = {
  readonly key: string;
  readonly pdb: PdbObservation;
  /** max(0, disruptionsAllowed): fail closed. */
  readonly allowedNow: number;
  /** It can never allow a disruption as it stands. */
  readonly never: boolean;
};

export type Budgets = {
  readonly all: readonly Budget[];
  /** The budgets that select a pod (more than one: the eviction API refuses the pod). */
  of(pod: PodObservation): readonly Budget[];
};

export function pdbKey(pdb: { readonly namespace: string; readonly name: string }): string {
  return `${pdb.namespace}/${pdb.name}`;
}

export function computeBudgets(pdbs: readonly PdbObservation[]): Budgets {
  const all = [...pdbs]
    .sort((a, b) => pdbKey(a).localeCompare(pdbKey(b)))
    .map((pdb): Budget => {
      const allowed = Number.isFinite(pdb.disruptionsAllowed) ? Math.max(0, Math.floor(pdb.disruptionsAllowed)) : 0;
      return { key: pdbKey(pdb), pdb, allowedNow: allowed, never: allowed === 0 && pdb.expectedPods > 0 && pdb.desiredHealthy >= pdb.expectedPods };
    });
  const byNamespace = new Map<string, Budget[]>();
  for (const budget of all) byNamespace.set(budget.pdb.namespace, [...(byNamespace.get(budget.pdb.namespace) ?? []), budget]);
  return {
    all,
    of: (pod) => (byNamespace.get(pod.namespace) ?? []).filter((b) => selectorMatches(b.pdb.selector, pod.labels)),
  };
}

/** How the plan's moving pods draw on each budget; only budgets that select one of them. */
export function budgetUse(budgets: Budgets, moving: readonly MovingPod[]): BudgetUse[] {
  const counts = new Map<string, number>();
  for (const pod of moving) if (pod.budget) counts.set(pod.budget, (counts.get(pod.budget) ?? 0) + 1);
  return budgets.all.flatMap((b) => {
    const toEvict = counts.get(b.key);
    if (!toEvict) return [];
    return [{ budget: b.key, allowedNow: b.allowedNow, toEvict, waves: b.allowedNow > 0 ? Math.ceil(toEvict / b.allowedNow) : undefined }];
  });
}
