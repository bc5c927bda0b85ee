// Policy force, past a node's drain deadline (drain.md (a) 8, Karpenter's terminator):
// delete the pods still to evict, bypassing their budgets, each with its UID as
// precondition (a replacement under the same name is never touched) and a grace period
// clamped to 1..maxGraceSeconds: never 0, so every pod still gets SIGTERM and time to
// stop. Then wait, bounded, until they are gone; a pod that outlives its grace period
// plus slack leaves the node to be rolled back instead of terminated with it.

import { isRemoteError } from '../errors.js';
import { classifyNodePods, type NodePods } from '../plan/index.js';
import type { NodeRun } from './drain.js';
import { NodeFailure } from './failures.js';

export async function forceRemaining(run: NodeRun, sorted: NodePods): Promise<void> {
  const { ctx, node } = run;
  const { maxGraceSeconds } = ctx.options.podPolicy;
  // Pods already going keep their (shorter or equal) grace: deleting again could only shorten it.
  const targets = sorted.evict.filter((c) => c.pod.deletionTimestamp === undefined);
  const graceOf = (seconds: number) => Math.max(1, Math.min(seconds, maxGraceSeconds));
  await Promise.all(targets.map(async ({ pod }) => {
    const grace = graceOf(pod.terminationGracePeriodSeconds);
    const result = await ctx.retry(() => ctx.world.deletePod({ namespace: pod.namespace, name: pod.name, uid: pod.uid }, grace), run.signal);
    if (result === 'deleted') run.counts.forced++;
    ctx.emit({ kind: 'eviction', node, pod: `${pod.namespace}/${pod.name}`, outcome: 'forced', message: result === 'deleted' ? `deleted with grace ${grace} s (policy force)` : 'gone already' });
  }));
  const longest = Math.max(1, ...sorted.evict.map((c) => graceOf(c.pod.terminationGracePeriodSeconds)));
  const until = ctx.clock.now() + longest * 1000 + ctx.planOptions.terminatingSlackMs;
  const budgets = await run.budgets;
  for (;;) {
    let left: number;
    try {
      left = classifyNodePods(await ctx.world.listPodsOnNode(node), ctx.podContext(budgets)).evict.length;
    } catch (error) {
      if (!isRemoteError(error) || !error.detail.retryable) throw error;
      left = run.remaining; // look again after the poll interval
    }
    run.remaining = left;
    if (left === 0) return;
    if (ctx.clock.now() >= until) throw new NodeFailure('drain-timeout', `${left} pods still on the node ${Math.round((longest * 1000 + ctx.planOptions.terminatingSlackMs) / 1000)} s after they were deleted (policy force)`);
    await ctx.sleep(ctx.options.drainPollMs, run.signal);
  }
}
