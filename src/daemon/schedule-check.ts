// Checking schedules off the daemon's thread: a worker thread (schedule-worker.ts), held
// to a memory limit and a time limit per request, and ended after a quiet minute. A
// schedule that needs more is refused like an invalid one (SCALERD_ERR_SCHEDULE_TOO_COMPLEX)
// and the daemon goes on with the last good one; a worker that dies is replaced at the
// next request. The daemon's thread only rebuilds the checked schedule from plain data.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Diagnostic, Schedule } from '../schedule/index.js';
import type { Window } from '../schedule/types.js';
import { desiredFromData, scheduleFromData, windowFromData } from '../schedule/transfer.js';
import type { Evaluation } from './evaluation.js';
import type { WorkerReply, WorkerRequest } from './schedule-worker.js';
import type { NextTransition } from './status.js';

export type CheckLimits = {
  /** A check or a look ahead that takes longer is stopped, and the schedule refused. */
  readonly timeoutMs: number;
  /** The worker's heap (V8's old generation); a check that needs more is refused. */
  readonly memoryMb: number;
  /** The worker ends after this long without a request, giving its memory back. */
  readonly idleMs: number;
};

/**
 * Within the daemon's 384 MiB container (deploy/deployment.yaml): ~85 MB for the daemon,
 * 128 MB of heap for one check, which is enough for any schedule of 1 MiB we have tried.
 * The thread ends 5 s after its last request: it is needed when the schedule changes and
 * when its next change passes, a few times a day, and an idle daemon should not hold it.
 */
export const DEFAULT_CHECK_LIMITS: CheckLimits = { timeoutMs: 60_000, memoryMb: 128, idleMs: 5_000 };

export type Checked =
  | { readonly ok: true; readonly schedule: Schedule; readonly evaluation: Evaluation; readonly warnings: readonly Diagnostic[]; readonly next: NextTransition | null }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

type Final = Exclude<WorkerReply, { windows: readonly unknown[] }>;
type Pending = {
  readonly resolve: (reply: { reply: Final; windows: readonly Window[] } | { failed: string }) => void;
  readonly timer: NodeJS.Timeout;
  /** The windows received so far, each part built as it came. */
  readonly windows: Window[];
};

export class ScheduleChecker {
  readonly #limits: CheckLimits;
  #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #idle: NodeJS.Timeout | undefined;

  constructor(limits: Partial<CheckLimits> = {}) {
    this.#limits = { ...DEFAULT_CHECK_LIMITS, ...limits };
  }

  /** The schedule in `text` checked as `validate` checks it, with its next change from `now`. */
  async check(text: string, file: string, now: number): Promise<Checked> {
    const answer = await this.#ask({ kind: 'check', text, file, now });
    if ('failed' in answer) return { ok: false, diagnostics: [tooCostly(file, answer.failed)] };
    const { reply, windows } = answer;
    if (!reply.ok) return reply;
    const evaluation = reply.evaluation!;
    return { ok: true, schedule: scheduleFromData(reply.schedule!, windows), evaluation: { ...evaluation, desired: desiredFromData(evaluation.desired) }, warnings: reply.warnings, next: reply.next };
  }

  /** The next change of the schedule in `text` (which checked before) after `now`; undefined when that could not be found in time. */
  async next(text: string, file: string, now: number): Promise<NextTransition | null | undefined> {
    const answer = await this.#ask({ kind: 'next', text, file, now });
    return 'failed' in answer || !answer.reply.ok ? undefined : answer.reply.next;
  }

  /** Ends the worker; requests under way are answered as failed. */
  async close(): Promise<void> {
    clearTimeout(this.#idle);
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failAll('the daemon is stopping');
    await worker?.terminate();
  }

  #ask(request: { kind: 'check' | 'next'; text: string; file: string; now: number }): Promise<{ reply: Final; windows: readonly Window[] } | { failed: string }> {
    const worker = this.#worker ?? this.#start();
    clearTimeout(this.#idle);
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // A check that runs away is stopped with its thread: nothing else can stop it.
        this.#stop(worker, `checking took longer than ${Math.round(this.#limits.timeoutMs / 1000)} s`);
      }, this.#limits.timeoutMs);
      this.#pending.set(id, { resolve, timer, windows: [] });
      worker.postMessage({ id, ...request } as WorkerRequest);
    });
  }

  #start(): Worker {
    const worker = spawnWorker(this.#limits.memoryMb);
    worker.unref(); // an idle checker never keeps the process alive
    worker.on('message', (reply: WorkerReply) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      if ('windows' in reply) {
        for (const w of reply.windows) pending.windows.push(windowFromData(w));
        // The next part only after what waited meanwhile (a /healthz, a Lease answer) ran.
        setImmediate(() => worker.postMessage({ id: reply.id, kind: 'ack' } satisfies WorkerRequest));
        return;
      }
      this.#pending.delete(reply.id);
      clearTimeout(pending.timer);
      pending.resolve({ reply, windows: pending.windows });
      if (this.#pending.size === 0) this.#idle = setTimeout(() => this.#stop(worker, 'idle'), this.#limits.idleMs).unref();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      this.#stop(worker, error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `checking needed more than ${this.#limits.memoryMb} MB` : `the checking thread failed: ${error.message}`);
    });
    worker.on('exit', () => this.#stop(worker, 'the checking thread ended'));
    this.#worker = worker;
    return worker;
  }

  #stop(worker: Worker, why: string): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    clearTimeout(this.#idle);
    this.#failAll(why);
    void worker.terminate();
  }

  #failAll(why: string): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.resolve({ failed: why });
    }
  }
}

function tooCostly(file: string, why: string): Diagnostic {
  return {
    severity: 'error', code: 'SCALERD_ERR_SCHEDULE_TOO_COMPLEX', file, line: 1, column: 1, pointer: '',
    message: `the schedule could not be checked within the daemon's limits: ${why}`,
    hint: 'check it with `scalerd validate`, which has no such limit, and make it smaller',
  };
}

/**
 * The worker from the built file beside this one; when this module runs from its
 * TypeScript source (the tests), from the source through tsx's loader.
 */
function spawnWorker(memoryMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: 16 };
  const built = new URL('./schedule-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return new Worker(built, { resourceLimits });
  const source = new URL('./schedule-worker.ts', import.meta.url).href;
  // tsx (a devDependency, there whenever the source is) resolved from the working directory: the project's.
  const script = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(script, { eval: true, resourceLimits });
}
