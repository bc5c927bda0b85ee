// One pod's eviction, retried until the API accepts it, the pod is gone, or the node's
// deadline passes (drain.md (a) 6):
//   evicted                → accepted; the caller waits for the pod to go
//   gone (404, 409 on UID) → done: this pod is gone or the name is another pod's now
//   blocked (429)          → under a known budget: wait for the budget gate's next slot
//                            (budget-gate.ts), at least Retry-After; else jittered
//                            exponential back-off honouring Retry-After; then again
//   multiple-budgets (500) → the node fails fast: the API will refuse this pod every time
//   namespace-terminating  → the namespace takes the pod with it: wait for it to go
//   remote error           → retryable: back off and again; otherwise the node fails

import { isRemoteError } from '../errors.js';
import type { PodObservation } from '../ports/observation.js';
import type { BudgetGate } from './budget-gate.js';
import type { ExecContext } from './context.js';
import { NodeFailure } from './failures.js';
import { backoffMs } from './options.js';

/** `moved`: the name now belongs to another pod, or the pod runs elsewhere: never chased. */
export type EvictResult = 'evicted' | 'gone' | 'moved' | 'timeout';

export type EvictTask = {
  readonly node: string;
  readonly pod: PodObservation;
  readonly deadline: number;
  /** The node's signal: aborted when the node fails, so no eviction follows a rollback. */
  readonly signal: AbortSignal;
  /** Counted per node, for progress and the report. */
  readonly counts: { evicted: number; refused: number; lastRefusal: string | undefined };
  /** The batch's budget gate and the budget that selects the pod; without one, 429s back off on their own. */
  readonly pacing?: { readonly gate: BudgetGate; readonly budget: string };
};

export async function evictUntilAccepted(ctx: ExecContext, task: EvictTask): Promise<EvictResult> {
  const { node, pod, deadline, signal, counts } = task;
  const ref = { namespace: pod.namespace, name: pod.name, uid: pod.uid };
  const key = `${pod.namespace}/${pod.name}`;
  const say = (outcome: Parameters<ExecContext['emit']>[0] & { kind: 'eviction' }) => ctx.emit(outcome);
  const { pacing } = task;
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) throw signal.reason;
    let retryAfterMs = 0;
    let outcome: 'blocked' | 'error' = 'error';
    let why: string;
    const slot = await pacing?.gate.acquire(pacing.budget, signal);
    if (attempt > 0 && ctx.clock.now() >= deadline) {
      slot?.release();
      return 'timeout';
    }
    // IMPORTANT: look before every retry, after any wait for the budget. A pod whose UID or
    // node changed is not the pod this node holds any more (a StatefulSet's replacement
    // takes the same name on another node): evicting "it" would disrupt a pod elsewhere
    // and loop forever (kubernetes#138229). The UID precondition guards the call too; this
    // look also ends the loop early.
    const verdict = attempt === 0 ? undefined : await lookAgain(ctx, task).catch((error: unknown) => {
      slot?.release();
      throw error;
    });
    if (verdict !== undefined) {
      slot?.release();
      return verdict;
    }
    try {
      const result = await ctx.world.evictPod(ref).finally(() => slot?.release());
      switch (result.kind) {
        case 'evicted':
          counts.evicted++;
          say({ kind: 'eviction', node, pod: key, outcome: 'evicted', message: 'accepted' });
          return 'evicted';
        case 'gone':
          say({ kind: 'eviction', node, pod: key, outcome: 'gone', message: 'gone, or replaced under its name' });
          return 'gone';
        case 'namespace-terminating':
          say({ kind: 'eviction', node, pod: key, outcome: 'namespace-terminating', message: 'its namespace is terminating; waiting for it to go' });
          return 'evicted';
        case 'multiple-budgets':
          say({ kind: 'eviction', node, pod: key, outcome: 'multiple-budgets', message: result.message });
          throw new NodeFailure('multiple-budgets', `pod ${key} is selected by more than one PodDisruptionBudget, so the eviction API refuses it: ${result.message}`);
        case 'blocked':
          counts.refused++;
          counts.lastRefusal = `${key}: ${result.message}`;
          pacing?.gate.exhausted(pacing.budget);
          retryAfterMs = result.retryAfterMs;
          outcome = 'blocked';
          why = result.message;
          break;
      }
    } catch (error) {
      if (!isRemoteError(error)) throw error;
      if (!error.detail.retryable) throw new NodeFailure('remote-error', `evicting ${key}: ${error.message}`);
      why = error.message;
    }
    const left = deadline - ctx.clock.now();
    if (left <= 0) return 'timeout';
    // Refused by a known budget: the gate paces the next try (only Retry-After waits here).
    const paced = outcome === 'blocked' && pacing !== undefined;
    const delay = Math.min(left, paced ? retryAfterMs : backoffMs(attempt, ctx.options.evictionBackoff, ctx.random, retryAfterMs));
    say({ kind: 'eviction', node, pod: key, outcome, message: why, retryInMs: delay });
    await ctx.sleep(delay, signal);
  }
}

/** Whether the pod is still this node's to evict: undefined when it is; else how it ended. */
async function lookAgain(ctx: ExecContext, task: EvictTask): Promise<EvictResult | undefined> {
  const { node, pod } = task;
  const now = await readPod(ctx, pod.namespace, pod.name);
  if (now === null) return undefined; // the look failed; the precondition still protects the next try
  if (now === undefined) return 'gone';
  if (now.uid !== pod.uid || now.nodeName !== node) {
    ctx.emit({ kind: 'eviction', node, pod: `${pod.namespace}/${pod.name}`, outcome: 'moved', message: `now UID ${now.uid} on ${now.nodeName ?? 'no node'}: another pod, not chased` });
    return 'moved';
  }
  // Already going (deleted by someone, or an earlier eviction whose answer was lost): wait for it.
  if (now.deletionTimestamp !== undefined) return 'evicted';
  return undefined;
}

/** The pod, undefined when gone, null when the read failed in a way worth ignoring once. */
async function readPod(ctx: ExecContext, namespace: string, name: string): Promise<PodObservation | undefined | null> {
  try {
    return await ctx.world.getPod(namespace, name);
  } catch (error) {
    if (isRemoteError(error) && error.detail.retryable) return null;
    throw error;
  }
}
