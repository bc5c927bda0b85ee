// Leader election when the API server applied a Lease write and its answer was lost (the
// simulator's "after" faults), through the real Lease adapter with a short request time
// limit: a candidate whose create or takeover landed leads without waiting a round, a
// leader whose renewals landed keeps leading, and two candidates under lost answers never
// lead at once.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKubeDeps } from '../../src/kube/cluster.js';
import { loadKubeConfig } from '../../src/kube/config.js';
import { createLeaseStore } from '../../src/kube/leases.js';
import type { LostAnswer } from '../../src/sim/faults.js';
import { startSim, type Sim } from '../../src/sim/index.js';
import { kubeconfigFile } from '../kube/helpers.js';
import { type Candidate, overlaps, startCandidate } from './election.js';

const START = Date.parse('2026-03-02T09:00:00Z');
/** As in leader.test.ts: a 15 s lease is 750 real ms. */
const SPEED = 20;
const NS = 'kube-system';
const LEASE = 'scalerd';
const LEASE_MS = 15_000;
const RETRY_MS = 2_000;
/** Real ms: a "timeout" costs 2 simulated s, well inside the 10 s renew deadline. */
const REQUEST_TIMEOUT_MS = 100;
const MODES: LostAnswer[] = ['reset', 500, 'timeout'];

let sim: Sim;
const running: Candidate[] = [];

beforeEach(async () => {
  sim = await startSim({ nodes: 1, podsPerNode: 0, speed: SPEED, startAt: START });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
  await sim.stop();
});

const sleep = (ms: number) => sim.clock.sleep(ms);

function candidate(id: string): Candidate {
  const deps = createKubeDeps({ target: loadKubeConfig({ kubeconfig: kubeconfigFile(sim) }), clientId: id, clock: sim.clock, sleep: (ms: number) => sim.clock.sleep(ms), requestTimeoutMs: REQUEST_TIMEOUT_MS });
  const c = startCandidate(sim, { namespace: NS, name: LEASE }, id, createLeaseStore(deps));
  running.push(c);
  return c;
}

async function waitFor(what: string, cond: () => boolean, withinMs = 60_000): Promise<number> {
  const until = sim.clock.now() + withinMs;
  while (!cond()) {
    if (sim.clock.now() > until) throw new Error(`${what}: not within ${withinMs} simulated ms`);
    await sleep(50);
  }
  return sim.clock.now();
}

/** Lease writes that landed, by whom and when (the recorder's mutation facts). */
const leaseWrites = (operation: 'create leases' | 'update leases') => sim.recorder.facts('mutation').filter((f) => f.operation === operation && f.target === `${NS}/${LEASE}`);

function lose(operation: string, mode: LostAnswer, count: number): () => number {
  const key = `kube ${operation} ${mode}`;
  const before = sim.faults.lostAnswers()[key] ?? 0;
  sim.faults.addRequestFault({ api: 'kube', operation, when: 'after', error: mode, count });
  return () => (sim.faults.lostAnswers()[key] ?? 0) - before;
}

describe('leader election when Lease answers are lost', () => {
  it.each(MODES)('%s: a create that landed leads in that round, with no second write', async (mode) => {
    const lost = lose('create leases', mode, 1);
    const a = candidate('scalerd-a');
    const startedAt = await waitFor('a leads', () => a.elector.isLeader());
    expect(lost()).toBe(1);
    expect(a.events.map(([, e]) => e)).toEqual(['leader:scalerd-a', 'started']);
    // Its own create, recognised: no renewal was needed to start leading.
    expect(leaseWrites('create leases')).toHaveLength(1);
    expect(leaseWrites('update leases').filter((w) => w.at <= startedAt)).toEqual([]);
  });

  it.each(MODES)('%s: renewals that landed keep it leading, each written once', async (mode) => {
    const a = candidate('scalerd-a');
    await waitFor('a leads', () => a.elector.isLeader());
    await sleep(2 * RETRY_MS);
    const from = sim.clock.now();
    const lost = lose('update leases', mode, 3);
    await waitFor('three renewals lost', () => lost() === 3);
    await sleep(2 * RETRY_MS);
    expect(a.elector.isLeader()).toBe(true);
    expect(a.events.map(([, e]) => e)).toEqual(['leader:scalerd-a', 'started']);
    // One write per round: a retry met its own landed write, and no second write followed it.
    const writes = leaseWrites('update leases').filter((w) => w.at >= from).map((w) => w.at);
    const gaps = writes.slice(1).map((at, i) => at - writes[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(RETRY_MS);
  });

  it('two candidates with lost answers on a quarter of their Lease writes never lead at once', async () => {
    for (const operation of ['create leases', 'update leases']) {
      for (const mode of MODES) sim.faults.addRequestFault({ api: 'kube', operation, when: 'after', error: mode, errorRate: 0.1 });
    }
    const a = candidate('scalerd-a');
    const b = candidate('scalerd-b');
    const until = sim.clock.now() + 6 * LEASE_MS;
    while (sim.clock.now() < until) {
      expect([a, b].filter((c) => c.elector.isLeader()).length).toBeLessThanOrEqual(1);
      await sleep(50);
    }
    const lost = Object.entries(sim.faults.lostAnswers()).filter(([k]) => k.includes(' leases '));
    expect(lost.length, 'lease answers were lost').toBeGreaterThan(0);
    sim.faults.clear();
    await waitFor('a leader', () => [a, b].some((c) => c.elector.isLeader()), LEASE_MS + 2 * RETRY_MS);
    expect(overlaps(a.events, b.events)).toEqual([]);
  });
});
