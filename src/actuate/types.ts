// What execute() takes and gives back: its dependencies, the progress events it emits
// while it works (the CLI and the logs render them), and the report it returns.

import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../clock.js';
import type { Phase, StepKind } from '../plan/index.js';
import type { Cloud } from '../ports/cloud.js';
import type { Cluster } from '../ports/cluster.js';

/** Resolves after `ms` of the clock's time; may reject early when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Production's Sleep: real timers, cancelled by the signal. */
export const timerSleep: Sleep = (ms, signal) => delay(ms, undefined, signal ? { signal } : {});

export type ExecuteDeps = {
  readonly cloud: Cloud;
  readonly cluster: Cluster;
  /** Deadlines are read on it; the same clock the simulator or the daemon runs on. */
  readonly clock: Clock;
  /** Every wait goes through it: tests pass the simulator clock's sleep, production real timers. */
  readonly sleep: Sleep;
  /** Jitter source (default Math.random). */
  readonly random?: () => number;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Aborting stops at once: no further mutating call, nodes keep their marks for the next run. */
  readonly signal?: AbortSignal;
  /** Compute and report everything, mutate nothing. */
  readonly dryRun: boolean;
  /** Checked before every mutating call; false stops at once, like an abort. */
  readonly isLeader?: () => boolean;
};

/** Every kind of change the actuator makes to the world. */
export type ActionKind =
  | 'change-node' | 'delete-node' | 'evict-pod' | 'delete-pod'
  | 'annotate-workload' | 'change-hpa' | 'scale-workload'
  | 'set-desired-capacity' | 'terminate-instance' | 'suspend-processes';

/** One mutating call, made (or, in a dry run, that would have been made). */
export type Action = { readonly at: number; readonly kind: ActionKind; readonly target: string; readonly detail: string };

export type StepStatus = 'done' | 'skipped' | 'failed' | 'stopped' | 'not-run';

/** Why a node that was to leave did not, or how it left. */
export type NodeCode =
  | 'removed'
  | 'rolled-back'
  | 'blocking-pods'
  | 'multiple-budgets'
  | 'drain-timeout'
  | 'remote-error'
  | 'terminate-unconfirmed'
  | 'already-handled'
  | 'stopped';

export const EVICTION_OUTCOMES = ['evicted', 'gone', 'moved', 'blocked', 'multiple-budgets', 'namespace-terminating', 'error', 'forced'] as const;
export type EvictionOutcome = (typeof EVICTION_OUTCOMES)[number];

export type ProgressEvent =
  | {
      readonly kind: 'step'; readonly at: number; readonly index: number; readonly step: StepKind;
      readonly status: 'started' | 'waiting' | StepStatus; readonly message: string;
      /** On `started`: the step's structured log fields (stepLogFields). */
      readonly fields?: Readonly<Record<string, string | number | boolean>>;
    }
  | {
      readonly kind: 'node'; readonly at: number; readonly node: string; readonly instanceId: string | undefined;
      /** The node's mark phase, or where it ended. */
      readonly phase: Phase | 'removed' | 'rolled-back' | 'failed' | 'stopped';
      readonly evicted: number; readonly remaining: number; readonly message: string;
    }
  | { readonly kind: 'eviction'; readonly at: number; readonly node: string; readonly pod: string; readonly outcome: EvictionOutcome; readonly message: string; readonly retryInMs?: number }
  | { readonly kind: 'action'; readonly at: number; readonly dryRun: boolean; readonly action: Action };

export type StepReport = {
  readonly index: number;
  readonly kind: StepKind;
  readonly status: StepStatus;
  readonly message: string;
};

export type NodeReport = {
  readonly node: string;
  readonly instanceId: string | undefined;
  readonly group: string | undefined;
  readonly step: 'drain-node' | 'resume-node' | 'rollback-node';
  readonly result: 'removed' | 'rolled-back' | 'failed' | 'stopped';
  readonly code: NodeCode;
  /** The last phase written (undefined: never marked, or rolled back). */
  readonly phase: Phase | undefined;
  /** Evictions the API accepted. */
  readonly evicted: number;
  /** Evictions a budget refused (429), each retried later. */
  readonly refused: number;
  /** Pods deleted past the deadline under policy force. */
  readonly forced: number;
  readonly reason: string;
};

export type ExecutionReport = {
  readonly dryRun: boolean;
  readonly startedAt: number;
  readonly finishedAt: number;
  /** done: every step done or skipped; failed: a step failed and the rest did not run; stopped: aborted or no longer leader. */
  readonly outcome: 'done' | 'failed' | 'stopped';
  readonly stoppedBy: 'abort' | 'leadership' | undefined;
  readonly message: string;
  readonly steps: readonly StepReport[];
  readonly nodes: readonly NodeReport[];
  /** Every mutating call, in order; in a dry run, what would have been called. */
  readonly actions: readonly Action[];
};
