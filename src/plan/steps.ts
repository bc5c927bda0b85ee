// Building the node steps of a group: what is left to do on a leaving node, and the
// values the actuator reads.

import type { NodeObservation } from '../ports/observation.js';
import type { PlanContext } from './context.js';
import { plural } from './format.js';
import { markChange, rollbackChange, type Mark } from './marks.js';
import { isCounted, type Member } from './match.js';
import { movingPod } from './pods.js';
import type { Candidate } from './select.js';
import type { DrainNodeStep, NodeAction, NodeRemoval, ResumeNodeStep, RollbackNodeStep, TerminateUnjoinedStep } from './types.js';

/**
 * Derived from the world, not from the phase alone: a node drains while pods that must
 * move are on it (one may have arrived since the phase was written) or until its phase
 * says drained; it terminates while its instance still counts in the group; its Node is
 * always deleted last. A node that is not Ready and holds nothing to move has nothing to
 * drain: its kubelet could not evict anyway.
 */
export function actionsFor(ctx: PlanContext, m: Member, phase: Mark['phase'] | undefined): NodeAction[] {
  const counted = isCounted(m.instance);
  const toMove = ctx.nodePods(m.node!.name).evict.length > 0;
  const drained = phase === 'drained' || phase === 'terminating';
  const actions: NodeAction[] = [];
  if (counted && (toMove || (!drained && m.node!.ready))) actions.push('drain');
  if (counted) actions.push('terminate');
  actions.push('delete-node');
  return actions;
}

function removal(ctx: PlanContext, group: string, asg: string, m: Member, phase: Mark['phase'] | undefined): NodeRemoval {
  const node = m.node!;
  return {
    group, asg, node: node.name, instanceId: m.instance.id, zone: m.instance.zone,
    pods: ctx.nodePods(node.name).evict.map((c) => movingPod(c.pod, ctx.budgets)),
    actions: actionsFor(ctx, m, phase),
  };
}

export function resumeStep(ctx: PlanContext, group: string, asg: string, m: Member, mark: Mark, reason: string): ResumeNodeStep {
  return { kind: 'resume-node', ...removal(ctx, group, asg, m, mark.phase), phase: mark.phase, startedAt: mark.startedAt, reason };
}

export function drainStep(ctx: PlanContext, c: Candidate, target: number): DrainNodeStep {
  const pods = c.pods.evict.length;
  const what = !c.node.ready ? 'not Ready and empty' : pods === 0 ? 'empty' : `${plural(pods, 'pod')} to move`;
  return {
    kind: 'drain-node', ...removal(ctx, c.group, c.asg, c.member, undefined), mark: markChange(ctx.options.owner, ctx.now),
    reason: `${c.group} shrinks to ${target}: ${what}, zone ${c.zone}`,
  };
}

export function rollbackStep(group: string, asg: string, node: NodeObservation, m: Member, mark: Mark, reason: string): RollbackNodeStep {
  return {
    kind: 'rollback-node', group, asg, node: node.name, instanceId: m.instance.id, zone: m.instance.zone,
    phase: mark.phase, startedAt: mark.startedAt, change: rollbackChange(), reason,
  };
}

export function unjoinedStep(group: string, asg: string, m: Member, cause: TerminateUnjoinedStep['cause'], deadline: number, reason: string): TerminateUnjoinedStep {
  return {
    kind: 'terminate-unjoined', group, asg, instanceId: m.instance.id, zone: m.instance.zone, cause,
    node: m.node?.name, launchedAt: m.instance.launchedAt, deadline, reason,
  };
}
