// Victim choice for a shrinking group, one node at a time:
// 1. scalerd's own marked nodes first, most advanced phase first: they are already
//    cordoned, partly drained, and were chosen with zones in mind;
// 2. then, among the eligible nodes of the zones that have the most nodes of the group
//    left (so zones stay balanced: AZRebalance, suspended or not, would otherwise fight
//    the shape scalerd leaves), the cheapest: not Ready and empty (no capacity lost),
//    then empty (only DaemonSet/mirror pods), then the fewest pods to move, then the
//    fewest pods behind an exhausted budget, then by name;
// 3. every pick must place the pods that leave it in the room the nodes that stay have
//    left (fit.ts, incrementally); a node whose pods do not fit is passed over and the
//    next one tried, so the plan removes fewer nodes rather than strand pods;
// 4. the cap counts new victims only: resumed nodes are work already under way.

import type { NodeObservation, PodObservation } from '../ports/observation.js';
import { occupies, type PlanContext } from './context.js';
import { fitNode, fitPod, makePacker, type FitResult } from './fit.js';
import { plural } from './format.js';
import { PHASES, SCALE_DOWN_TAINT, type Mark } from './marks.js';
import type { Member } from './match.js';
import { judgeNode, type NodeCandidate } from './nodes.js';
import type { Blocked, NotChosen } from './types.js';
import { belongsTo, type Shrink } from './workloads.js';

/** The nodes leaving in this plan, across groups, and the per-reconcile allowances left. */
export type Selection = {
  capLeft: number;
  unjoinedLeft: number;
  /** Takes `node` if the pods that must leave it fit in the room left; all or nothing. */
  take(node: NodeObservation): FitResult;
  /** A marked node the plan rolls back: once uncordoned it takes pods again. */
  addDestination(node: NodeObservation): void;
  /** The pods a taken node hands to the others (its own scale-downs deducted). */
  movingOf(node: string): readonly PodObservation[] | undefined;
  /** Where the taken nodes' pods go: the witness that they fit. */
  placement(): ReadonlyMap<string, string>;
};

/**
 * The pods that must leave `node`, less those the plan's workload scale-downs remove: a
 * shrinking workload is modelled as losing its pods on leaving nodes first, in the order
 * the nodes are taken. Its pods are interchangeable (one template), so whichever pods its
 * controller really deletes, the survivors need no more room than this.
 */
export function makeSelection(ctx: PlanContext, shrinking: readonly Shrink[]): Selection {
  const moving = new Map<string, PodObservation[]>();
  const deletionsLeft = new Map(shrinking.map((s) => [s, s.deletions]));
  const packer = makePacker(ctx.destinations);
  // IMPORTANT: pods waiting to be scheduled need room too. Counting only bound pods let
  // the next reconcile remove the node that a just-evicted pod's replacement, still
  // Pending, was about to use. They are placed first; if they do not fit even now, no
  // node may leave.
  const waiting = ctx.observation.pods.filter((p) => p.nodeName === undefined && p.phase === 'Pending' && p.deletionTimestamp === undefined && p.owner?.kind !== 'DaemonSet');
  const waitingFit = waiting.length > 0 ? packer.tryPlace(waiting.map(fitPod)) : undefined;
  const noRoomForWaiting = waitingFit && !waitingFit.ok
    ? { ...waitingFit, message: `${waiting.length} pending pod(s) already lack room on the nodes that stay: ${waitingFit.message}` }
    : undefined;
  return {
    capLeft: ctx.options.maxNodeRemovals,
    unjoinedLeft: ctx.options.maxUnjoinedTerminations,
    take(node) {
      if (noRoomForWaiting) return noRoomForWaiting;
      const left = new Map(deletionsLeft);
      const pods = ctx.nodePods(node.name).evict.map((c) => c.pod).filter((pod) => {
        const shrink = shrinking.find((s) => (left.get(s) ?? 0) > 0 && belongsTo(pod, s.workload));
        if (shrink) left.set(shrink, left.get(shrink)! - 1);
        return !shrink;
      });
      const result = packer.tryPlace(pods.map(fitPod), node.name);
      if (result.ok) {
        for (const [s, n] of left) deletionsLeft.set(s, n);
        moving.set(node.name, pods);
      }
      return result;
    },
    addDestination(node) {
      const member = ctx.matching.memberOfNode.get(node.name);
      if (!ctx.canServe(node) || (member && member.instance.lifecycleState !== 'InService')) return;
      const unmarked = { ...node, taints: node.taints.filter((t) => t.key !== SCALE_DOWN_TAINT) };
      packer.addNode(fitNode(unmarked, ctx.podsOn(node.name).filter((p) => occupies(p, ctx.now, ctx.options.terminatingSlackMs))));
    },
    movingOf: (node) => moving.get(node),
    placement: () => packer.placement(),
  };
}

export type Candidate = NodeCandidate & { readonly zone: string; readonly ours: Mark | undefined };

export type Choice = {
  readonly resumed: readonly Candidate[];
  readonly drained: readonly Candidate[];
  readonly rolledBack: readonly { readonly candidate: Candidate; readonly reason: string }[];
  readonly notChosen: readonly NotChosen[];
  readonly blocked: Blocked | undefined;
};

export type ChoiceArgs = {
  readonly group: string;
  readonly asg: string;
  readonly need: number;
  /** scalerd's marked nodes that may still be rolled back. */
  readonly marked: readonly Member[];
  /** Every other member with a node (ineligible ones end in notChosen with their reason). */
  readonly others: readonly Member[];
  /** Members that stay counted in the group, per zone, before this choice. */
  readonly zoneCounts: ReadonlyMap<string, number>;
};

