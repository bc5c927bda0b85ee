// Leader election against the simulator over HTTP, through the real Lease adapter, as two
// daemons would run it: each elector has its own adapter (own client id, own rate limit)
// and the simulator's accelerated clock, so 15 s leases pass in a few hundred real ms and
// every bound is asserted in simulated time. One test at the end runs on a manual clock
// with an in-memory store, to show isLeader() reads the clock itself.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaderElector, type LeaderElectorOptions, type StopReason } from '../../src/daemon/leader.js';
import { createKubeDeps } from '../../src/kube/cluster.js';
import { loadKubeConfig } from '../../src/kube/config.js';
import { createLeaseStore } from '../../src/kube/leases.js';
import type { LeaseRecord, LeaseStore } from '../../src/ports/lease.js';
import { startSim, type Sim } from '../../src/sim/index.js';
import { SimClock } from '../../src/sim/sim-clock.js';
import { kubeconfigFile } from '../kube/helpers.js';
import { type Candidate, overlaps, startCandidate } from './election.js';

const START = Date.parse('2026-03-02T09:00:00Z');
/**
 * Simulated ms per real ms: a 15 s lease is 750 real ms. Kept low because every real ms
 * of HTTP round trip or late timer on a loaded machine costs SPEED simulated ms in the bounds.
 */
const SPEED = 20;
const NS = 'kube-system';
const LEASE = 'scalerd';
const LEASE_MS = 15_000;
const DEADLINE_MS = 10_000;
const RETRY_MS = 2_000;
/** Simulated time HTTP round trips and timer wake-ups may add to a bound (75 real ms). */
const SLACK_MS = 1_500;

let sim: Sim;
let kubeconfig: string;
const running: Candidate[] = [];

beforeEach(async () => {
  sim = await startSim({ nodes: 1, podsPerNode: 0, speed: SPEED, startAt: START });
  kubeconfig = kubeconfigFile(sim);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
  await sim.stop();
});

const sleep = (ms: number, signal?: AbortSignal) => sim.clock.sleep(ms, signal);

/** A lease store as one daemon builds it: its own adapter, on the simulator's clock. */
function storeFor(id: string): LeaseStore {
  return createLeaseStore(createKubeDeps({ target: loadKubeConfig({ kubeconfig }), clientId: id, clock: sim.clock, sleep }));
}

function candidate(id: string, more: Partial<LeaderElectorOptions> = {}): Candidate {
  const c = startCandidate(sim, { namespace: NS, name: LEASE }, id, more.store ?? storeFor(id), more);
  running.push(c);
  return c;
}

/** Stops a candidate and forgets it (afterEach does not stop it again). */
async function stop(c: Candidate): Promise<number> {
  running.splice(running.indexOf(c), 1);
  const at = sim.clock.now();
  await c.stop();
  return at;
}

/** Polls every 50 simulated ms until `cond` holds; the simulated time it first held. */
async function waitFor(what: string, cond: () => boolean, withinMs = 60_000): Promise<number> {
  const until = sim.clock.now() + withinMs;
  while (!cond()) {
    if (sim.clock.now() > until) throw new Error(`${what}: not within ${withinMs} simulated ms`);
    await sleep(50);
  }
  return sim.clock.now();
}

const leaders = (cs: readonly Candidate[]) => cs.filter((c) => c.elector.isLeader()).map((c) => c.id);
const lease = () => storeFor('test-reader').get(NS, LEASE);

