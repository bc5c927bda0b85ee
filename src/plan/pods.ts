// Which pods of a node must move, which stay, and which keep the node: an ordered list of
// small named predicates, kubectl filters.go style. The first predicate with an opinion
// decides; a pod no predicate claims is evicted. The actuator classifies the pods it
// re-lists with the same `classifyPod`, so planner and actuator never disagree.

import type { PodObservation } from '../ports/observation.js';
import type { Budgets } from './budgets.js';
import { SAFE_TO_EVICT_ANNOTATION } from './marks.js';
import type { PlanOptions } from './options.js';
import type { MovingPod } from './types.js';

/** `evict`: must move before the node goes. `skip`: stays and goes with the node. `block`: the node cannot be drained. */
export type PodVerdict = 'evict' | 'skip' | 'block';

export type PodStatus = { readonly verdict: PodVerdict; readonly code: string; readonly message: string };

export type PodContext = {
  readonly now: number;
  readonly options: Pick<PlanOptions, 'pods' | 'terminatingSlackMs' | 'extraPodPredicates'>;
  readonly budgets: Budgets;
};

/** undefined: no opinion, ask the next predicate. */
export type PodPredicate = (pod: PodObservation, ctx: PodContext) => PodStatus | undefined;

const skip = (code: string, message: string): PodStatus => ({ verdict: 'skip', code, message });
const block = (code: string, message: string): PodStatus => ({ verdict: 'block', code, message });

export function mirrorPod(pod: PodObservation): PodStatus | undefined {
  return pod.mirror ? skip('mirror', 'a static pod mirrored by the kubelet') : undefined;
}

/** Stuck terminating past its grace period (plus slack): the kubelet will not finish it; ignore it (CA rule 2). */
export function terminatingPastGrace(pod: PodObservation, ctx: PodContext): PodStatus | undefined {
  if (pod.deletionTimestamp === undefined) return undefined;
  const limit = pod.deletionTimestamp + pod.terminationGracePeriodSeconds * 1000 + ctx.options.terminatingSlackMs;
  return ctx.now > limit ? skip('terminating', `terminating for longer than its grace period of ${pod.terminationGracePeriodSeconds} s`) : undefined;
}

/** Succeeded or Failed: nothing runs, nothing needs room elsewhere. */
export function terminalPod(pod: PodObservation): PodStatus | undefined {
  return pod.phase === 'Succeeded' || pod.phase === 'Failed' ? skip('terminal', `phase ${pod.phase}`) : undefined;
}

export function daemonSetPod(pod: PodObservation): PodStatus | undefined {
  return pod.owner?.kind === 'DaemonSet' ? skip('daemonset', `managed by DaemonSet ${pod.owner.name}`) : undefined;
}

export function safeToEvictFalse(pod: PodObservation, ctx: PodContext): PodStatus | undefined {
  if (pod.annotations[SAFE_TO_EVICT_ANNOTATION] !== 'false' || ctx.options.pods.ignoreSafeToEvictFalse) return undefined;
  return block('safe-to-evict-false', `annotated ${SAFE_TO_EVICT_ANNOTATION}=false`);
}

/** No controller: evicted, it is gone for good. */
export function unreplicatedPod(pod: PodObservation, ctx: PodContext): PodStatus | undefined {
  if (pod.owner !== undefined || ctx.options.pods.evictUnreplicated) return undefined;
  return block('unreplicated', 'not managed by a controller: evicted, nothing recreates it');
}

export function localStoragePod(pod: PodObservation, ctx: PodContext): PodStatus | undefined {
  if (!pod.localStorage || ctx.options.pods.evictLocalStorage) return undefined;
  return block('local-storage', 'uses local storage (emptyDir on disk or hostPath) that would be lost');
}

/** The eviction API answers 500 for such a pod, every time: fail fast, choose another node. */
export function multipleBudgets(pod: PodObservation, ctx: PodContext): PodStatus | undefined {
  const budgets = ctx.budgets.of(pod);
  if (budgets.length < 2) return undefined;
  return block('multiple-budgets', `selected by ${budgets.length} PodDisruptionBudgets (${budgets.map((b) => b.key).join(', ')}): the eviction API refuses it`);
}

export function budgetNeverAllows(pod: PodObservation, ctx: PodContext): PodStatus | undefined {
  const budget = ctx.budgets.of(pod).find((b) => b.never);
  if (!budget) return undefined;
  const { desiredHealthy, expectedPods } = budget.pdb;
  return block('budget-never-allows', `PodDisruptionBudget ${budget.key} never allows a disruption (desiredHealthy ${desiredHealthy} ≥ expectedPods ${expectedPods})`);
}

/**
 * In order. Skips come first: a DaemonSet pod with local storage stays on its node and
 * blocks nothing; a stuck terminating pod with no controller blocks nothing either.
 */
export const POD_PREDICATES: readonly PodPredicate[] = [
  mirrorPod,
  terminatingPastGrace,
  terminalPod,
  daemonSetPod,
  safeToEvictFalse,
  unreplicatedPod,
  localStoragePod,
  multipleBudgets,
  budgetNeverAllows,
];

export function classifyPod(pod: PodObservation, ctx: PodContext): PodStatus {
  for (const predicate of [...POD_PREDICATES, ...ctx.options.extraPodPredicates]) {
    const status = predicate(pod, ctx);
    if (status) return status;
  }
  return { verdict: 'evict', code: 'evict', message: 'evict' };
}

export type ClassifiedPod = { readonly pod: PodObservation; readonly status: PodStatus };

/** A node's pods sorted into the three verdicts (kubectl's PodDeleteList). */
export type NodePods = {
  readonly evict: readonly ClassifiedPod[];
  readonly skip: readonly ClassifiedPod[];
  readonly block: readonly ClassifiedPod[];
};

export function classifyNodePods(pods: readonly PodObservation[], ctx: PodContext): NodePods {
  const sorted = [...pods].sort(comparePods);
  const all = sorted.map((pod) => ({ pod, status: classifyPod(pod, ctx) }));
  return {
    evict: all.filter((c) => c.status.verdict === 'evict'),
    skip: all.filter((c) => c.status.verdict === 'skip'),
    block: all.filter((c) => c.status.verdict === 'block'),
  };
}

export function podKey(pod: { readonly namespace: string; readonly name: string }): string {
  return `${pod.namespace}/${pod.name}`;
}

export function comparePods(a: PodObservation, b: PodObservation): number {
  return podKey(a).localeCompare(podKey(b)) || a.uid.localeCompare(b.uid);
}

const CRITICAL_CLASSES = new Set(['system-cluster-critical', 'system-node-critical']);

export function movingPod(pod: PodObservation, budgets: Budgets): MovingPod {
  return {
    namespace: pod.namespace,
    name: pod.name,
    uid: pod.uid,
    tier: pod.priorityClassName !== undefined && CRITICAL_CLASSES.has(pod.priorityClassName) ? 'critical' : 'ordinary',
    budget: budgets.of(pod)[0]?.key,
    requests: pod.requests,
  };
}
