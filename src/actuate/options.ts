// How the actuator paces and bounds its work: settle delay, polls, eviction back-off,
// deadlines, and the pod policy past a deadline. Defaults follow the anchors of
// drain.md (d); checked eagerly so a bad value fails at start-up, not mid-drain.

import type { PlanOptionsInput } from '../plan/index.js';

export type Backoff = {
  /** First retry after about this long; doubles each attempt. */
  readonly baseMs: number;
  readonly maxMs: number;
  /** 0..1: the share of each delay drawn at random (0: fixed; 1: anywhere in 0..delay). */
  readonly jitter: number;
};

export type PodPolicyOptions = {
  /**
   * Past a node's drain deadline, delete the pods left (UID precondition, grace clamped to
   * 1..maxGraceSeconds, never 0) instead of rolling the node back. Bypasses budgets: an
   * operator's choice, off by default.
   */
  readonly force: boolean;
  /** The longest grace period a forced delete gives a pod (cluster-autoscaler: 600 s). */
  readonly maxGraceSeconds: number;
};

export type ExecuteOptions = {
  /**
   * The least time from marking a node to declaring it drained: a pod the scheduler bound a
   * moment before the cordon landed shows up in a list by then (NTH#537, Karpenter's
   * MinDrainTime). Evictions start at once; only the verdict waits.
   */
  readonly settleMs: number;
  /** Between looks while waiting for AWS and for new nodes: an instance to be Terminating, nodes to be Ready. */
  readonly pollMs: number;
  /**
   * While a node drains, between looks at its pods: the last pod's exit is noticed this much
   * later at most, on the critical path of every removal (one list of the node's pods).
   */
  readonly drainPollMs: number;
  /** While evictions wait for a budget: one list of every budget this often (budget-gate.ts). */
  readonly budgetPollMs: number;
  readonly evictionBackoff: Backoff;
  /** Per node, from the start of its drain; then roll back (or force). */
  readonly drainTimeoutMs: number;
  /** How long an accepted termination may take to show as Terminating. */
  readonly terminateConfirmTimeoutMs: number;
  /** An instance still InService this long after its termination was accepted is asked again (fault 14). */
  readonly terminateReissueMs: number;
  /** await-nodes gives up at the earlier of this and the plan's deadline. */
  readonly nodeReadyTimeoutMs: number;
  readonly podPolicy: PodPolicyOptions;
  /** Attempts for one write whose RemoteError is retryable, the first included (the adapters retry too). */
  readonly writeAttempts: number;
  /** The planner's options: the actuator classifies re-listed pods with the same rules. */
  readonly planOptions: PlanOptionsInput;
};

export type ExecuteOptionsInput = Partial<Omit<ExecuteOptions, 'evictionBackoff' | 'podPolicy'>> & {
  readonly evictionBackoff?: Partial<Backoff>;
  readonly podPolicy?: Partial<PodPolicyOptions>;
};

export const DEFAULT_EXECUTE_OPTIONS: ExecuteOptions = {
  settleMs: 2_000,
  pollMs: 1_000,
  drainPollMs: 250,
  budgetPollMs: 250,
  evictionBackoff: { baseMs: 100, maxMs: 10_000, jitter: 0.5 },
  drainTimeoutMs: 10 * 60_000,
  terminateConfirmTimeoutMs: 5 * 60_000,
  terminateReissueMs: 60_000,
  nodeReadyTimeoutMs: 15 * 60_000,
  podPolicy: { force: false, maxGraceSeconds: 600 },
  writeAttempts: 3,
  planOptions: {},
};

/** Problems with the options, one sentence each; empty when they are usable. */
export function checkExecuteOptions(input: ExecuteOptionsInput = {}): string[] {
  const o = mergeOptions(input);
  const problems: string[] = [];
  const atLeast = (name: string, value: number, min: number, integer = false) => {
    if (!(Number.isFinite(value) && value >= min) || (integer && !Number.isInteger(value))) problems.push(`${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, not ${value}`);
  };
  atLeast('settleMs', o.settleMs, 0);
  atLeast('pollMs', o.pollMs, 1);
  atLeast('drainPollMs', o.drainPollMs, 1);
  atLeast('budgetPollMs', o.budgetPollMs, 1);
  atLeast('evictionBackoff.baseMs', o.evictionBackoff.baseMs, 1);
  atLeast('evictionBackoff.maxMs', o.evictionBackoff.maxMs, o.evictionBackoff.baseMs);
  if (!(o.evictionBackoff.jitter >= 0 && o.evictionBackoff.jitter <= 1)) problems.push(`evictionBackoff.jitter must be within 0..1, not ${o.evictionBackoff.jitter}`);
  atLeast('drainTimeoutMs', o.drainTimeoutMs, 1);
  atLeast('terminateConfirmTimeoutMs', o.terminateConfirmTimeoutMs, 1);
  atLeast('terminateReissueMs', o.terminateReissueMs, 1);
  atLeast('nodeReadyTimeoutMs', o.nodeReadyTimeoutMs, 1);
  // Never 0: a zero grace period kills the pod without SIGTERM handling (drain.md (a) 8).
  atLeast('podPolicy.maxGraceSeconds', o.podPolicy.maxGraceSeconds, 1, true);
  atLeast('writeAttempts', o.writeAttempts, 1, true);
  return problems;
}

/** The options with defaults filled in; throws a RangeError naming every problem. */
export function resolveExecuteOptions(input: ExecuteOptionsInput = {}): ExecuteOptions {
  const problems = checkExecuteOptions(input);
  if (problems.length > 0) throw new RangeError(`invalid actuator options: ${problems.join('; ')}`);
  return mergeOptions(input);
}

function mergeOptions(input: ExecuteOptionsInput): ExecuteOptions {
  return {
    ...DEFAULT_EXECUTE_OPTIONS,
    ...input,
    evictionBackoff: { ...DEFAULT_EXECUTE_OPTIONS.evictionBackoff, ...input.evictionBackoff },
    podPolicy: { ...DEFAULT_EXECUTE_OPTIONS.podPolicy, ...input.podPolicy },
  };
}

/** Jittered exponential back-off for the attempt'th retry (0-based), honouring a server's Retry-After. */
export function backoffMs(attempt: number, backoff: Backoff, random: () => number, retryAfterMs = 0): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** attempt);
  return Math.max(retryAfterMs, Math.round(ceiling * (1 - backoff.jitter * random())));
}
