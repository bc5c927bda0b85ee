// One node on its way out, from whatever phase its mark says, in this order (each a gate
// for the next; STYLE.md 6):
//   draining → re-list, classify, evict tier by tier, wait until gone, re-list again
//   drained  → nothing that must move is left
//   terminating → TerminateInstanceInAutoScalingGroup(exact id), confirmed going
//   delete the Node
// A node that cannot finish (a blocker appeared, a budget refused until the deadline, the
// API refused for good) is rolled back: untainted, uncordoned, unannotated. Never once it
// is `terminating`: from there it is only finished.

import { setMaxListeners } from 'node:events';
import { isRemoteError } from '../errors.js';
import {
  canAdvance, canRollBack, classifyNodePods, PHASES, phaseChange, rollbackChange,
  type Budgets, type DrainNodeStep, type Mark, type NodePods, type Phase, type ResumeNodeStep,
} from '../plan/index.js';
import { movingPod } from '../plan/index.js';
import { plural } from '../plan/format.js';
import type { PodObservation } from '../ports/observation.js';
import type { BudgetGate } from './budget-gate.js';
import type { ExecContext } from './context.js';
import { evictUntilAccepted, type EvictResult } from './evict.js';
import { isStopped, NodeFailure } from './failures.js';
import { podKey } from './in-flight.js';
import { forceRemaining } from './force.js';
import { confirmGoing, terminateExact } from './terminate.js';
import type { NodeReport } from './types.js';

export type Removal = DrainNodeStep | ResumeNodeStep;

export class NodeRun {
  readonly counts = { evicted: 0, refused: 0, forced: 0, lastRefusal: undefined as string | undefined };
  /** Pods still to move: the plan's count until the drain lists the node itself. */
  remaining: number;
  /** Aborted when this node fails (or the run stops): no eviction of it may follow its rollback. */
  readonly controller: AbortController;
  readonly signal: AbortSignal;

  constructor(
    readonly ctx: ExecContext,
    readonly step: Removal,
    public mark: Mark,
    readonly budgets: Promise<Budgets>,
    readonly gate: Promise<BudgetGate>,
    /** Not declared drained before this instant (clock ms; 0: no wait). */
    readonly settledAt: number,
  ) {
    this.remaining = step.pods.length;
    this.controller = childController(ctx.signal);
    this.signal = this.controller.signal;
  }

  get node(): string {
    return this.step.node;
  }

  progress(phase: NodeReport['result'] | Phase, message: string): void {
    this.ctx.emit({ kind: 'node', node: this.node, instanceId: this.step.instanceId, phase, evicted: this.counts.evicted, remaining: this.remaining, message });
  }

  /** Forward only, one transition of the table at a time; phases already passed are not written again. */
  async advance(to: Phase): Promise<void> {
    while (PHASES.indexOf(this.mark.phase) < PHASES.indexOf(to)) {
      const next = PHASES[PHASES.indexOf(this.mark.phase) + 1]!;
      if (!canAdvance(this.mark.phase, next)) throw new Error(`bug: phase ${this.mark.phase} → ${next} is not in the table`);
      await this.ctx.retry(() => this.ctx.world.changeNode(this.node, phaseChange(this.mark, next), `phase ${next}`), this.signal);
      this.mark = { ...this.mark, phase: next };
      this.progress(next, `phase ${next}`);
    }
  }

  report(result: NodeReport['result'], code: NodeReport['code'], reason: string): NodeReport {
    const { evicted, refused, forced } = this.counts;
    const phase = result === 'rolled-back' ? undefined : this.mark.phase;
    return { node: this.node, instanceId: this.step.instanceId, group: this.step.group, step: this.step.kind, result, code, phase, evicted, refused, forced, reason };
  }
}

