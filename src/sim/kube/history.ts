// The watch cache's event history: what a watch can resume from. Like the API server's
// cacher it is kept per resource, so one resource's churn (thousands of node Leases
// renewed every 10 s) never expires another's history, and like it the window is time:
// the cacher keeps DefaultEventFreshDuration, 75 s, of events (kube-apiserver raises it
// to --request-timeout + 15 s, 75 s again by default), within 100 × 1024 events per
// resource. The real cache sizes a ring to hold at least that long and may keep a quiet
// resource's events longer; here the window is exact, on the simulated clock, so relist
// paths are exercised by any client that stays away longer than that.

import type { Clock } from '../../clock.js';
import { gone } from './api-error.js';
import type { StoreEvent } from './store.js';

export type HistoryOptions = {
  /** Simulated milliseconds an event stays resumable (default 75 s). */
  readonly windowMs?: number;
  /** Events kept per resource at most (default 100 × 1024, the cacher's upper bound). */
  readonly capacity?: number;
};

export const DEFAULT_HISTORY_WINDOW_MS = 75_000;
export const DEFAULT_HISTORY_CAPACITY = 100 * 1024;

type Log = { events: StoreEvent[]; times: number[]; start: number; compacted: number };

export class History {
  readonly #clock: Clock;
  readonly #windowMs: number;
  readonly #capacity: number;
  readonly #logs = new Map<string, Log>();

  constructor(clock: Clock, options: HistoryOptions = {}) {
    this.#clock = clock;
    this.#windowMs = options.windowMs ?? DEFAULT_HISTORY_WINDOW_MS;
    this.#capacity = options.capacity ?? DEFAULT_HISTORY_CAPACITY;
  }

  record(event: StoreEvent): void {
    const log = this.#log(event.resource);
    log.events.push(event);
    log.times.push(this.#clock.now());
    this.#prune(log);
  }

  /**
   * The resource's events after `resourceVersion`, in order; 410 Expired (the cacher's
   * "too old resource version") when an event after it was already dropped.
   */
  since(resource: string, resourceVersion: number): StoreEvent[] {
    const log = this.#log(resource);
    this.#prune(log);
    if (resourceVersion < log.compacted) throw gone(`too old resource version: ${resourceVersion} (${log.compacted})`);
    let lo = log.start;
    let hi = log.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (log.events[mid]!.rv <= resourceVersion) lo = mid + 1;
      else hi = mid;
    }
    return log.events.slice(lo);
  }

  /** The resourceVersion of the resource's newest dropped event: resuming needs at least this (0: none dropped). */
  compactedAt(resource: string): number {
    const log = this.#log(resource);
    this.#prune(log);
    return log.compacted;
  }

  #log(resource: string): Log {
    let log = this.#logs.get(resource);
    if (!log) this.#logs.set(resource, (log = { events: [], times: [], start: 0, compacted: 0 }));
    return log;
  }

  #prune(log: Log): void {
    const oldest = this.#clock.now() - this.#windowMs;
    let { start } = log;
    while (start < log.events.length && (log.times[start]! < oldest || log.events.length - start > this.#capacity)) start++;
    if (start === log.start) return;
    log.compacted = log.events[start - 1]!.rv;
    // A ring via splice: compact the arrays once half of them is dropped entries.
    if (start * 2 > log.events.length) {
      log.events.splice(0, start);
      log.times.splice(0, start);
      start = 0;
    }
    log.start = start;
  }
}
