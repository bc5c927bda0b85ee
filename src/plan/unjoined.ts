// Instances that did not become Ready nodes in time (drain.md (b) 5 and fault 19):
// - `not-joined`: no Node matched the instance by its launch time + the registration
//   timeout (only when the launch time is known: otherwise a slow join cannot be told
//   from a failed one, and the planner waits, saying so);
// - `never-ready`: its Node exists, is not Ready past the deadline, and holds no pod that
//   must move or blocks (only DaemonSet, mirror, finished or stuck pods).
// They are terminated by exact id, oldest first, never below the ASG's MinSize (the
// decrement would fail), at most `maxUnjoinedTerminations` per reconcile.

import type { GroupObservation } from '../ports/observation.js';
import type { PlanContext } from './context.js';
import { formatInstant, plural } from './format.js';
import { isCounted, type Member } from './match.js';
import type { Selection } from './select.js';
import { unjoinedStep } from './steps.js';
import type { Blocked, TerminateUnjoinedStep } from './types.js';

export type UnjoinedArgs = {
  readonly group: string;
  readonly observed: GroupObservation;
  readonly members: readonly Member[];
  /** Instances already leaving with a decrement still to come. */
  readonly leavingCounted: number;
  readonly refused: boolean;
  readonly unhealthy: boolean;
};

export function pickUnjoined(ctx: PlanContext, sel: Selection, args: UnjoinedArgs, blocked: Blocked[], waiting: string[]): TerminateUnjoinedStep[] {
  const { group, observed: obs } = args;
  const overdue = overdueMembers(ctx, args, waiting);
  if (args.refused && overdue.length > 0) {
    blocked.push({ code: 'az-rebalance', group, message: `${group}: ${plural(overdue.length, 'instance')} did not join (${overdue.map((s) => s.instanceId).join(', ')}), but AZRebalance is not suspended on ${obs.name} and policy is refuse` });
    return [];
  }
  const chosen: TerminateUnjoinedStep[] = [];
  // A node not Ready may be part of a wider outage: the health gate holds those back.
  const held = args.unhealthy ? overdue.filter((s) => s.cause === 'never-ready') : [];
  if (held.length > 0) {
    blocked.push({ code: 'cluster-unhealthy', group, message: `${group}: ${plural(held.length, 'node')} never became Ready (${held.map((s) => s.node).join(', ')}), but too many nodes are not Ready to remove any` });
  }
  for (const step of overdue) {
    if (held.includes(step)) continue;
    if (obs.desiredCapacity - args.leavingCounted - chosen.length - 1 < obs.minSize) {
      blocked.push({ code: 'unjoined-min-size', group, message: `${group}: ${step.instanceId} did not join, but terminating it would take ${obs.name} below MinSize ${obs.minSize}` });
    } else if (sel.unjoinedLeft <= 0) {
      blocked.push({ code: 'unjoined-cap', group, message: `${group}: ${step.instanceId} did not join; at most ${plural(ctx.options.maxUnjoinedTerminations, 'such termination')} per reconcile` });
    } else {
      sel.unjoinedLeft -= 1;
      chosen.push(step);
    }
  }
  return chosen;
}

/** Past their deadline, oldest first; the ones still joining are reported in `waiting`. */
function overdueMembers(ctx: PlanContext, args: UnjoinedArgs, waiting: string[]): TerminateUnjoinedStep[] {
  const { now, options } = ctx;
  const { group, observed } = args;
  const asg = observed.name;
  const late: TerminateUnjoinedStep[] = [];
  for (const m of args.members) {
    const { instance, node } = m;
    if (!isCounted(instance)) continue;
    if (!node) {
      if (instance.launchedAt === undefined) {
        waiting.push(`${group}: ${instance.id} (${instance.lifecycleState}) has no node yet; its launch time is unknown, so it is never terminated for not joining`);
        continue;
      }
      const deadline = instance.launchedAt + options.registrationTimeoutMs;
      if (now < deadline) waiting.push(`${group}: ${instance.id} (${instance.lifecycleState}) has no node yet; deadline ${formatInstant(deadline)}`);
      else late.push(unjoinedStep(group, asg, m, 'not-joined', deadline, `no node joined for it by ${formatInstant(deadline)} (launched ${formatInstant(instance.launchedAt)})`));
      continue;
    }
    const mark = ctx.markOf(node);
    if (node.ready || mark.kind === 'other' || (mark.kind === 'ours' && mark.mark.phase === 'terminating')) continue;
    const pods = ctx.nodePods(node.name);
    if (pods.evict.length > 0 || pods.block.length > 0) continue;
    const deadline = Math.max(node.createdAt, instance.launchedAt ?? 0) + options.registrationTimeoutMs;
    if (now < deadline) continue;
    late.push(unjoinedStep(group, asg, m, 'never-ready', deadline, `node ${node.name} (registered ${formatInstant(node.createdAt)}) is not Ready past its deadline ${formatInstant(deadline)} and holds no pod that must move`));
  }
  return late.sort((a, b) => (a.launchedAt ?? 0) - (b.launchedAt ?? 0) || a.instanceId.localeCompare(b.instanceId));
}
