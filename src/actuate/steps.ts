// The plan's steps other than node removals, each as src/plan/types.ts documents it.
// Each returns what happened; a RemoteError or Stopped thrown out of one fails (or stops)
// the plan, and the next reconcile re-plans from a fresh observation.

import { matchNodes, readMark, type AwaitNodesStep, type RollbackNodeStep, type ScaleUpStep, type ScaleWorkloadStep, type SuspendProcessesStep } from '../plan/index.js';
import { STARTUP_TAINTS } from '../plan/index.js';
import type { NodeObservation } from '../ports/observation.js';
import { would, type ExecContext } from './context.js';
import { nodeKey } from './in-flight.js';

export type StepOutcome = { readonly status: 'done' | 'skipped' | 'failed' | 'stopped'; readonly message: string };

export async function suspendProcesses(ctx: ExecContext, step: SuspendProcessesStep): Promise<StepOutcome> {
  await ctx.retry(() => ctx.world.suspendProcesses(step.asg, step.processes));
  return { status: 'done', message: `suspended ${step.processes.join(', ')} on ${step.asg}` };
}

/**
 * IMPORTANT, in this order: the annotations that record the original values first, so a
 * crash after the change can still restore them; then the HPA's bounds; then replicas.
 */
export async function scaleWorkload(ctx: ExecContext, step: ScaleWorkloadStep): Promise<StepOutcome> {
  const { kind, namespace, name, key } = step.workload;
  const ref = { kind, namespace, name };
  const done: string[] = [];
  if (Object.keys(step.annotate.workload).length > 0) {
    await ctx.retry(() => ctx.world.annotateWorkload(ref, step.annotate.workload));
    done.push('annotated');
  }
  if (Object.keys(step.annotate.hpa).length > 0) {
    const hpa = step.hpa?.name;
    if (hpa === undefined) return { status: 'failed', message: `${key}: the plan records HPA annotations without naming the HPA (a planner bug)` };
    await ctx.retry(() => ctx.world.changeHpa(namespace, hpa, { annotations: step.annotate.hpa }));
    done.push(`HPA ${hpa} annotated`);
  }
  const { minReplicas, maxReplicas } = step.hpa ?? {};
  if (step.hpa && (minReplicas || maxReplicas)) {
    // Both bounds in one patch: raising min above the old max must not be seen half-done.
    await ctx.retry(() => ctx.world.changeHpa(namespace, step.hpa!.name, { ...(minReplicas ? { minReplicas: minReplicas.to } : {}), ...(maxReplicas ? { maxReplicas: maxReplicas.to } : {}) }));
    done.push(`HPA ${step.hpa.name}${minReplicas ? ` min ${minReplicas.to}` : ''}${maxReplicas ? ` max ${maxReplicas.to}` : ''}`);
  }
  if (step.replicas) {
    const to = step.replicas.to;
    await ctx.retry(() => ctx.world.scaleWorkload(ref, to));
    done.push(`replicas ${step.replicas.from} → ${to}`);
  }
  return { status: 'done', message: `${key}: ${done.join(', ') || 'nothing to change'}` };
}

/** Never for a node in phase terminating: it may be dying, and pods must not land on it. */
export async function rollbackNode(ctx: ExecContext, step: RollbackNodeStep): Promise<StepOutcome> {
  if (step.phase === 'terminating') return { status: 'failed', message: `${step.node}: phase terminating is never rolled back` };
  if (!ctx.inFlight.claim(nodeKey(step.node))) return { status: 'skipped', message: `${step.node} is already handled in this run` };
  await ctx.retry(() => ctx.world.changeNode(step.node, step.change, `roll back (was ${step.phase})`));
  ctx.nodes.push({
    node: step.node, instanceId: step.instanceId, group: step.group, step: 'rollback-node', result: 'rolled-back', code: 'rolled-back',
    phase: undefined, evicted: 0, refused: 0, forced: 0, reason: ctx.dryRun ? would(step.reason) : step.reason,
  });
  ctx.emit({ kind: 'node', node: step.node, instanceId: step.instanceId, phase: 'rolled-back', evicted: 0, remaining: 0, message: step.reason });
  return { status: 'done', message: `${step.node}: untainted, uncordoned, unannotated` };
}

/**
 * IMPORTANT: current + add from one fresh look, computed once and reused by every retry;
 * never the plan's absolute target (terminations with decrement may have landed since,
 * cluster-autoscaler#10147) and never downward (the World refuses that too).
 */
export async function scaleUp(ctx: ExecContext, step: ScaleUpStep): Promise<StepOutcome> {
  const [group] = await ctx.world.describeGroups([step.asg]);
  if (!group) return { status: 'failed', message: `${step.asg} not found` };
  const current = group.desiredCapacity;
  const target = Math.min(current + step.add, group.maxSize);
  if (target <= current) return { status: 'skipped', message: `${step.asg} is at MaxSize ${group.maxSize} (desired ${current})` };
  await ctx.retry(() => ctx.world.setDesiredCapacity(step.asg, target, current));
  return { status: 'done', message: `${step.asg}: desired ${current} → ${target}` };
}

const STILL_WAITING_EVERY_MS = 60_000;

/** Polls groups and nodes until each group has `want` serving nodes, or the deadline. */
export async function awaitNodes(ctx: ExecContext, step: AwaitNodesStep, note: (message: string, at: number) => void): Promise<StepOutcome> {
  const want = step.groups.map((g) => `${g.group} ${g.want}`).join(', ');
  // Nothing was launched in a dry run: there is nothing to wait for.
  if (ctx.dryRun) return { status: 'done', message: `would wait until Ready: ${want}` };
  const started = ctx.clock.now();
  const deadline = Math.min(step.deadline, started + ctx.options.nodeReadyTimeoutMs);
  let last = '';
  let lastNoted = started;
  for (;;) {
    const [groups, nodes] = await Promise.all([ctx.world.describeGroups(step.groups.map((g) => g.asg)), ctx.world.listNodes()]);
    const counts = readyCounts(ctx, groups, nodes, step);
    const text = step.groups.map((g, i) => `${g.group} ${counts[i]}/${g.want}`).join(', ');
    if (step.groups.every((g, i) => counts[i]! >= g.want)) return { status: 'done', message: `Ready: ${text}` };
    // A launch takes minutes: a line when the count changes, and one a minute while it does
    // not, so whoever watches (a terminal, a CI log) knows it is still waiting and for what.
    const now = ctx.clock.now();
    if (text !== last || now - lastNoted >= STILL_WAITING_EVERY_MS) {
      note(text === last ? `still waiting, ${Math.round((now - started) / 1000)} s so far: Ready ${text}` : `Ready: ${text}`, now);
      lastNoted = now;
    }
    last = text;
    if (ctx.clock.now() >= deadline) return { status: 'failed', message: `not Ready by the deadline: ${text}; the next reconcile terminates what did not join` };
    await ctx.sleep(ctx.options.pollMs);
  }
}

/** Ready, schedulable, no startup taint, unmarked, and its instance InService: a node pods can go to. */
function readyCounts(ctx: ExecContext, groups: Parameters<typeof matchNodes>[0], nodes: readonly NodeObservation[], step: AwaitNodesStep): number[] {
  const matching = matchNodes(groups, nodes);
  const serving = (node: NodeObservation) =>
    node.ready && !node.unschedulable && !node.taints.some((t) => STARTUP_TAINTS.has(t.key)) && readMark(node, ctx.owner).kind === 'none';
  return step.groups.map((g) => (matching.members.get(g.asg) ?? []).filter((m) => m.node && m.instance.lifecycleState === 'InService' && serving(m.node)).length);
}
