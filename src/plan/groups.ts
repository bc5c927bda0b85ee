// One node group: from its ASG, its members and the desired capacity to the group's node
// steps. The arithmetic, with D the group's observed DesiredCapacity:
//
//   leaving   scalerd's marked nodes in phase `terminating` (or whose instance is already
//             terminating): resumed, never rolled back, never chosen;
//   set aside scalerd's marked nodes whose instance someone else took out of service
//             (Standby, Detaching): rolled back before `terminating`; from `terminating`
//             left marked and waited for, since AWS never accepted the termination
//             (the instance would be Terminating), and finished once it is back;
//   unjoined  instances past their registration deadline: terminated by id (unjoined.ts);
//   base      D − leaving(counted) − unjoined: the group once those are gone. scalerd's
//             other marked nodes are still in it: they are the first candidates to go,
//             and rolling them back costs nothing;
//   target    the desired capacity within floor..ceiling;
//   need      base − target: > 0 → choose that many victims (marked first, select.ts);
//             ≤ 0 → roll back every marked node, then scale up by −need.
//
// Every removal terminates with ShouldDecrementDesiredCapacity, so D follows; nothing
// ever sets D downward.

import type { GroupObservation } from '../ports/observation.js';
import type { NodeGroup } from '../schedule/types.js';
import type { PlanContext } from './context.js';
import { plural } from './format.js';
import { AZ_REBALANCE, type Mark } from './marks.js';
import { isCounted, isGoing, type Member } from './match.js';
import { chooseVictims, type Selection } from './select.js';
import { drainStep, resumeStep, rollbackStep } from './steps.js';
import type {
  Blocked, DrainNodeStep, GroupSummary, NotChosen, ResumeNodeStep, RollbackNodeStep, ScaleUpStep, SuspendProcessesStep, TerminateUnjoinedStep,
} from './types.js';
import { pickUnjoined } from './unjoined.js';

export type GroupResult = {
  readonly suspend: readonly SuspendProcessesStep[];
  readonly rollback: readonly RollbackNodeStep[];
  readonly unjoined: readonly TerminateUnjoinedStep[];
  readonly scaleUp: readonly ScaleUpStep[];
  readonly resume: readonly ResumeNodeStep[];
  readonly drain: readonly DrainNodeStep[];
  readonly notChosen: readonly NotChosen[];
  readonly blocked: readonly Blocked[];
  readonly waiting: readonly string[];
  readonly summary: GroupSummary | undefined;
};

export type Health = { readonly unhealthy: boolean; readonly message: string };

export type GroupArgs = {
  readonly group: NodeGroup;
  readonly observed: GroupObservation | undefined;
  /** The desired capacity; undefined: no opinion, the group is left alone. */
  readonly desired: number | undefined;
  readonly health: Health;
};

/** What a group's phases write into. */
type Out = {
  readonly blocked: Blocked[];
  readonly waiting: string[];
  readonly rollback: RollbackNodeStep[];
  readonly resume: ResumeNodeStep[];
  readonly drain: DrainNodeStep[];
  readonly notChosen: NotChosen[];
};