describe('leader election on a Lease in the simulator', () => {
  it('elects exactly one of two candidates, and keeps it over several lease periods', async () => {
    const cs = [candidate('scalerd-a'), candidate('scalerd-b')];
    await waitFor('a leader', () => leaders(cs).length > 0);
    const [first] = leaders(cs);
    const until = sim.clock.now() + 4 * LEASE_MS;
    while (sim.clock.now() < until) {
      expect(leaders(cs)).toEqual([first]);
      await sleep(250);
    }
    expect(cs.map((c) => c.elector.leader())).toEqual([first, first]);
    const record = await lease();
    expect(record).toMatchObject({ holderIdentity: first, leaseDurationSeconds: 15, leaseTransitions: 0 });
    // Renewed every retry period: the lease is at most about one period old.
    expect(sim.clock.now() - record!.renewTime!).toBeLessThan(RETRY_MS + SLACK_MS);
    for (const c of cs) expect(c.events.filter(([, e]) => e.startsWith('leader:')).map(([, e]) => e)).toEqual([`leader:${first}`]);
    const follower = cs.find((c) => c.id !== first)!;
    expect(follower.events.some(([, e]) => e === 'started')).toBe(false);
  });

  it('hands over within a lease duration and a retry period when the leader dies without releasing', async () => {
    const a = candidate('scalerd-a', { releaseOnCancel: false });
    await waitFor('a leads', () => a.elector.isLeader());
    const b = candidate('scalerd-b');
    await waitFor('b sees a', () => b.elector.leader() === 'scalerd-a');
    await sleep(3 * RETRY_MS);

    const crashedAt = await stop(a);
    expect((await lease())?.holderIdentity).toBe('scalerd-a'); // nothing written on the way out
    const tookOverAt = await waitFor('b leads', () => b.elector.isLeader());
    // Not before the lease could have expired (a renewal at most a retry period before the crash)...
    expect(tookOverAt - crashedAt).toBeGreaterThanOrEqual(LEASE_MS - RETRY_MS);
    // ...and no later than the lease seen last, plus the retry period it may have taken to see it.
    expect(tookOverAt - crashedAt).toBeLessThanOrEqual(LEASE_MS + RETRY_MS + SLACK_MS);
    expect(await lease()).toMatchObject({ holderIdentity: 'scalerd-b', leaseTransitions: 1 });
  });

  it('hands over within about a retry period when the leader stops and releases the lease', async () => {
    const a = candidate('scalerd-a');
    await waitFor('a leads', () => a.elector.isLeader());
    const b = candidate('scalerd-b');
    await waitFor('b sees a', () => b.elector.leader() === 'scalerd-a');

    await stop(a);
    const releasedAt = sim.clock.now();
    expect(a.events.at(-1)?.[1]).toBe('stopped:stopped');
    expect(a.elector.isLeader()).toBe(false);
    const tookOverAt = await waitFor('b leads', () => b.elector.isLeader());
    expect(tookOverAt - releasedAt).toBeLessThanOrEqual(RETRY_MS + SLACK_MS);
    expect(await lease()).toMatchObject({ holderIdentity: 'scalerd-b', leaseTransitions: 1, leaseDurationSeconds: 15 });
  });

  it('stops leading no later than the renew deadline after its last renewal when it cannot renew', async () => {
    const a = candidate('scalerd-a');
    const b = candidate('scalerd-b');
    const cs = [a, b];
    await waitFor('a leader', () => leaders(cs).length === 1);
    const leader = cs.find((c) => c.elector.isLeader())!;
    await sleep(2 * RETRY_MS);

    sim.faults.addRequestFault({ api: 'kube', operation: 'update leases', error: 500 });
    const faultAt = sim.clock.now();
    // Every answer with the clock read just before and just after it, so the check below
    // holds however late this loop runs on a loaded machine.
    const samples: { before: number; leading: boolean; after: number }[] = [];
    const sample = () => {
      const before = sim.clock.now();
      const leading = leader.elector.isLeader();
      samples.push({ before, leading, after: sim.clock.now() });
      return leading;
    };
    await waitFor('leader stops', () => !sample(), 2 * DEADLINE_MS);
    // The last renewal that landed carries the time the leader sent it, where its term starts.
    const lastRenewal = (await lease())!.renewTime!;
    expect(lastRenewal).toBeLessThanOrEqual(faultAt);
    const deadline = lastRenewal + DEADLINE_MS;
    expect(samples.filter((s) => s.leading && s.before >= deadline)).toEqual([]); // never leading past the deadline
    expect(samples.filter((s) => !s.leading && s.after < deadline)).toEqual([]); // nor stopped before it
    expect(samples.at(-1)!.before).toBeLessThanOrEqual(deadline + SLACK_MS);
    // The callback fires at the deadline, from a timer, even while the loop waits on retries.
    const stopped = leader.events.find(([, e]) => e === 'stopped:renew-deadline');
    expect(stopped).toBeDefined();
    expect(stopped![0]).toBeGreaterThanOrEqual(deadline);
    expect(stopped![0]).toBeLessThanOrEqual(deadline + SLACK_MS);
    expect(leaders(cs)).toEqual([]);

    // Once the API answers again, one candidate leads, and never while the other still does.
    sim.faults.clear();
    await waitFor('a new term', () => leaders(cs).length === 1, LEASE_MS + 2 * RETRY_MS + SLACK_MS);
    expect(overlaps(a.events, b.events)).toEqual([]);
  });

  it('tells onLeaseFailed of each round that could not write the lease, once its retries are spent', async () => {
    const failed: string[] = [];
    const a = candidate('scalerd-a', { onLeaseFailed: (error) => failed.push(`${error.detail.operation} ${error.detail.status}`) });
    await waitFor('a leads', () => a.elector.isLeader());
    // One renewal's five attempts (the adapter's DEFAULT_RETRY): one failed round.
    sim.faults.addRequestFault({ api: 'kube', operation: 'update leases', error: 503, count: 5 });
    await waitFor('the failed round', () => failed.length > 0);
    await waitFor('renewals again', () => sim.faults.snapshot().requests.length === 0);
    await sleep(2 * RETRY_MS);
    expect(failed).toEqual(['update leases 503']);
  });

  it('counts holder changes in leaseTransitions and keeps acquireTime over renewals', async () => {
    const a = candidate('scalerd-a', { releaseOnCancel: false });
    await waitFor('a leads', () => a.elector.isLeader());
    const first = await lease();
    expect(first).toMatchObject({ holderIdentity: 'scalerd-a', leaseTransitions: 0 });
    await sleep(3 * RETRY_MS);
    const renewed = await lease();
    expect(renewed!.acquireTime).toBe(first!.acquireTime);
    expect(renewed!.renewTime!).toBeGreaterThan(first!.renewTime!);

    const b = candidate('scalerd-b');
    await stop(a); // dies
    await waitFor('b leads', () => b.elector.isLeader());
    const second = await lease();
    expect(second).toMatchObject({ holderIdentity: 'scalerd-b', leaseTransitions: 1 });
    expect(second!.acquireTime).toBeGreaterThan(renewed!.renewTime!);

    const again = candidate('scalerd-a');
    await waitFor('a sees b', () => again.elector.leader() === 'scalerd-b');
    await stop(b); // releases
    expect(await lease()).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 1 });
    await waitFor('a leads again', () => again.elector.isLeader());
    expect(await lease()).toMatchObject({ holderIdentity: 'scalerd-a', leaseTransitions: 2 });
  });

  it('stops leading at once when someone else took the lease in between (409 on renewal)', async () => {
    const a = candidate('scalerd-a');
    await waitFor('a leads', () => a.elector.isLeader());
    const intruder = storeFor('intruder');
    let current: LeaseRecord;
    let now: number;
    do { // read again when a's renewal came in between
      current = (await intruder.get(NS, LEASE))!;
      now = sim.clock.now();
    } while (await intruder.update({ ...current, holderIdentity: 'intruder', acquireTime: now, renewTime: now, leaseTransitions: 1 }) === 'conflict');
    // a's renewal at its old version is refused; it reads the lease and gives up.
    const lostAt = await waitFor('a stops', () => !a.elector.isLeader(), 2 * RETRY_MS + SLACK_MS);
    expect(lostAt - now).toBeLessThanOrEqual(RETRY_MS + SLACK_MS);
    expect(a.events.map(([, e]) => e)).toEqual(['leader:scalerd-a', 'started', 'stopped:lost', 'leader:intruder']);
    expect(a.elector.leader()).toBe('intruder');
    // A stale write of its own is refused, not applied.
    expect(await intruder.update(current)).toBe('conflict');
  });

  it('keeps leading when the lease was written in between but is still its own', async () => {
    const a = candidate('scalerd-a');
    await waitFor('a leads', () => a.elector.isLeader());
    const other = storeFor('other-writer');
    for (let i = 0; i < 3; i++) {
      // A new resourceVersion, the same holder; read again when a's renewal came in between.
      while (await other.update((await other.get(NS, LEASE))!) === 'conflict');
      await sleep(RETRY_MS + 500);
      expect(a.elector.isLeader()).toBe(true);
    }
    expect(a.events.map(([, e]) => e)).toEqual(['leader:scalerd-a', 'started']);
    expect(await lease()).toMatchObject({ holderIdentity: 'scalerd-a', leaseTransitions: 0 });
  });
});

