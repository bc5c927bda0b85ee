// The simulator's clock stands still while its process cannot run (a loaded machine, or the
// process's own synchronous work), so bounds in simulated time do not depend on the load.
// Only the blocked stretch is asserted: it is exact, however busy the machine is.

import { describe, expect, it } from 'vitest';
import { SimClock } from '../../src/sim/sim-clock.js';

const SPEED = 20;

/** Keeps this thread busy for `ms` real milliseconds: nothing else of the process runs meanwhile. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('an accelerated simulated clock', () => {
  it('does not advance while the event loop is blocked, and carries on after', async () => {
    const clock = new SimClock({ speed: SPEED, start: 0 });
    try {
      await tick();
      const before = clock.now();
      block(300);
      const during = clock.now() - before;
      // At most the heartbeat's period and its tolerance (12 real ms) pass in simulated time.
      expect(during).toBeLessThanOrEqual(12 * SPEED);
      await tick();
      await tick();
      expect(clock.stalledMs).toBeGreaterThanOrEqual(250);
      // Time moves again, never backwards, and never faster than real time × speed.
      const realBefore = performance.now();
      const after = clock.now();
      await tick();
      expect(clock.now()).toBeGreaterThan(after);
      expect(clock.now() - after).toBeLessThanOrEqual((performance.now() - realBefore + 1) * SPEED);
    } finally {
      clock.stop();
    }
  });

  it('runs its timers in simulated time across a stall, in order', async () => {
    const clock = new SimClock({ speed: SPEED, start: 0 });
    try {
      const fired: number[] = [];
      const done = new Promise<void>((resolve) => {
        clock.after(2_000, () => fired.push(clock.now()));
        clock.after(4_000, () => {
          fired.push(clock.now());
          resolve();
        });
      });
      block(150); // 3,000 simulated ms if the stall counted
      await done;
      expect(fired[0]).toBeGreaterThanOrEqual(2_000);
      expect(fired[1]).toBeGreaterThanOrEqual(4_000);
      expect(clock.stalledMs).toBeGreaterThanOrEqual(100);
    } finally {
      clock.stop();
    }
  });

  it('counts the stall when asked not to pause (and at speed 1 by default)', async () => {
    for (const clock of [new SimClock({ speed: SPEED, start: 0, pauseWhenStalled: false }), new SimClock({ speed: 1, start: 0 })]) {
      try {
        const before = clock.now();
        block(100);
        expect(clock.now() - before).toBeGreaterThanOrEqual(100 * clock.speed);
        expect(clock.stalledMs).toBe(0);
      } finally {
        clock.stop();
      }
    }
  });
});
