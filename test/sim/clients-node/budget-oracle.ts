// PodDisruptionBudget arithmetic computed in the test, independently of the simulator (it
// reads the objects, never the budgets' status): the disruption controller's counts
// (pkg/controller/disruption) and the eviction subresource's decision
// (pkg/registry/core/pod/storage/eviction.go), as upstream Kubernetes has them.

import type { KubeObject, Store } from '../../../src/sim/kube/store.js';

type Loose = Record<string, any>;

export type BudgetCounts = {
  readonly name: string;
  /** Selected pods that are Ready and not being deleted. */
  readonly healthy: number;
  readonly desired: number;
  readonly expected: number;
  /** currentHealthy − desiredHealthy, 0 when negative or when no pods are expected. */
  readonly allowed: number;
};

export type EvictionExpectation = {
  readonly code: 201 | 404 | 409 | 429 | 500;
  /** The budget guarding the pod, as counted just before the eviction. */
  readonly budget?: BudgetCounts;
  /** Whether the pod counted as healthy: only then may an eviction lower `healthy`. */
  readonly podHealthy: boolean;
};

const PDB = 'poddisruptionbudgets.policy';

export const isReady = (pod: KubeObject): boolean =>
  ((pod.status as Loose | undefined)?.conditions ?? []).some((c: Loose) => c.type === 'Ready' && c.status === 'True');

export const isHealthy = (pod: KubeObject): boolean => !pod.metadata.deletionTimestamp && isReady(pod);

/** matchLabels only: the budgets these tests make have nothing else. */
export function selectsPod(pdb: KubeObject, pod: KubeObject): boolean {
  const selector = ((pdb.spec as Loose).selector ?? {}) as { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  if (selector.matchExpressions?.length) throw new Error(`budget ${pdb.metadata.name}: the oracle does not do matchExpressions`);
  return pdb.metadata.namespace === pod.metadata.namespace && Object.entries(selector.matchLabels ?? {}).every(([k, v]) => pod.metadata.labels?.[k] === v);
}

const controllerOf = (object: KubeObject | undefined) => object?.metadata.ownerReferences?.find((o) => o.controller);

/**
 * The workload whose scale a pod counts against: a Deployment for its ReplicaSets' pods
 * (the disruption controller's getPodDeployment comes before getPodReplicaSet), else the
 * ReplicaSet or StatefulSet.
 */
function scaleOf(store: Store, pod: KubeObject): { uid: string; replicas: number } | undefined {
  const owner = controllerOf(pod);
  const namespace = pod.metadata.namespace;
  const replicasOf = (o: KubeObject | undefined) => (o ? { uid: o.metadata.uid, replicas: Number((o.spec as Loose).replicas ?? 1) } : undefined);
  if (owner?.kind === 'ReplicaSet') {
    const rs = store.get('replicasets.apps', namespace, owner.name);
    const deployment = controllerOf(rs);
    if (deployment?.kind === 'Deployment') return replicasOf(store.get('deployments.apps', namespace, deployment.name));
    return replicasOf(rs);
  }
  if (owner?.kind === 'StatefulSet') return replicasOf(store.get('statefulsets.apps', namespace, owner.name));
  return undefined;
}

/** int-or-percent of a total; percentages round up (GetScaledValueFromIntOrPercent, roundUp). */
const scaled = (value: number | string, total: number): number =>
  typeof value === 'number' ? value : Math.ceil((Number(value.replace('%', '')) * total) / 100);

export function countBudget(store: Store, pdb: KubeObject): BudgetCounts {
  const spec = pdb.spec as Loose;
  const pods = store.list('pods', pdb.metadata.namespace).filter((pod) => selectsPod(pdb, pod));
  const healthy = pods.filter(isHealthy).length;
  let expected = pods.length;
  if (spec.maxUnavailable !== undefined || (typeof spec.minAvailable === 'string' && spec.minAvailable.endsWith('%'))) {
    const controllers = new Map<string, number>();
    for (const pod of pods) {
      const scale = scaleOf(store, pod);
      if (scale) controllers.set(scale.uid, scale.replicas);
    }
    if (controllers.size > 0) expected = [...controllers.values()].reduce((a, b) => a + b, 0);
  }
  const desired = spec.maxUnavailable !== undefined ? Math.max(0, expected - scaled(spec.maxUnavailable, expected))
    : spec.minAvailable !== undefined ? scaled(spec.minAvailable, expected)
    : expected;
  const allowed = expected <= 0 || healthy - desired <= 0 ? 0 : healthy - desired;
  return { name: pdb.metadata.name, healthy, desired, expected, allowed };
}

export function guardingBudgets(store: Store, pod: KubeObject): KubeObject[] {
  return store.list(PDB, pod.metadata.namespace).filter((pdb) => selectsPod(pdb, pod));
}

/** What the eviction API must answer for this pod now. */
export function expectEviction(store: Store, namespace: string, name: string, uid: string | undefined): EvictionExpectation {
  const pod = store.get('pods', namespace, name);
  if (!pod) return { code: 404, podHealthy: false };
  if (uid !== undefined && uid !== pod.metadata.uid) return { code: 409, podHealthy: false };
  const podHealthy = isHealthy(pod);
  const phase = (pod.status as Loose | undefined)?.phase;
  // canIgnorePDB: terminal, pending or already deleting pods go without a budget check.
  if (phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp) return { code: 201, podHealthy };
  const budgets = guardingBudgets(store, pod);
  if (budgets.length > 1) return { code: 500, podHealthy };
  if (budgets.length === 0) return { code: 201, podHealthy };
  const budget = countBudget(store, budgets[0]!);
  // IfHealthyBudget: an unready pod may go while the budget is met, and something is required.
  if (!isReady(pod) && budget.healthy >= budget.desired && budget.desired > 0) return { code: 201, budget, podHealthy };
  return { code: budget.allowed > 0 ? 201 : 429, budget, podHealthy };
}