describe('the Lease adapter', () => {
  it('creates, reads and updates a Lease with optimistic concurrency, times to the millisecond', async () => {
    const store = storeFor('adapter-test');
    expect(await store.get(NS, 'adapter')).toBeUndefined();
    const at = START + 1_234;
    const created = await store.create({ namespace: NS, name: 'adapter', holderIdentity: 'x', leaseDurationSeconds: 15, acquireTime: at, renewTime: at, leaseTransitions: 0, resourceVersion: '' });
    expect(created).toMatchObject({ namespace: NS, name: 'adapter', holderIdentity: 'x', acquireTime: at, renewTime: at, leaseTransitions: 0 });
    expect(await store.create(created as LeaseRecord)).toBe('exists');
    const updated = await store.update({ ...(created as LeaseRecord), renewTime: at + 2_000 });
    expect(updated).toMatchObject({ renewTime: at + 2_000 });
    expect(await store.update({ ...(created as LeaseRecord), holderIdentity: 'y' })).toBe('conflict');
    expect(await store.get(NS, 'adapter')).toEqual(updated);
    await expect(store.update({ ...(created as LeaseRecord), resourceVersion: '' })).rejects.toThrow(/needs the resourceVersion/);
  });
});

describe('isLeader() on a manual clock', () => {
  it('turns false the moment the last renewal is a renew deadline old, while a renewal hangs', async () => {
    const clock = new SimClock({ manual: true, start: START });
    const memory = memoryStore();
    const stops: StopReason[] = [];
    const elector = new LeaderElector({
      store: memory.store, namespace: NS, name: LEASE, identity: 'solo', clock,
      sleep: (ms, signal) => clock.sleep(ms, signal), onStoppedLeading: (reason) => stops.push(reason),
    });
    const controller = new AbortController();
    const done = elector.run(controller.signal);
    await flush();
    expect(elector.isLeader()).toBe(true);
    const acquiredAt = clock.now();

    memory.hang = true; // every later write waits forever
    clock.advance(DEADLINE_MS - 1);
    expect(elector.isLeader()).toBe(true);
    clock.advance(1);
    expect(elector.isLeader()).toBe(false); // read from the clock: the loop is stuck in a request
    expect(stops).toEqual(['renew-deadline']);
    expect(memory.lease?.renewTime).toBe(acquiredAt);

    controller.abort();
    memory.hang = false;
    memory.release();
    await done;
  });

  it('releases at once when stopped while a renewal hangs, and the late renewal does not take the lease back', async () => {
    const clock = new SimClock({ manual: true, start: START });
    const memory = memoryStore();
    const elector = new LeaderElector({ store: memory.store, namespace: NS, name: LEASE, identity: 'solo', clock, sleep: (ms, signal) => clock.sleep(ms, signal) });
    const controller = new AbortController();
    const done = elector.run(controller.signal);
    await flush();
    expect(elector.isLeader()).toBe(true);

    memory.hang = true;
    clock.advance(RETRY_MS);
    await flush(); // the renewal is sent, and hangs
    expect(memory.waiting()).toBe(1);
    memory.hang = false;
    controller.abort();
    await done;
    expect(elector.isLeader()).toBe(false);
    expect(memory.lease).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });

    memory.release(); // its version is gone: refused
    await flush();
    expect(memory.lease).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    expect(elector.isLeader()).toBe(false);
  });

  it('refuses timings where a new leader could start before the old one stopped', () => {
    const base = { store: memoryStore().store, namespace: NS, name: LEASE, identity: 'x', clock: { now: () => 0 }, sleep: async () => {} };
    expect(() => new LeaderElector({ ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 })).toThrow(/leaseDurationMs .* must be longer than renewDeadlineMs/);
    expect(() => new LeaderElector({ ...base, renewDeadlineMs: 2_000 })).toThrow(/renewDeadlineMs .* must be longer than retryPeriodMs/);
    expect(() => new LeaderElector({ ...base, identity: '' })).toThrow(/identity/);
  });
});

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** One lease in memory, with writes that can be made to hang (a request that never answers). */
type MemoryStore = { lease: LeaseRecord | undefined; hang: boolean; waiting(): number; release(): void; readonly store: LeaseStore };

function memoryStore(): MemoryStore {
  let version = 0;
  const waiting: (() => void)[] = [];
  const state: MemoryStore = {
    lease: undefined,
    hang: false,
    waiting: () => waiting.length,
    release: () => waiting.splice(0).forEach((resume) => resume()),
    store: {
      get: async () => state.lease,
      create: async (record) => {
        if (state.lease) return 'exists';
        state.lease = { ...record, resourceVersion: String(++version) };
        return state.lease;
      },
      update: async (record) => {
        if (state.hang) await new Promise<void>((resume) => waiting.push(resume));
        if (!state.lease || state.lease.resourceVersion !== record.resourceVersion) return 'conflict';
        state.lease = { ...record, resourceVersion: String(++version) };
        return state.lease;
      },
    },
  };
  return state;
}
