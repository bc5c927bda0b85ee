// The simulator's one clock: real time, optionally accelerated (`speed`), or manual
// (tests advance it explicitly). Every delay in the simulator — launches, joins, pod
// start-up, graceful termination — is a timer on this clock, so a test can run an hour
// of cluster life in a second and still see the same order of events.

import type { Clock } from '../clock.js';
import { Heap } from '../heap.js';

export type Timer = { readonly at: number; readonly seq: number; cancelled: boolean; readonly fn: () => void };

export type SimClockOptions = {
  /** Simulated milliseconds per real millisecond (default 1). Ignored in manual mode. */
  readonly speed?: number;
  /** Simulated start instant (default: the real now). */
  readonly start?: number;
  /** Time moves only through advance() (default false). */
  readonly manual?: boolean;
  /**
   * Simulated time stands still while this process cannot run (default: when accelerated,
   * speed > 1). See STALL_BEAT_MS.
   */
  readonly pauseWhenStalled?: boolean;
};

/**
 * How often an accelerated clock checks that its process is running. At speed 20 a timer
 * that fires 100 ms late on a loaded machine would be 2 simulated seconds late: a lease
 * renewal missed, a bound broken, though nothing simulated was slow. So a heartbeat timer
 * measures how late the event loop runs it, and the time beyond STALL_BEAT_MS +
 * STALL_TOLERANCE_MS is taken out of the clock; between beats the clock does not run past
 * the next beat's due time plus the tolerance. The process's own work (a long synchronous
 * plan) stops the clock too, as its starvation does: the simulated cluster waits for it.
 */
const STALL_BEAT_MS = 10;
// Small: a process that shares its core with busy neighbours is not stopped for long
// stretches but runs in slices; each gap that delays a beat by more than this counts.
const STALL_TOLERANCE_MS = 2;

export class SimClock implements Clock {
  readonly speed: number;
  readonly manual: boolean;
  readonly #start: number;
  readonly #realStart = performance.now();
  #manualNow: number;
  // On (at, seq): timers due at the same instant run in the order set.
  readonly #heap = new Heap<Timer>(before);
  #seq = 0;
  #realTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  /** Real ms taken out of the clock because the process stalled (pauseWhenStalled). */
  #stalledMs = 0;
  /** performance.now() at the last heartbeat; undefined without pauseWhenStalled. */
  #lastBeat: number | undefined;
  #beatTimer: NodeJS.Timeout | undefined;

  constructor(options: SimClockOptions = {}) {
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0)) throw new RangeError(`speed must be positive, got ${this.speed}`);
    this.manual = options.manual ?? false;
    this.#start = options.start ?? Date.now();
    this.#manualNow = this.#start;
    if (!this.manual && (options.pauseWhenStalled ?? this.speed > 1)) {
      this.#lastBeat = performance.now();
      this.#beat();
    }
  }

  now(): number {
    if (this.manual) return this.#manualNow;
    return Math.floor(this.#start + this.#runningMs() * this.speed);
  }

  /** Real ms this clock has run: since it started, less the stalls. */
  #runningMs(): number {
    const real = performance.now();
    if (this.#lastBeat === undefined) return real - this.#realStart;
    // A beat that is overdue means the loop has not come round: time stops at its due time.
    const running = Math.min(real, this.#lastBeat + STALL_BEAT_MS + STALL_TOLERANCE_MS);
    return running - this.#realStart - this.#stalledMs;
  }

  #beat(): void {
    this.#beatTimer = setTimeout(() => {
      const real = performance.now();
      const late = real - this.#lastBeat! - STALL_BEAT_MS - STALL_TOLERANCE_MS;
      if (late > 0) this.#stalledMs += late;
      this.#lastBeat = real;
      if (!this.#stopped) this.#beat();
    }, STALL_BEAT_MS);
    this.#beatTimer.unref();
  }

  /** Real ms the clock stood still while the process could not run (pauseWhenStalled). */
  get stalledMs(): number {
    return this.#stalledMs;
  }

  /** Runs fn once `delayMs` of simulated time has passed. */
  after(delayMs: number, fn: () => void): Timer {
    const timer: Timer = { at: this.now() + Math.max(0, delayMs), seq: this.#seq++, cancelled: false, fn };
    this.#heap.push(timer);
    this.#arm();
    return timer;
  }

  cancel(timer: Timer | undefined): void {
    if (timer) timer.cancelled = true;
  }

  /** Resolves after `delayMs` of simulated time; rejects with the abort reason when `signal` aborts first (as timers/promises does). */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    if (!signal) return new Promise((resolve) => this.after(delayMs, resolve));
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.cancel(timer);
        reject(signal.reason);
      };
      const timer = this.after(delayMs, () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Manual mode: moves time forward, running every timer that comes due, in order. */
  advance(ms: number): void {
    if (!this.manual) throw new Error('advance() is for a manual clock');
    const until = this.#manualNow + ms;
    for (;;) {
      const next = this.#heap.peek();
      if (!next || next.at > until) break;
      this.#heap.pop();
      this.#manualNow = Math.max(this.#manualNow, next.at);
      if (!next.cancelled) next.fn();
    }
    this.#manualNow = until;
  }

  /** Stops running timers (the simulator is shutting down). */
  stop(): void {
    this.#stopped = true;
    if (this.#realTimer) clearTimeout(this.#realTimer);
    if (this.#beatTimer) clearTimeout(this.#beatTimer);
    this.#heap.clear();
  }

  get pendingTimers(): number {
    return this.#heap.values().filter((t) => !t.cancelled).length;
  }

  #arm(): void {
    if (this.manual || this.#stopped) return;
    if (this.#realTimer) clearTimeout(this.#realTimer);
    const next = this.#heap.peek();
    if (!next) return;
    const realDelay = Math.max(0, (next.at - this.now()) / this.speed);
    this.#realTimer = setTimeout(() => this.#runDue(), Math.min(realDelay, 2 ** 31 - 1));
    this.#realTimer.unref();
  }

  #runDue(): void {
    this.#realTimer = undefined;
    const now = this.now();
    for (;;) {
      const next = this.#heap.peek();
      if (!next || next.at > now || this.#stopped) break;
      this.#heap.pop();
      if (!next.cancelled) next.fn();
    }
    this.#arm();
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
