// The budget gate on a manual clock: slots handed out by the last look at the budgets,
// waiters woken first come first served as looks free slots, evictions in flight held
// back, and the fall-backs (a refusal, failing lists, an abort).

import { describe, expect, it } from 'vitest';
import { BudgetGate, type Slot } from '../../src/actuate/budget-gate.js';
import { createContext, type ExecContext } from '../../src/actuate/context.js';
import { resolveExecuteOptions } from '../../src/actuate/index.js';
import { RemoteError } from '../../src/errors.js';
import { computeBudgets } from '../../src/plan/index.js';
import type { PdbObservation } from '../../src/ports/index.js';
import { SimClock } from '../../src/sim/sim-clock.js';
import { fakeCloud, fakeCluster } from './fakes.js';

const pdb = (allowed: number): PdbObservation => ({
  namespace: 'shop', name: 'web', selector: { matchLabels: { app: 'web' } }, disruptionsAllowed: allowed, currentHealthy: 4, desiredHealthy: 4 - allowed, expectedPods: 4,
});
const KEY = 'shop/web';

type Bed = { ctx: ExecContext; clock: SimClock; lists: () => number; setAllowed(n: number | Error): void };

function bed(): Bed {
  const clock = new SimClock({ manual: true, start: 0 });
  let answer: number | Error = 0;
  let lists = 0;
  const cluster = fakeCluster({
    listPdbs: async () => {
      lists++;
      if (answer instanceof Error) throw answer;
      return [pdb(answer)];
    },
  });
  const ctx = createContext('scalerd', {
    cloud: fakeCloud({}), cluster, clock, sleep: (ms, signal) => clock.sleep(ms, signal), random: () => 0.5, dryRun: false,
  }, resolveExecuteOptions({ budgetPollMs: 250, evictionBackoff: { maxMs: 10_000 } }));
  return { ctx, clock, lists: () => lists, setAllowed: (n) => { answer = n; } };
}

/** Lets pending promise callbacks run, then moves the clock. */
async function advance(clock: SimClock, ms: number): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  clock.advance(ms);
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function track(promise: Promise<Slot>): { slot?: Slot; error?: unknown } {
  const state: { slot?: Slot; error?: unknown } = {};
  promise.then((slot) => { state.slot = slot; }, (error: unknown) => { state.error = error; });
  return state;
}

describe('BudgetGate', () => {
  it('hands out the budget\'s free disruptions at once; the rest wait for a look that frees slots, first come first served', async () => {
    const b = bed();
    const gate = new BudgetGate(b.ctx, computeBudgets([pdb(2)]));
    const signal = new AbortController().signal;
    (await gate.acquire(KEY, signal)).release();
    (await gate.acquire(KEY, signal)).release();
    const [third, fourth, fifth] = [track(gate.acquire(KEY, signal)), track(gate.acquire(KEY, signal)), track(gate.acquire(KEY, signal))];
    await advance(b.clock, 250);
    expect([third.slot, fourth.slot, fifth.slot]).toEqual([undefined, undefined, undefined]);
    // Two replacements turned Ready: the next look frees two slots, for the first two waiters.
    b.setAllowed(2);
    await advance(b.clock, 250);
    expect(third.slot).toBeDefined();
    expect(fourth.slot).toBeDefined();
    expect(fifth.slot).toBeUndefined();
    expect(b.lists()).toBe(2);
    third.slot!.release();
    fourth.slot!.release();
    b.setAllowed(1);
    await advance(b.clock, 250);
    expect(fifth.slot).toBeDefined();
    // Nobody waits: no more lists.
    await advance(b.clock, 1_000);
    expect(b.lists()).toBe(3);
  });

  it('holds back the evictions still in flight when a look comes in', async () => {
    const b = bed();
    const gate = new BudgetGate(b.ctx, computeBudgets([pdb(1)]));
    const signal = new AbortController().signal;
    const inFlight = await gate.acquire(KEY, signal);
    const waiting = track(gate.acquire(KEY, signal));
    b.setAllowed(1); // the look does not yet count the eviction in flight
    await advance(b.clock, 250);
    expect(waiting.slot).toBeUndefined();
    inFlight.release();
    await advance(b.clock, 250);
    expect(waiting.slot).toBeDefined();
  });

  it('closes a budget the API server refused until the next look', async () => {
    const b = bed();
    const gate = new BudgetGate(b.ctx, computeBudgets([pdb(3)]));
    const signal = new AbortController().signal;
    (await gate.acquire(KEY, signal)).release();
    gate.exhausted(KEY);
    const waiting = track(gate.acquire(KEY, signal));
    await Promise.resolve();
    expect(waiting.slot).toBeUndefined();
    b.setAllowed(1);
    await advance(b.clock, 250);
    expect(waiting.slot).toBeDefined();
  });

  it('lets a waiter try anyway after the back-off ceiling when every look fails', async () => {
    const b = bed();
    const gate = new BudgetGate(b.ctx, computeBudgets([pdb(0)]));
    b.setAllowed(new RemoteError('SCALERD_ERR_KUBE_CALL', 'list poddisruptionbudgets failed: 503', { operation: 'list poddisruptionbudgets', status: 503, retryable: true }));
    const waiting = track(gate.acquire(KEY, new AbortController().signal));
    for (let t = 0; t < 9_750; t += 250) await advance(b.clock, 250);
    expect(waiting.slot).toBeUndefined();
    await advance(b.clock, 250);
    expect(waiting.slot).toBeDefined();
    expect(b.lists()).toBeGreaterThanOrEqual(39);
  });

  it('rejects a waiter whose node stops, with the node\'s reason', async () => {
    const b = bed();
    const gate = new BudgetGate(b.ctx, computeBudgets([pdb(0)]));
    const node = new AbortController();
    const waiting = track(gate.acquire(KEY, node.signal));
    node.abort(new Error('node rolled back'));
    await advance(b.clock, 0);
    expect(waiting.error).toEqual(new Error('node rolled back'));
    // The slot it would have had goes to the next one.
    const next = track(gate.acquire(KEY, new AbortController().signal));
    b.setAllowed(1);
    await advance(b.clock, 250);
    expect(next.slot).toBeDefined();
  });
});
