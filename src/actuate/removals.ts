// A batch of leaving nodes: the plan's consecutive drain-node steps (new victims) or
// resume-node steps (nodes scalerd marked earlier). Nodes, and pods within a node, go in
// parallel: the only bounds are the PodDisruptionBudgets, which the eviction API enforces
// atomically, and the cluster adapter's rate limit. That is what makes scalerd faster
// than a node-by-node drain.

import { isRemoteError } from '../errors.js';
import { computeBudgets, readMark, type DrainNodeStep, type Mark, type ResumeNodeStep } from '../plan/index.js';
import { BudgetGate } from './budget-gate.js';
import { would, type ExecContext } from './context.js';
import { NodeRun, removeNode, type Removal } from './drain.js';
import { isStopped } from './failures.js';
import { instanceKey, nodeKey } from './in-flight.js';
import type { StepOutcome } from './steps.js';
import type { NodeReport } from './types.js';

export async function runRemovals(ctx: ExecContext, steps: readonly Removal[]): Promise<StepOutcome[]> {
  const outcomes = new Map<Removal, StepOutcome>();
  const claimed = steps.filter((step) => {
    if (ctx.inFlight.claim(nodeKey(step.node), instanceKey(step.instanceId))) return true;
    outcomes.set(step, { status: 'skipped', message: `${step.node} (${step.instanceId}) is already handled in this run` });
    return false;
  });

  // IMPORTANT: mark every new victim before draining any. Pods evicted from the first node
  // must not be scheduled onto the second, which would then evict them again — or worse,
  // onto a node whose drain already ended (aws-node-termination-handler#537; the
  // cluster-autoscaler taints its whole batch first for the same reason).
  // Settled, not raced: when the run stops, no mark may still be in flight after execute() returns.
  const marking = await Promise.allSettled(claimed.map(async (step) => ({ step, mark: await markOf(ctx, step) })));
  const marked = marking.map((result, i) => {
    if (result.status === 'fulfilled') return result.value;
    const error: unknown = result.reason;
    if (isStopped(error) || !isRemoteError(error)) throw error;
    outcomes.set(claimed[i]!, failed(ctx, claimed[i]!, `marking failed: ${error.message}`));
    return undefined;
  });
  const ready = marked.filter((m) => m !== undefined);

  // One fresh list of budgets for the whole batch, after the marks: the re-classification
  // then sees a budget created since the plan (an overlapping one blocks the node up front).
  // A failed list fails each node that needs it (and rolls it back); none is left unhandled.
  const budgets = ready.length > 0 ? ctx.world.listPdbs().then(computeBudgets) : Promise.resolve(computeBudgets([]));
  budgets.catch(() => undefined);
  const gate = budgets.then((b) => new BudgetGate(ctx, b));
  gate.catch(() => undefined);
  // IMPORTANT: no node is declared drained before the settle has passed since its mark:
  // the scheduler may have bound a pod to it a moment before the cordon landed, and that
  // pod must show up in a list first (NTH#537, Karpenter's MinDrainTime). Evictions need
  // not wait for it: every node of the batch is marked already. A resumed node counts from
  // the start its mark records: a predecessor killed right after marking it may have done
  // so a moment ago (the chaos test found that). In a dry run nothing was cordoned: no wait.
  const markedNow = ctx.clock.now();
  const settledAt = (m: { step: Removal; mark: Mark }) => {
    if (ctx.dryRun) return 0;
    // A mark's recorded start is the plan's instant, before the cordon: a new victim counts from now.
    const marked = m.step.kind === 'drain-node' ? markedNow : m.mark.startedAt ?? markedNow;
    return marked + ctx.options.settleMs;
  };
  const runs = ready.map((m) => new NodeRun(ctx, m.step, m.mark, budgets, gate, settledAt(m)));

  const reports = await Promise.allSettled(runs.map((run) => removeNode(run)));
  const stopped = reports.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  runs.forEach((run, i) => {
    const r = reports[i]!;
    if (r.status === 'fulfilled') outcomes.set(run.step, toOutcome(ctx, r.value));
    else outcomes.set(run.step, toOutcome(ctx, run.report('stopped', 'stopped', r.reason instanceof Error ? r.reason.message : String(r.reason))));
  });
  if (stopped) throw stopped.reason;
  return steps.map((step) => outcomes.get(step)!);
}

/** A new victim gets its mark now (taint, cordon, annotation: one change); a resumed node has one. */
async function markOf(ctx: ExecContext, step: DrainNodeStep | ResumeNodeStep): Promise<Mark> {
  if (step.kind === 'resume-node') return { owner: ctx.owner, startedAt: step.startedAt, phase: step.phase };
  await ctx.retry(() => ctx.world.changeNode(step.node, step.mark, 'mark: taint, cordon, annotate (phase cordoned)'));
  ctx.emit({ kind: 'node', node: step.node, instanceId: step.instanceId, phase: 'cordoned', evicted: 0, remaining: step.pods.length, message: 'marked: tainted, cordoned, annotated' });
  return { owner: ctx.owner, startedAt: markedAt(ctx, step) ?? ctx.clock.now(), phase: 'cordoned' };
}

/** The start time the planner wrote into the mark, read back with the planner's own parser. */
function markedAt(ctx: ExecContext, step: DrainNodeStep): number | undefined {
  const annotations = Object.fromEntries(Object.entries(step.mark.annotations ?? {}).filter((e): e is [string, string] => e[1] !== null));
  const reading = readMark({ taints: step.mark.addTaints ?? [], annotations }, ctx.owner);
  return reading.kind === 'ours' ? reading.mark.startedAt : undefined;
}

function failed(ctx: ExecContext, step: Removal, reason: string): StepOutcome {
  const report: NodeReport = {
    node: step.node, instanceId: step.instanceId, group: step.group, step: step.kind, result: 'failed', code: 'remote-error',
    phase: step.kind === 'resume-node' ? step.phase : undefined, evicted: 0, refused: 0, forced: 0, reason,
  };
  return toOutcome(ctx, report);
}

function toOutcome(ctx: ExecContext, node: NodeReport): StepOutcome {
  const report = ctx.dryRun ? { ...node, reason: would(node.reason) } : node;
  ctx.nodes.push(report);
  if (report.result === 'removed') return { status: 'done', message: `${report.node}: ${report.reason}` };
  if (report.result === 'stopped') return { status: 'stopped', message: `${report.node}: ${report.reason}` };
  return { status: 'failed', message: `${report.node}: ${report.reason}` };
}