export function planGroup(ctx: PlanContext, sel: Selection, args: GroupArgs): GroupResult {
  const { group: ng, observed: obs, desired: raw, health } = args;
  const group = ng.name;
  const out: Out = { blocked: [], waiting: [], rollback: [], resume: [], drain: [], notChosen: [] };
  if (!obs) {
    out.blocked.push({ code: 'group-not-found', group, message: `${group}: Auto Scaling group ${ng.asg} not found` });
    return { ...out, suspend: [], unjoined: [], scaleUp: [], summary: undefined };
  }
  const asg = obs.name;
  const members = ctx.matching.members.get(asg) ?? [];
  const oursOf = (m: Member): Mark | undefined => {
    const reading = m.node ? ctx.markOf(m.node) : undefined;
    return reading?.kind === 'ours' ? reading.mark : undefined;
  };
  const rollBack = (m: Member, reason: string) => {
    out.rollback.push(rollbackStep(group, asg, m.node!, m, oursOf(m)!, reason));
    sel.addDestination(m.node!);
  };

  // 1. Nodes past the point of no return: finish them, whatever the desired state.
  const marked = members.filter((m) => oursOf(m));
  const setAside = marked.filter((m) => !isCounted(m.instance) && !isGoing(m.instance));
  const leaving = marked.filter((m) => !setAside.includes(m) && (oursOf(m)!.phase === 'terminating' || isGoing(m.instance)));
  for (const m of leaving) out.resume.push(resumeStep(ctx, group, asg, m, oursOf(m)!, `its removal is under way (phase ${oursOf(m)!.phase})`));
  const leavingCounted = leaving.filter((m) => isCounted(m.instance)).length;
  for (const m of setAside) {
    const state = m.instance.lifecycleState;
    if (oursOf(m)!.phase === 'terminating') out.waiting.push(`${group}: ${m.node!.name} (${m.instance.id}) is marked terminating but its instance is ${state}; it is finished once the instance is back InService`);
    else rollBack(m, `its instance is ${state}: taken out of service by someone else, so scalerd leaves it alone`);
  }

  // 2. The bounds and the target.
  const floor = Math.max(obs.minSize, ng.min);
  const ceiling = Math.min(obs.maxSize, ng.max);
  if (floor > ceiling) out.blocked.push({ code: 'bounds-conflict', group, message: `${group}: the floor ${floor} (MinSize ${obs.minSize}, schedule min ${ng.min}) is above the ceiling ${ceiling} (MaxSize ${obs.maxSize}, schedule max ${ng.max}); nothing is changed` });
  const handsOff = raw === undefined || floor > ceiling;
  const refused = ctx.options.azRebalance === 'refuse' && !obs.suspendedProcesses.includes(AZ_REBALANCE);

  // 3. Instances that never joined; they count as removals.
  const unjoined = handsOff ? [] : pickUnjoined(ctx, sel, { group, observed: obs, members, leavingCounted, refused, unhealthy: health.unhealthy }, out.blocked, out.waiting);
  const gone = new Set(unjoined.map((s) => s.instanceId));
  // A marked node that never became Ready is terminated as such, not rolled back.
  const markedLive = marked.filter((m) => !leaving.includes(m) && !setAside.includes(m) && !gone.has(m.instance.id));
  const base = obs.desiredCapacity - leavingCounted - unjoined.length;
  const target = handsOff ? undefined : clampTarget(raw, floor, ceiling, obs, ng, base, out.blocked);
  const need = target === undefined ? 0 : base - target;

  // 4. Shrink (choose victims, marked first), or hold/grow (roll every marked node back).
  if (need > 0 && (refused || health.unhealthy)) {
    const [code, message] = refused
      ? (['az-rebalance', `${group}: AZRebalance not suspended on ${asg} and policy is refuse`] as const)
      : (['cluster-unhealthy', `${group}: ${health.message}`] as const);
    out.blocked.push({ code, group, message });
    for (const m of markedLive) rollBack(m, message);
    for (const m of members) {
      if (m.node && !oursOf(m) && !gone.has(m.instance.id)) out.notChosen.push({ group, node: m.node.name, instanceId: m.instance.id, zone: m.instance.zone, code, reason: message });
    }
  } else if (need > 0) {
    const zoneCounts = new Map<string, number>();
    for (const m of members) {
      if (isCounted(m.instance) && !leaving.includes(m) && !gone.has(m.instance.id)) zoneCounts.set(m.instance.zone, (zoneCounts.get(m.instance.zone) ?? 0) + 1);
    }
    const others = members.filter((m) => m.node && !oursOf(m) && !gone.has(m.instance.id));
    const choice = chooseVictims(ctx, sel, { group, asg, need, marked: markedLive, others, zoneCounts });
    for (const c of choice.resumed) out.resume.push(resumeStep(ctx, group, asg, c.member, c.ours!, `still needed to reach ${target} (phase ${c.ours!.phase})`));
    for (const c of choice.drained) out.drain.push(drainStep(ctx, c, target!));
    for (const { candidate, reason } of choice.rolledBack) out.rollback.push(rollbackStep(group, asg, candidate.node, candidate.member, candidate.ours!, reason));
    out.notChosen.push(...choice.notChosen);
    if (choice.blocked) out.blocked.push(choice.blocked);
  } else {
    const reason = target === undefined ? `${group} is not scaled now (no desired capacity, or its limits conflict)` : `capacity wanted again: ${group} should have ${target}, ${base} with this node`;
    for (const m of markedLive) rollBack(m, reason);
  }

  // 5. Grow by a delta, within MaxSize at the moment of the call.
  const scaleUp: ScaleUpStep[] = [];
  if (target !== undefined && need < 0) {
    const room = obs.maxSize - (obs.desiredCapacity - unjoined.length);
    const add = Math.min(-need, room);
    if (add < -need) out.blocked.push({ code: 'max-size-pending', group, message: `${group}: adding ${Math.max(0, add)} of ${-need} now: ${asg} would pass MaxSize ${obs.maxSize} until its leaving instances are gone` });
    const after = out.rollback.length ? ` after rolling back ${plural(out.rollback.length, 'node')}` : '';
    if (add > 0) scaleUp.push({ kind: 'scale-up', group, asg, add, observedDesired: obs.desiredCapacity, target, maxSize: obs.maxSize, reason: `${group} should have ${target}, has ${base}${after}` });
  }

  // 6. AZRebalance off before any instance leaves (policy `suspend`).
  const terminates = out.resume.some((s) => s.actions.includes('terminate')) || out.drain.length > 0 || unjoined.length > 0;
  const suspend: SuspendProcessesStep[] = terminates && ctx.options.azRebalance === 'suspend' && !obs.suspendedProcesses.includes(AZ_REBALANCE)
    ? [{ kind: 'suspend-processes', group, asg, processes: [AZ_REBALANCE], reason: `instances leave ${asg}: AZRebalance would launch and terminate to even out zones, without a drain` }]
    : [];

  const readyNodes = members.filter((m) => m.node && m.instance.lifecycleState === 'InService' && ctx.isServing(m.node)).length
    + out.rollback.filter((s) => ctx.nodes.get(s.node)?.ready).length;
  if (target !== undefined && readyNodes < target) out.waiting.push(`${group}: ${readyNodes} of ${target} nodes Ready`);
  const summary: GroupSummary = {
    group, asg, observedDesired: obs.desiredCapacity, minSize: obs.minSize, maxSize: obs.maxSize, floor, ceiling, target, readyNodes,
    // Against the group's size without the nodes already leaving: replacing an instance
    // that never joined is neither growth nor shrinkage.
    direction: target === undefined ? 'hands-off' : target < base + unjoined.length ? 'down' : target > base + unjoined.length ? 'up' : 'steady',
    removing: out.resume.filter((s) => s.actions.includes('terminate')).length + out.drain.length + unjoined.length,
    adding: scaleUp.reduce((n, s) => n + s.add, 0),
  };
  return { ...out, notChosen: need > 0 ? out.notChosen : [], suspend, unjoined, scaleUp, summary };
}

function clampTarget(raw: number | undefined, floor: number, ceiling: number, obs: GroupObservation, ng: NodeGroup, base: number, blocked: Blocked[]): number {
  const value = raw!;
  const group = ng.name;
  if (value < obs.minSize) {
    blocked.push({ code: 'min-size', group, message: base <= obs.minSize ? `${group}: ASG ${obs.name} at MinSize ${obs.minSize} (the schedule asks ${value})` : `${group}: stops at MinSize ${obs.minSize} of ASG ${obs.name} (the schedule asks ${value})` });
  } else if (value < ng.min) {
    blocked.push({ code: 'schedule-min', group, message: `${group}: stops at the schedule's min ${ng.min} (asked ${value})` });
  }
  if (value > obs.maxSize) blocked.push({ code: 'max-size', group, message: `${group}: stops at MaxSize ${obs.maxSize} of ASG ${obs.name} (the schedule asks ${value})` });
  else if (value > ng.max) blocked.push({ code: 'schedule-max', group, message: `${group}: stops at the schedule's max ${ng.max} (asked ${value})` });
  return Math.min(ceiling, Math.max(floor, value));
}
