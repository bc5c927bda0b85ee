// The rate limiter as the API server sees it: requests counted by the simulator's recorder
// while the limiter's clock (the simulator's manual one) stands still, then moves. Counts,
// not timings: nothing here depends on how fast the machine is.

import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/ports/index.js';
import { useKubeSim, waitFor } from './helpers.js';

const t = useKubeSim();

const count = (endpoint: string) => t.sim.recorder.requests()[endpoint] ?? 0;
/** Real time for answers that could come, to show that none does. */
const quiet = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('client-side rate limiting', () => {
  it('sends a burst, then one request per 1/qps of the limiter\'s clock; mutations and reads alike', async () => {
    const limited: Cluster = t.clusterWith({ qps: 1, burst: 3, clock: t.sim.clock, sleep: (ms) => t.sim.clock.sleep(ms) });
    const [web] = t.sim.store.list('pods', 'shop');
    const base = count('get pods');

    let answered = 0;
    const reads = Array.from({ length: 8 }, () => limited.getPod('shop', web!.metadata.name).then((pod) => { answered++; return pod; }));
    await waitFor('the burst to be answered', () => answered === 3);
    await quiet();
    expect([count('get pods') - base, answered]).toEqual([3, 3]);

    t.sim.clock.advance(1_000);
    await waitFor('one more', () => answered === 4);
    await quiet();
    expect(count('get pods') - base).toBe(4);

    // A change is two requests (read, then write), each behind the reads already waiting.
    const node = t.sim.store.list('nodes')[0]!.metadata.name;
    const [gets, patches] = [count('get nodes'), count('patch nodes')];
    const change = limited.changeNode(node, { unschedulable: true });
    t.sim.clock.advance(4_000); // the bucket refills to its burst of 3: three of the four waiting reads go
    await waitFor('three more reads', () => answered === 7);
    await quiet();
    expect(count('get nodes') - gets).toBe(0);
    t.sim.clock.advance(1_000);
    await waitFor('the last read', () => answered === 8);
    t.sim.clock.advance(1_000);
    await waitFor('the change\'s read', () => count('get nodes') - gets === 1);
    await quiet();
    expect(count('patch nodes') - patches).toBe(0);
    t.sim.clock.advance(1_000);
    expect((await change).unschedulable).toBe(true);
    expect(count('patch nodes') - patches).toBe(1);
    expect((await Promise.all(reads)).every((pod) => pod?.uid === web!.metadata.uid)).toBe(true);
    expect(count('get pods') - base).toBe(8);
  });
});
