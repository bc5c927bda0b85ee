// The planner's options, their defaults, and an eager check for start-up (the daemon and
// the CLI turn problems into a configuration error before the first reconcile).

import type { NodePredicate } from './nodes.js';
import type { PodPredicate } from './pods.js';

/** Pods that block their node unless the policy allows evicting them anyway. */
export type PodPolicy = {
  /** Pods with no controller (nothing recreates them elsewhere). */
  readonly evictUnreplicated: boolean;
  /** Pods with an emptyDir not in memory, or a hostPath (their data is lost). */
  readonly evictLocalStorage: boolean;
  /** Pods annotated scalerd.io/safe-to-evict=false. */
  readonly ignoreSafeToEvictFalse: boolean;
};

export type PlanOptions = {
  /** Written into scalerd's taint value and annotation; a valid label value. */
  readonly owner: string;
  /** New victims (drain-node steps) per reconcile, over all groups; resumed nodes do not count. */
  readonly maxNodeRemovals: number;
  /** Never-joined instances terminated per reconcile (cluster-autoscaler#6795 shrank a group to 0). */
  readonly maxUnjoinedTerminations: number;
  /** An instance without a Ready node this long after launch is terminated (CA/Karpenter: 15 min). */
  readonly registrationTimeoutMs: number;
  /** A pod terminating longer than its grace period plus this is ignored (CA: 30 s). */
  readonly terminatingSlackMs: number;
  /** A group that loses instances while AZRebalance runs: suspend it, refuse to remove, or go ahead. */
  readonly azRebalance: 'suspend' | 'refuse' | 'ignore';
  readonly pods: PodPolicy;
  /** No node leaves while more than this share of managed nodes, and more than `count`, are not Ready (CA: 45 %, 3). */
  readonly unhealthy: { readonly fraction: number; readonly count: number };
  /** Appended to the built-in predicates; the first non-`evict`/non-`eligible` verdict wins. */
  readonly extraPodPredicates: readonly PodPredicate[];
  readonly extraNodePredicates: readonly NodePredicate[];
};

export type PlanOptionsInput = Partial<Omit<PlanOptions, 'pods' | 'unhealthy'>> & {
  readonly pods?: Partial<PodPolicy>;
  readonly unhealthy?: Partial<PlanOptions['unhealthy']>;
};

export const DEFAULT_PLAN_OPTIONS: PlanOptions = {
  owner: 'scalerd',
  maxNodeRemovals: 10,
  maxUnjoinedTerminations: 10,
  registrationTimeoutMs: 15 * 60_000,
  terminatingSlackMs: 30_000,
  azRebalance: 'suspend',
  pods: { evictUnreplicated: false, evictLocalStorage: false, ignoreSafeToEvictFalse: false },
  unhealthy: { fraction: 0.45, count: 3 },
  extraPodPredicates: [],
  extraNodePredicates: [],
};

export function resolveOptions(input: PlanOptionsInput = {}): PlanOptions {
  return {
    ...DEFAULT_PLAN_OPTIONS,
    ...input,
    pods: { ...DEFAULT_PLAN_OPTIONS.pods, ...input.pods },
    unhealthy: { ...DEFAULT_PLAN_OPTIONS.unhealthy, ...input.unhealthy },
  };
}

const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;

/** Problems with the options, one sentence each; empty when they are usable. */
export function checkPlanOptions(input: PlanOptionsInput): string[] {
  const o = resolveOptions(input);
  const problems: string[] = [];
  if (!LABEL_VALUE.test(o.owner)) problems.push(`owner ${JSON.stringify(o.owner)} is not a valid label value (1–63 letters, digits, '-', '_', '.')`);
  const count = (name: string, value: number, min: number) => {
    if (!Number.isInteger(value) || value < min) problems.push(`${name} must be an integer ≥ ${min}, not ${value}`);
  };
  count('maxNodeRemovals', o.maxNodeRemovals, 0);
  count('maxUnjoinedTerminations', o.maxUnjoinedTerminations, 0);
  count('registrationTimeoutMs', o.registrationTimeoutMs, 1);
  count('terminatingSlackMs', o.terminatingSlackMs, 0);
  count('unhealthy.count', o.unhealthy.count, 0);
  if (!(o.unhealthy.fraction >= 0 && o.unhealthy.fraction <= 1)) problems.push(`unhealthy.fraction must be within 0..1, not ${o.unhealthy.fraction}`);
  if (!['suspend', 'refuse', 'ignore'].includes(o.azRebalance)) problems.push(`azRebalance must be suspend, refuse or ignore, not ${o.azRebalance}`);
  return problems;
}
