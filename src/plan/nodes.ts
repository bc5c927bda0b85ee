// Which nodes may be chosen to leave: an ordered list of small named predicates, each
// returning a skip with its reason or nothing (no objection). The same list judges
// scalerd's own marked nodes: one that now fails a predicate is rolled back instead of
// resumed (an operator disabled scale-down on it, an unreplicated pod arrived, …).

import type { NodeObservation } from '../ports/observation.js';
import { SCALE_DOWN_DISABLED_ANNOTATION, type MarkReading } from './marks.js';
import type { Member } from './match.js';
import type { NodePods } from './pods.js';
import type { SkipCode } from './types.js';

export type NodeCandidate = {
  readonly group: string;
  readonly asg: string;
  readonly member: Member;
  readonly node: NodeObservation;
  readonly mark: MarkReading;
  readonly pods: NodePods;
};

export type NodeSkip = {
  readonly verdict: 'skip'; readonly code: SkipCode; readonly reason: string;
  /** blocking-pods: the first blocking pod's code (local-storage, unreplicated, safe-to-evict-false, …). */
  readonly podCode?: string;
};

/** undefined: no objection. */
export type NodePredicate = (candidate: NodeCandidate) => NodeSkip | undefined;

const skip = (code: SkipCode, reason: string): NodeSkip => ({ verdict: 'skip', code, reason });

export function scaleDownDisabled({ node }: NodeCandidate): NodeSkip | undefined {
  return node.annotations[SCALE_DOWN_DISABLED_ANNOTATION] === 'true'
    ? skip('scale-down-disabled', `annotated ${SCALE_DOWN_DISABLED_ANNOTATION}=true`)
    : undefined;
}

export function instanceNotInService({ member }: NodeCandidate): NodeSkip | undefined {
  const state = member.instance.lifecycleState;
  return state === 'InService' ? undefined : skip('not-in-service', `instance ${member.instance.id} is ${state}, not InService`);
}

export function protectedFromScaleIn({ member }: NodeCandidate): NodeSkip | undefined {
  return member.instance.protectedFromScaleIn ? skip('protected', `instance ${member.instance.id} is protected from scale-in`) : undefined;
}

export function markedByOther({ mark }: NodeCandidate): NodeSkip | undefined {
  return mark.kind === 'other' ? skip('marked-by-other', `being removed by ${mark.owner || 'another owner'}`) : undefined;
}

/** Someone else cordoned it (maintenance?): not scalerd's to finish or to undo. */
export function cordonedByOther({ node, mark }: NodeCandidate): NodeSkip | undefined {
  return node.unschedulable && mark.kind === 'none' ? skip('cordoned-by-other', 'cordoned, not by scalerd') : undefined;
}

/**
 * A node that is not Ready is the cheapest victim when nothing on it must move (it gives
 * no capacity); with pods to move it is skipped: its kubelet cannot stop them gracefully,
 * so a drain would only wait for its deadline (and a partitioned node may still serve).
 */
export function notReadyWithPods({ node, pods }: NodeCandidate): NodeSkip | undefined {
  if (node.ready || pods.evict.length === 0) return undefined;
  return skip('not-ready', `not Ready with ${pods.evict.length} pod(s) to move: its kubelet cannot evict them gracefully`);
}

export function blockingPods({ pods }: NodeCandidate): NodeSkip | undefined {
  const first = pods.block[0];
  if (!first) return undefined;
  const more = pods.block.length > 1 ? ` (and ${pods.block.length - 1} more)` : '';
  return { ...skip('blocking-pods', `pod ${first.pod.namespace}/${first.pod.name} ${first.status.message}${more}`), podCode: first.status.code };
}

export const NODE_PREDICATES: readonly NodePredicate[] = [
  scaleDownDisabled,
  instanceNotInService,
  protectedFromScaleIn,
  markedByOther,
  cordonedByOther,
  notReadyWithPods,
  blockingPods,
];

export function judgeNode(candidate: NodeCandidate, extra: readonly NodePredicate[] = []): NodeSkip | undefined {
  for (const predicate of [...NODE_PREDICATES, ...extra]) {
    const verdict = predicate(candidate);
    if (verdict) return verdict;
  }
  return undefined;
}
