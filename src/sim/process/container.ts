// One container of a pod that runs a real process: started, probed, restarted with
// back-off when it exits, stopped with SIGTERM then SIGKILL. It reports a change through
// `changed()`; the pod's status is written from `status()` by the runtime.
//
// Real time throughout (the process runs in real time): probe periods, back-off. The
// timestamps it reports (startedAt, finishedAt) are the simulator's clock, like every
// other timestamp in the store.

import { isoSeconds } from '../../clock.js';
import type { Loose } from '../cluster/objects.js';
import { newContainerId } from '../cluster/pod-status.js';
import { type Child, type ChildExit, spawnChild } from './child.js';
import type { Launch } from './env.js';
import { LogBuffer } from './log-buffer.js';
import { type Probe, runProbe } from './probe.js';
import type { ProcessSpec } from './table.js';

/**
 * created: not started yet · running: the process runs · backoff: it exited and waits to
 * restart (CrashLoopBackOff) · stopping: SIGTERM or SIGKILL sent · exited: for good.
 */
export type ContainerPhase = 'created' | 'running' | 'backoff' | 'stopping' | 'exited';

const TRANSITIONS: Readonly<Record<ContainerPhase, readonly ContainerPhase[]>> = {
  created: ['running', 'exited'],
  running: ['backoff', 'stopping', 'exited'],
  backoff: ['running', 'exited'],
  stopping: ['exited'],
  exited: [],
};

export type BackoffTimings = {
  /** Real ms before the first restart; doubles at each restart up to maxMs (the kubelet's 10 s → 5 min, scaled down). */
  readonly initialMs: number;
  readonly maxMs: number;
};

export const DEFAULT_BACKOFF: BackoffTimings = { initialMs: 250, maxMs: 5000 };

export type ContainerDeps = {
  readonly spec: ProcessSpec;
  /** Environment and arguments, computed at each start from the pod as stored then. */
  launch(): Launch;
  readonly probe: Probe;
  /** restartPolicy applied to an exit code. */
  restarts(exitCode: number): boolean;
  readonly backoff: BackoffTimings;
  readonly logLimit: number;
  /** The simulator's clock, for the timestamps in the status. */
  now(): number;
  /** Something the status shows changed. */
  changed(): void;
};

type Terminated = { exitCode: number; reason: string; message?: string; signal?: number; startedAt: string; finishedAt: string; containerID: string };

export class ProcessContainer {
  readonly name: string;
  readonly #deps: ContainerDeps;
  #phase: ContainerPhase = 'created';
  #child: Child | undefined;
  /** Counts starts, so a late exit or probe result of an earlier run is ignored. */
  #run = 0;
  #restartCount = 0;
  #ready = false;
  #startedAt = 0;
  #realStartedAt = 0;
  #containerId = '';
  #lastTerminated: Terminated | undefined;
  #nextBackoffMs: number;
  #backoffMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #successes = 0;
  #failures = 0;
  #killed = false;
  #logs: LogBuffer;
  #previousLogs: LogBuffer | undefined;

  constructor(name: string, deps: ContainerDeps) {
    this.name = name;
    this.#deps = deps;
    this.#nextBackoffMs = deps.backoff.initialMs;
    this.#logs = new LogBuffer(deps.logLimit);
  }

  get phase(): ContainerPhase {
    return this.#phase;
  }

  get ready(): boolean {
    return this.#ready;
  }

  get pid(): number | undefined {
    return this.#child?.alive ? this.#child.pid : undefined;
  }

  get restartCount(): number {
    return this.#restartCount;
  }

  /** Whether a SIGKILL ended (or is ending) it. */
  get killed(): boolean {
    return this.#killed;
  }

  get exited(): Promise<ChildExit | undefined> {
    return this.#child?.exited ?? Promise.resolve(undefined);
  }

  logs(previous = false): string | undefined {
    return previous ? this.#previousLogs?.text() : this.#logs.text();
  }

  /** Starts the process (the first time, or after its back-off). */
  start(): void {
    this.#to('running');
    const run = ++this.#run;
    const { env, args } = this.#deps.launch();
    this.#ready = false;
    this.#successes = 0;
    this.#failures = 0;
    this.#startedAt = this.#deps.now();
    this.#realStartedAt = performance.now();
    this.#containerId = newContainerId();
    const spec = this.#deps.spec;
    this.#child = spawnChild({ command: spec.command, args, env, ...(spec.cwd ? { cwd: spec.cwd } : {}) }, this.#logs);
    void this.#child.exited.then((exit) => this.#onExit(run, exit));
    const probe = this.#deps.probe;
    if (probe.target) this.#schedule(probe.initialDelayMs, () => this.#probe(run));
    else this.#ready = true;
  }