/** Runs the node to its end and says how it ended; throws only Stopped (and bugs). */
export async function removeNode(run: NodeRun): Promise<NodeReport> {
  const { ctx, step } = run;
  try {
    const leaves = step.actions.includes('terminate');
    // The drain runs for every node whose instance still counts, even one the plan found
    // empty or whose phase says drained: one list call proves nothing arrived since.
    if (leaves) {
      await drain(run);
      await run.advance('drained');
      // IMPORTANT: `terminating` is written before the call. Once AWS may have accepted it,
      // a restarted scalerd must finish this node, never uncordon a dying one.
      await run.advance('terminating');
      await terminateExact(ctx, step.asg, step.instanceId, run.signal);
    } else {
      // The instance already left the group's count (Terminating, or gone): its Node goes only once that is confirmed.
      await confirmGoing(ctx, step.asg, step.instanceId, { reissue: false, signal: run.signal });
    }
    // IMPORTANT: the Node last, after the instance is going: a running kubelet would
    // re-register a deleted Node, unmarked and schedulable, and pods would land on it.
    await ctx.retry(() => ctx.world.deleteNode(run.node), run.signal);
    run.remaining = 0;
    if (ctx.dryRun) {
      run.progress('removed', `would terminate ${step.instanceId} and delete the Node`);
      return run.report('removed', 'removed', `would be removed: ${plural(run.counts.evicted, 'pod')} would be evicted, ${step.instanceId} would be terminated and its Node deleted`);
    }
    run.progress('removed', `${step.instanceId} terminated, Node deleted`);
    return run.report('removed', 'removed', `removed: ${plural(run.counts.evicted, 'pod')} evicted${run.counts.refused ? ` (${plural(run.counts.refused, 'eviction')} refused by budgets and retried)` : ''}, ${step.instanceId} terminated, Node deleted`);
  } catch (error) {
    run.controller.abort(error);
    if (isStopped(error)) {
      run.progress('stopped', error.message);
      throw error;
    }
    const failure = error instanceof NodeFailure ? error : isRemoteError(error) ? new NodeFailure('remote-error', error.message) : undefined;
    if (!failure) throw error;
    return rollBack(run, failure);
  }
}

async function rollBack(run: NodeRun, failure: NodeFailure): Promise<NodeReport> {
  const { ctx } = run;
  if (!canRollBack(run.mark.phase)) {
    // Past the point of no return: the marks stay, and the next reconcile finishes it.
    run.progress('failed', `${failure.message}; left marked ${run.mark.phase} for the next reconcile to finish`);
    return run.report('failed', failure.code, `${failure.message}; phase ${run.mark.phase}: not rolled back, the next reconcile finishes it`);
  }
  try {
    await ctx.retry(() => ctx.world.changeNode(run.node, rollbackChange(), `roll back: ${failure.code}`));
  } catch (error) {
    if (isStopped(error)) throw error;
    const why = error instanceof Error ? error.message : String(error);
    run.progress('failed', `${failure.message}; the rollback failed too: ${why}`);
    return run.report('failed', failure.code, `${failure.message}; the rollback failed (${why}): the next reconcile rolls it back`);
  }
  run.progress('rolled-back', failure.message);
  return run.report('rolled-back', failure.code, `rolled back: ${failure.message}`);
}

/** A controller that also aborts, with the same reason, when `parent` does (AbortSignal.any needs Node 20.3). */
function childController(parent: AbortSignal): AbortController {
  const child = new AbortController();
  // Every eviction and wait of the node listens on its signal: dozens at once, by design.
  setMaxListeners(0, child.signal);
  if (parent.aborted) child.abort(parent.reason);
  else parent.addEventListener('abort', () => child.abort(parent.reason), { once: true });
  return child;
}

const tierOf = (pod: PodObservation, budgets: Budgets) => movingPod(pod, budgets).tier;

/**
 * Until nothing that must move is left: list, classify (the planner's rules), evict the
 * lowest tier still present (ordinary pods before critical ones), wait, list again. The
 * re-list also catches pods that landed after the mark (fault 5). Past the deadline:
 * roll back, or with policy force delete what is left.
 */
