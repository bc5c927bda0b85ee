// What every part of one execution shares: the gated world, the resolved options, the
// in-flight registry, time (clock, abortable sleep, back-off), progress and the report's
// lists. Built once per execute() call; nothing here outlives it.

import { setMaxListeners } from 'node:events';
import type { Clock } from '../clock.js';
import { isRemoteError } from '../errors.js';
import { resolveOptions, type Budgets, type PlanOptions, type PodContext } from '../plan/index.js';
import { isStopped, Stopped } from './failures.js';
import { InFlight } from './in-flight.js';
import { backoffMs, type ExecuteOptions } from './options.js';
import type { Action, ExecuteDeps, NodeReport, ProgressEvent } from './types.js';
import { createWorld, type World } from './world.js';

/** An event as a step tells it: `at` when the step read the clock for what it says ("62 s so far"), otherwise now. */
type Emitted = ProgressEvent extends infer E ? (E extends ProgressEvent ? Omit<E, 'at'> & { readonly at?: number } : never) : never;

export type ExecContext = {
  readonly owner: string;
  readonly options: ExecuteOptions;
  readonly planOptions: PlanOptions;
  readonly world: World;
  readonly clock: Clock;
  readonly random: () => number;
  readonly dryRun: boolean;
  /** Aborted (with a Stopped reason) when the run must stop. */
  readonly signal: AbortSignal;
  readonly inFlight: InFlight;
  readonly actions: Action[];
  readonly nodes: NodeReport[];
  emit(event: Emitted): void;
  /** Waits `ms` of the clock's time; rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A write, tried again on a retryable RemoteError (back-off between), at most `writeAttempts` times. */
  retry<T>(write: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** How the planner classifies pods, now. */
  podContext(budgets: Budgets): PodContext;
  /** Throws Stopped when the run was aborted or leadership is gone: between steps, nothing starts. */
  checkpoint(): void;
  /** Detaches from the caller's signal: the run is over. */
  close(): void;
};

/**
 * A dry run's words for what it pretended: every message a dry run emits or reports says
 * "would", so no log line, summary or /status of one reads as if something changed.
 */
export function would(message: string): string {
  return /^would\b/.test(message) ? message : `would: ${message}`;
}

export function createContext(owner: string, deps: ExecuteDeps, options: ExecuteOptions): ExecContext {
  const controller = new AbortController();
  // Every node run and wait of the execution listens on it: many at once, by design.
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort(new Stopped('abort'));
  if (deps.signal?.aborted) onAbort();
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  const actions: Action[] = [];
  const random = deps.random ?? Math.random;
  const planOptions = resolveOptions({ ...options.planOptions, owner });

  const emit = (event: Emitted) => {
    if (!deps.onProgress) return;
    try {
      const said = deps.dryRun && event.kind !== 'action' ? { ...event, message: would(event.message) } : event;
      deps.onProgress({ ...said, at: event.at ?? deps.clock.now() } as ProgressEvent);
    } catch {
      // A listener's bug must not stop a drain half-way; the report still tells all.
    }
  };
  const world = createWorld({
    ...deps,
    controller,
    record: (action) => {
      actions.push(action);
      emit({ kind: 'action', dryRun: deps.dryRun, action });
    },
  });

  const sleep = (ms: number, signal: AbortSignal = controller.signal): Promise<void> => {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      deps.sleep(ms, signal).then(
        () => {
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) reject(signal.reason);
          else resolve();
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(signal.aborted ? signal.reason : error);
        },
      );
    });
  };

  const retry = async <T>(write: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        if (isStopped(error) || !isRemoteError(error) || !error.detail.retryable || attempt + 1 >= options.writeAttempts) throw error;
        await sleep(backoffMs(attempt, options.evictionBackoff, random), signal);
      }
    }
  };

  return {
    owner,
    options,
    planOptions,
    world,
    clock: deps.clock,
    random,
    dryRun: deps.dryRun,
    signal: controller.signal,
    inFlight: new InFlight(),
    actions,
    nodes: [],
    emit,
    sleep,
    retry,
    podContext: (budgets) => ({ now: deps.clock.now(), options: planOptions, budgets }),
    checkpoint: () => world.checkpoint(),
    close: () => deps.signal?.removeEventListener('abort', onAbort),
  };
}