  /** SIGTERM. Returns whether a process still runs (the pod must wait for it). */
  terminate(): boolean {
    this.#clearTimer();
    if (this.#phase === 'backoff' || this.#phase === 'created') this.#to('exited');
    if (this.#phase === 'running') {
      this.#to('stopping');
      this.#ready = false;
      this.#child?.signal('SIGTERM');
      this.#deps.changed();
    }
    return this.#phase === 'stopping';
  }

  /** SIGKILL: the end of the grace period, or the pod gone from the API. */
  kill(): void {
    this.#clearTimer();
    if (this.#phase === 'backoff' || this.#phase === 'created' || (this.#phase === 'running' && !this.#child?.alive)) this.#to('exited');
    if (this.#phase === 'running') this.#to('stopping');
    if (this.#phase !== 'stopping') return;
    this.#killed = true;
    this.#child?.signal('SIGKILL');
  }

  /** The ContainerStatus the kubelet reports for it. */
  status(image: string): Loose {
    const started = isoSeconds(this.#startedAt);
    const lastState = this.#lastTerminated ? { terminated: this.#lastTerminated } : {};
    let state: Loose;
    if (this.#phase === 'running' || this.#phase === 'stopping') state = { running: { startedAt: started } };
    else if (this.#phase === 'backoff') {
      state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${this.#backoffMs}ms restarting failed container=${this.name}` } };
    } else state = this.#lastTerminated ? { terminated: this.#lastTerminated } : { waiting: { reason: 'ContainerCreating' } };
    const running = this.#phase === 'running' || this.#phase === 'stopping';
    return {
      name: this.name, image, imageID: '', containerID: this.#containerId,
      ready: this.#ready, restartCount: this.#restartCount, started: running,
      state, lastState: this.#phase === 'exited' ? {} : lastState,
    };
  }

  #to(next: ContainerPhase): void {
    if (next === this.#phase) return;
    if (!TRANSITIONS[this.#phase].includes(next)) throw new Error(`container ${this.name}: no transition ${this.#phase} → ${next}`);
    this.#phase = next;
  }

  #schedule(ms: number, fn: () => void): void {
    this.#clearTimer();
    this.#timer = setTimeout(fn, ms);
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #probe(run: number): void {
    const probe = this.#deps.probe;
    this.#timer = undefined;
    void runProbe(probe.target!, probe.timeoutMs).then((result) => {
      if (run !== this.#run || this.#phase !== 'running') return;
      if (result.ok) {
        this.#failures = 0;
        this.#successes++;
        if (!this.#ready && this.#successes >= probe.successThreshold) {
          this.#ready = true;
          this.#deps.changed();
        }
      } else {
        this.#successes = 0;
        this.#failures++;
        if (this.#ready && this.#failures >= probe.failureThreshold) {
          this.#ready = false;
          this.#deps.changed();
        }
      }
      if (probe.once && this.#ready) return;
      this.#schedule(probe.periodMs, () => this.#probe(run));
    });
  }

  #onExit(run: number, exit: ChildExit): void {
    if (run !== this.#run) return;
    this.#clearTimer();
    this.#ready = false;
    this.#lastTerminated = {
      exitCode: exit.exitCode,
      reason: exit.startError ? 'StartError' : exit.exitCode === 0 ? 'Completed' : 'Error',
      ...(exit.startError ? { message: exit.startError } : {}),
      ...(exit.signal ? { signal: exit.exitCode - 128 } : {}),
      startedAt: isoSeconds(this.#startedAt),
      finishedAt: isoSeconds(this.#deps.now()),
      containerID: this.#containerId,
    };
    if (this.#phase === 'running' && this.#deps.restarts(exit.exitCode)) {
      // A container that ran a good while before it failed starts over with the shortest back-off.
      if (performance.now() - this.#realStartedAt >= 2 * this.#deps.backoff.maxMs) this.#nextBackoffMs = this.#deps.backoff.initialMs;
      this.#backoffMs = this.#nextBackoffMs;
      this.#nextBackoffMs = Math.min(this.#nextBackoffMs * 2, this.#deps.backoff.maxMs);
      this.#to('backoff');
      this.#schedule(this.#backoffMs, () => this.#restart());
    } else {
      this.#to('exited');
    }
    this.#deps.changed();
  }

  #restart(): void {
    this.#timer = undefined;
    if (this.#phase !== 'backoff') return;
    this.#restartCount++;
    this.#previousLogs = this.#logs;
    this.#logs = new LogBuffer(this.#deps.logLimit);
    this.start();
    this.#deps.changed();
  }
}