export function chooseVictims(ctx: PlanContext, sel: Selection, args: ChoiceArgs): Choice {
  const { group, asg } = args;
  const candidate = (member: Member): Candidate => {
    const node = member.node!;
    const mark = ctx.markOf(node);
    return { group, asg, member, node, mark, pods: ctx.nodePods(node.name), zone: member.instance.zone, ours: mark.kind === 'ours' ? mark.mark : undefined };
  };
  const rolledBack: { candidate: Candidate; reason: string }[] = [];
  const rollBack = (c: Candidate, reason: string) => {
    rolledBack.push({ candidate: c, reason });
    sel.addDestination(c.node);
  };
  const notChosen: NotChosen[] = [];
  const skipped = new Map<string, number>();
  const marked: Candidate[] = [];
  for (const c of args.marked.map(candidate).sort(byPhase)) {
    const verdict = judgeNode(c, ctx.options.extraNodePredicates);
    if (verdict) rollBack(c, `it cannot be removed now: ${verdict.reason}`);
    else marked.push(c);
  }
  const pool: Candidate[] = [];
  for (const c of args.others.map(candidate)) {
    const verdict = judgeNode(c, ctx.options.extraNodePredicates);
    if (!verdict) pool.push(c);
    else {
      notChosen.push({ ...skipOf(c, verdict.code, verdict.reason), ...(verdict.podCode !== undefined ? { podCode: verdict.podCode } : {}) });
      skipped.set(verdict.code, (skipped.get(verdict.code) ?? 0) + 1);
    }
  }
  sortByCost(ctx, pool);

  const zones = new Map(args.zoneCounts);
  const resumed: Candidate[] = [];
  const drained: Candidate[] = [];
  let need = args.need;
  let capHit = false;
  let lastFit: string | undefined;
  while (need > 0) {
    let next = marked.shift();
    if (!next) {
      if (pool.length === 0) break;
      if (sel.capLeft <= 0) {
        capHit = true;
        break;
      }
      const most = Math.max(...pool.map((c) => zones.get(c.zone) ?? 0));
      next = pool.splice(pool.findIndex((c) => (zones.get(c.zone) ?? 0) === most), 1)[0]!;
    }
    const fit = sel.take(next.node);
    if (!fit.ok) {
      lastFit = fit.message;
      if (next.ours) rollBack(next, `its pods do not fit on the nodes that stay: ${fit.message}`);
      else notChosen.push(skipOf(next, 'no-fit', `its pods do not fit on the nodes that stay: ${fit.message}`));
      continue;
    }
    zones.set(next.zone, (zones.get(next.zone) ?? 0) - 1);
    need -= 1;
    if (next.ours) resumed.push(next);
    else {
      drained.push(next);
      sel.capLeft -= 1;
    }
  }
  for (const c of marked) rollBack(c, `not needed: ${group} reaches its target without it`);
  // With the cap reached, the next `need` candidates (by cost) wait for it; the rest are not needed.
  pool.forEach((c, i) => notChosen.push(capHit && i < need
    ? skipOf(c, 'cap', `the cap of ${plural(ctx.options.maxNodeRemovals, 'new removal')} per reconcile is reached`)
    : skipOf(c, 'not-needed', `not needed: ${group} reaches its target without it`)));
  const done = args.need - need;
  let blocked: Blocked | undefined;
  if (need > 0) {
    const head = `${group}: removing ${done} of ${args.need} nodes`;
    blocked = capHit
      ? { code: 'cap', group, message: `${head}: at most ${plural(ctx.options.maxNodeRemovals, 'new removal')} per reconcile; the rest next time` }
      : lastFit !== undefined
        ? { code: 'no-fit', group, message: `${head}: pods do not fit: ${lastFit}` }
        : { code: 'no-candidate', group, message: `${head}: no other node can go${describeSkips(skipped)}` };
  }
  return { resumed, drained, rolledBack, notChosen, blocked };
}

const byPhase = (a: Candidate, b: Candidate): number =>
  PHASES.indexOf(b.ours!.phase) - PHASES.indexOf(a.ours!.phase) || a.node.name.localeCompare(b.node.name);

/** Cheapest first: not Ready and empty, then empty, then fewest pods to move, then fewest behind an exhausted budget, then name. */
function sortByCost(ctx: PlanContext, pool: Candidate[]): void {
  const keys = new Map(pool.map((c) => {
    const zeroBudget = c.pods.evict.filter(({ pod }) => ctx.budgets.of(pod).some((b) => b.allowedNow === 0)).length;
    return [c, [c.node.ready || c.pods.evict.length > 0 ? 1 : 0, c.pods.evict.length, zeroBudget] as const];
  }));
  pool.sort((a, b) => {
    const [ka, kb] = [keys.get(a)!, keys.get(b)!];
    return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2] || a.node.name.localeCompare(b.node.name);
  });
}

function skipOf(c: Candidate, code: NotChosen['code'], reason: string): NotChosen {
  return { group: c.group, node: c.node.name, instanceId: c.member.instance.id, zone: c.zone, code, reason };
}

function describeSkips(skipped: ReadonlyMap<string, number>): string {
  if (skipped.size === 0) return '';
  const parts = [...skipped.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([code, n]) => `${n} ${code}`);
  return ` (${parts.join(', ')})`;
}
