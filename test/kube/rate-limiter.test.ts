// The token bucket on a fake clock: burst, then qps; strict arrival order; one timer for
// the head of the queue rather than a spin.

import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/kube/index.js';
import { SimClock } from '../../src/sim/sim-clock.js';

/** Lets granted promises run their continuations (no time passes). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function bucket(qps: number, burst: number) {
  const clock = new SimClock({ manual: true, start: 0 });
  const sleeps: number[] = [];
  const limiter = new TokenBucket({ qps, burst, clock, sleep: (ms) => { sleeps.push(ms); return clock.sleep(ms); } });
  const granted: number[] = [];
  const take = (id: number) => limiter.take().then(() => granted.push(id));
  /** Moves the clock `times` steps of `ms`, letting the granted run after each. */
  const tick = async (ms: number, times = 1) => {
    for (let i = 0; i < times; i++) {
      clock.advance(ms);
      await settle();
    }
  };
  return { clock, limiter, granted, sleeps, take, tick };
}

describe('TokenBucket', () => {
  it('lets a burst through at once, then one request per 1/qps seconds', async () => {
    const b = bucket(2, 3);
    for (let i = 0; i < 7; i++) void b.take(i);
    await settle();
    expect(b.granted).toEqual([0, 1, 2]);
    expect(b.limiter.waiting).toBe(4);

    b.clock.advance(499);
    await settle();
    expect(b.granted).toHaveLength(3); // not a millisecond early
    b.clock.advance(1);
    await settle();
    expect(b.granted).toEqual([0, 1, 2, 3]);
    b.clock.advance(1_500);
    await settle();
    expect(b.granted).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(b.limiter.waiting).toBe(0);
  });

  it('serves waiters first come, first served, even when a token is free as a newcomer arrives', async () => {
    const b = bucket(1, 1);
    void b.take(1);
    void b.take(2);
    void b.take(3);
    await settle();
    expect(b.granted).toEqual([1]);
    b.clock.advance(1_000);
    // A token is due for 2; 4 arrives in the same instant and must queue behind 3.
    void b.take(4);
    await settle();
    expect(b.granted).toEqual([1, 2]);
    await b.tick(1_000, 2);
    expect(b.granted).toEqual([1, 2, 3, 4]);
  });

  it('refills up to burst after a quiet spell, not beyond', async () => {
    const b = bucket(10, 4);
    for (let i = 0; i < 4; i++) void b.take(i);
    await settle();
    b.clock.advance(60_000);
    for (let i = 4; i < 10; i++) void b.take(i);
    await settle();
    expect(b.granted).toEqual([0, 1, 2, 3, 4, 5, 6, 7]); // 4 again, not 600
    b.clock.advance(200);
    await settle();
    expect(b.granted).toHaveLength(10);
  });

  it('waits with one timer for the head of the queue, never spinning', async () => {
    const b = bucket(4, 1);
    for (let i = 0; i < 5; i++) void b.take(i);
    await settle();
    await settle();
    expect(b.sleeps).toEqual([250]); // one sleep while four wait
    await b.tick(250, 4);
    expect(b.granted).toEqual([0, 1, 2, 3, 4]);
    expect(b.sleeps).toEqual([250, 250, 250, 250]);
  });

  it('handles a fractional rate without sleeping again for a rounding error', async () => {
    const b = bucket(3, 1); // 333.3… ms a token
    for (let i = 0; i < 4; i++) void b.take(i);
    await settle();
    await b.tick(334, 3);
    expect(b.granted).toEqual([0, 1, 2, 3]);
    // One sleep per waiter, each the rest of a token's 333.3 ms: none for a rounding error.
    expect(b.sleeps).toHaveLength(3);
    expect(b.sleeps.every((ms) => ms === 333 || ms === 334)).toBe(true);
  });

  it('rejects a rate or burst that cannot work', () => {
    const clock = new SimClock({ manual: true, start: 0 });
    const sleep = () => Promise.resolve();
    expect(() => new TokenBucket({ qps: 0, burst: 1, clock, sleep })).toThrow(/qps/);
    expect(() => new TokenBucket({ qps: Number.NaN, burst: 1, clock, sleep })).toThrow(/qps/);
    expect(() => new TokenBucket({ qps: 5, burst: 0, clock, sleep })).toThrow(/burst/);
    expect(() => new TokenBucket({ qps: 5, burst: 1.5, clock, sleep })).toThrow(/burst/);
  });
});