async function drain(run: NodeRun): Promise<void> {
  const { ctx, node } = run;
  const deadline = ctx.clock.now() + ctx.options.drainTimeoutMs;
  await run.advance('draining');
  const budgets = await run.budgets;
  const gate = await run.gate;
  for (;;) {
    const pods = await listPods(run, deadline);
    const sorted = classifyNodePods(pods, ctx.podContext(budgets));
    run.remaining = sorted.evict.length;
    run.progress(run.mark.phase, `${plural(sorted.evict.length, 'pod')} to evict, ${sorted.skip.length} stay`);
    // A blocker fails the node in every phase: rolled back before `terminating`, left
    // marked from there (never terminated with a pod that cannot move on it).
    const blocker = sorted.block[0];
    if (blocker) {
      const code = blocker.status.code === 'multiple-budgets' ? 'multiple-budgets' : 'blocking-pods';
      throw new NodeFailure(code, `pod ${blocker.pod.namespace}/${blocker.pod.name} ${blocker.status.message}`);
    }
    if (sorted.evict.length === 0) {
      const wait = run.settledAt - ctx.clock.now();
      if (wait <= 0) return;
      // Too soon to believe the node empty: look again once the settle has passed.
      await ctx.sleep(wait, run.signal);
      continue;
    }
    if (ctx.clock.now() >= deadline) {
      if (!ctx.options.podPolicy.force) throw timeoutFailure(run, sorted);
      await forceRemaining(run, sorted);
      return;
    }
    const tier = sorted.evict.some((c) => tierOf(c.pod, budgets) === 'ordinary') ? 'ordinary' : 'critical';
    const fresh = sorted.evict.filter((c) => tierOf(c.pod, budgets) === tier && ctx.inFlight.claim(podKey(c.pod)));
    const results = await allOrFail(run, fresh.map((c) => {
      const budget = budgets.of(c.pod)[0]?.key;
      return evictUntilAccepted(ctx, { node, pod: c.pod, deadline, signal: run.signal, counts: run.counts, ...(budget ? { pacing: { gate, budget } } : {}) });
    }));
    // Look again at once when every pod left by itself; else give the evicted ones time to go.
    const waited = fresh.length === 0 || results.some((r) => r === 'evicted' || r === 'timeout');
    if (waited) await ctx.sleep(Math.min(ctx.options.drainPollMs, Math.max(0, deadline - ctx.clock.now())) || 1, run.signal);
  }
}

/** The node's pods; a retryable failure is looked at again after a poll interval, until the deadline. */
async function listPods(run: NodeRun, deadline: number): Promise<PodObservation[]> {
  const { ctx } = run;
  for (;;) {
    try {
      return await ctx.world.listPodsOnNode(run.node);
    } catch (error) {
      if (!isRemoteError(error) || !error.detail.retryable || ctx.clock.now() >= deadline) throw error;
      await ctx.sleep(ctx.options.drainPollMs, run.signal);
    }
  }
}

/** Every eviction of the tier; the first failure aborts the node's others before it is thrown. */
async function allOrFail(run: NodeRun, tasks: Promise<EvictResult>[]): Promise<EvictResult[]> {
  const failed = tasks.map((task) => task.catch((error: unknown) => {
    run.controller.abort(error);
    throw error;
  }));
  const settled = await Promise.allSettled(failed);
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) throw rejected.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<EvictResult>).value);
}

function timeoutFailure(run: NodeRun, sorted: NodePods): NodeFailure {
  const minutes = Math.round(run.ctx.options.drainTimeoutMs / 6_000) / 10;
  const left = sorted.evict.slice(0, 3).map((c) => `${c.pod.namespace}/${c.pod.name}`).join(', ');
  const more = sorted.evict.length > 3 ? ` and ${sorted.evict.length - 3} more` : '';
  const refusal = run.counts.lastRefusal ? `; last refusal: ${run.counts.lastRefusal}` : '';
  return new NodeFailure('drain-timeout', `${sorted.evict.length} pods still to evict after ${minutes} min (${left}${more})${refusal}`);
}
