// What wakes the daemon. Every trigger runs the same level-based reconcile; none carries
// a meaning of its own (ARCHITECTURE.md), so a missed or doubled trigger costs at most a
// delay or a reconcile that finds nothing to do:
// - the schedule's next boundary: a one-shot node-cron task at that wall-clock second in
//   the schedule's timezone, armed again after every reconcile for the boundary after;
// - a periodic resync (default 60 s), which also catches a boundary node-cron missed
//   (the process was suspended, the clock jumped);
// - pokes: overrides changed, the schedule file changed, leadership gained.

import cron from 'node-cron';
import type { Zone } from '../schedule/index.js';

/** Runs `fire` once at `instant` (epoch ms); returns a cancel function. */
export type InstantTimer = (instant: number, zone: Zone, fire: () => void) => () => void;

/**
 * node-cron at the boundary's local wall-clock second in the schedule's zone. Boundaries
 * never fall in a DST gap (the schedule moves them to the gap's end) and, in a repeated
 * hour, the first occurrence is the one the schedule means and the one a cron
 * expression in that zone matches first.
 */
export const cronTimer: InstantTimer = (instant, zone, fire) => {
  // Whole seconds, rounded up: firing a moment before a boundary would find the old state.
  const at = zone.toLocal(Math.ceil(instant / 1000) * 1000);
  const expression = `${at.second} ${at.minute} ${at.hour} ${at.day} ${at.month} *`;
  const task = cron.schedule(expression, () => fire(), { timezone: zone.name, maxExecutions: 1, name: `boundary ${new Date(instant).toISOString()}` });
  return () => void task.destroy();
};

/** A real-time interval: the resync needs no calendar. */
export function everyMs(ms: number, fire: () => void): () => void {
  const timer = setInterval(fire, ms);
  return () => clearInterval(timer);
}

export type Timers = { readonly at: InstantTimer; readonly every: (ms: number, fire: () => void) => () => void };

/** Production's timers: node-cron at the boundary, a real-time interval for the resync. */
export const realTimers: Timers = { at: (instant, zone, fire) => cronTimer(instant, zone, fire), every: (ms, fire) => everyMs(ms, fire) };

/**
 * Timers on a clock of one's own (the embedded simulator's, in the demo and the tests):
 * --speed then speeds up the schedule too.
 */
export function clockTimers<T>(clock: { now(): number; after(ms: number, fire: () => void): T; cancel(timer: T): void }): Timers {
  return {
    at: (instant, _zone, fire) => {
      const timer = clock.after(instant - clock.now(), fire);
      return () => clock.cancel(timer);
    },
    every: (ms, fire) => {
      let timer = clock.after(ms, tick);
      function tick() {
        fire();
        timer = clock.after(ms, tick);
      }
      return () => clock.cancel(timer);
    },
  };
}
