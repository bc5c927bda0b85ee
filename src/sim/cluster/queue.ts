// A controller's work queue on the simulated clock: keys collect while store events
// arrive and are handled together in one pass, so a burst of thousands of events costs
// one reconcile per object, and a manual clock decides exactly when that pass runs.

import { ApiError } from '../kube/api-error.js';
import type { SimClock, Timer } from '../sim-clock.js';

export class WorkQueue {
  readonly #clock: SimClock;
  readonly #delayMs: number;
  readonly #process: (keys: string[]) => void;
  #keys = new Set<string>();
  #timer: Timer | undefined;
  readonly #later = new Map<string, Timer>();
  #stopped = false;

  /** `process` gets the keys of one pass; keys added meanwhile go to the next pass. */
  constructor(clock: SimClock, delayMs: number, process: (keys: string[]) => void) {
    this.#clock = clock;
    this.#delayMs = delayMs;
    this.#process = process;
  }

  get pending(): boolean {
    return this.#keys.size > 0;
  }

  add(key: string): void {
    if (this.#stopped) return;
    this.#keys.add(key);
    this.#timer ??= this.#clock.after(this.#delayMs, () => this.flush());
  }

  /** Adds the key once `delayMs` of simulated time has passed (a timed re-check; asking twice for the same instant sets one timer). */
  addAfter(key: string, delayMs: number): void {
    if (this.#stopped) return;
    const id = `${key}@${this.#clock.now() + delayMs}`;
    if (this.#later.has(id)) return;
    this.#later.set(id, this.#clock.after(delayMs, () => {
      this.#later.delete(id);
      this.add(key);
    }));
  }

  /** Runs the pending pass now (settle), or when its timer fires. */
  flush(): void {
    this.#clock.cancel(this.#timer);
    this.#timer = undefined;
    if (this.#keys.size === 0) return;
    const keys = [...this.#keys];
    this.#keys = new Set();
    this.#process(keys);
  }

  stop(): void {
    this.#stopped = true;
    this.#clock.cancel(this.#timer);
    for (const timer of this.#later.values()) this.#clock.cancel(timer);
    this.#later.clear();
    this.#keys.clear();
  }
}

/**
 * A pass that reconciles key by key. An object deleted or changed under a controller in
 * the same pass (404, 409) is not an error: the event that did it queues the key again.
 */
export function eachKey(reconcile: (key: string) => void): (keys: string[]) => void {
  return (keys) => {
    for (const key of keys) {
      try {
        reconcile(key);
      } catch (error) {
        if (!(error instanceof ApiError && (error.code === 404 || error.code === 409))) throw error;
      }
    }
  };
}
