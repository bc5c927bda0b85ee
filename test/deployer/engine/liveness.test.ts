// The engine's liveness and bake on the in-memory world (simulated time): an etcd that does
// not answer for 45 s in any phase, a lock lost mid-way, a bake that breaches.

import { describe, expect, it } from 'vitest';
import { Deployment } from '../../../src/deployer/engine/engine.js';
import { EtcdUnavailableError, LockLostError } from '../../../src/deployer/engine/errors.js';
import type { LoadBalancer, Records } from '../../../src/deployer/engine/ports.js';
import type { Phase } from '../../../src/deployer/state/records.js';
import { createWorld, descriptor, newRecord, type World } from './world.js';

const HOSTS = ['shop.example.com', 'www.shop.example.com'];
const signal = () => new AbortController().signal;
const SYNC = new Set(['backendId', 'versionOf']);

/** The world's etcd-backed ports, refusing every call for `outageMs` from the moment `phase` is recorded. */
function withOutage(world: World, phase: Phase, outageMs: number) {
  let downUntil: number | undefined;
  const down = () => downUntil !== undefined && world.now() < downUntil;
  const guard = <T extends object>(port: T): T => Object.fromEntries(Object.entries(port).map(([name, fn]) => [name,
    typeof fn !== 'function' || SYNC.has(name) ? fn : (...args: unknown[]) => (down() ? Promise.reject(new EtcdUnavailableError(name)) : (fn as (...a: unknown[]) => unknown)(...args)),
  ])) as T;
  const records: Records = {
    save: async (record) => {
      if (down()) throw new EtcdUnavailableError('save');
      await world.deps.records.save(record);
      if (record.phase === phase && downUntil === undefined) downUntil = world.now() + outageMs;
    },
    log: (record, line) => (down() ? Promise.reject(new EtcdUnavailableError('log')) : world.deps.records.log(record, line)),
  };
  return { deps: { ...world.deps, lb: guard<LoadBalancer>(world.deps.lb), records }, back: () => downUntil! };
}

describe('etcd not answering for 45 s', () => {
  for (const phase of ['health-checking', 'registering', 'waiting-lb', 'switching', 'verifying', 'baking', 'draining'] as Phase[]) {
    it(`in ${phase}: the deployment waits, then completes; never rolled back, never a hostname without a backend`, async () => {
      const world = createWorld();
      await world.serving(1, HOSTS);
      const d = descriptor();
      const { deps, back } = withOutage(world, phase, 45_000);
      const done = await new Deployment(deps, newRecord(2, 1, d), d).run(signal());
      expect(done).toMatchObject({ status: 'SUCCESS', phase: 'done' });
      // Once etcd answers, a retry comes within retryMaxMs (2 s); the rest is the steps' own time (bake, drain).
      expect(done.updatedAt - back()).toBeLessThan(2_000 + d.bake.durationMs + d.drainDelayMs + 1_000);
      for (const host of HOSTS) expect(world.history.get(host)).toEqual(['shop.web.2']);
      expect([...world.versions.keys()]).toEqual([2]);
      expect([...world.backends.keys()]).toEqual(['shop.web.2']);
      // Each phase recorded once, retries included.
      expect(new Set(done.phases.map((p) => p.phase)).size).toBe(done.phases.length);
    });
  }

  it('in rolling-back: the rollback waits, then completes', async () => {
    const world = createWorld({ healthy: (v) => v !== 2 });
    await world.serving(1, HOSTS);
    const d = descriptor();
    const { deps } = withOutage(world, 'rolling-back', 45_000);
    const done = await new Deployment(deps, newRecord(2, 1, d), d).run(signal());
    expect(done).toMatchObject({ status: 'FAILURE', phase: 'done', switched: false });
    expect([...world.versions.keys()]).toEqual([1]);
  });
});

describe('a lost lock', () => {
  it('stops the deployment where it is: no rollback, nothing more written (the lock\'s next holder decides)', async () => {
    const world = createWorld();
    await world.serving(1, HOSTS);
    const d = descriptor();
    const records: Records = {
      ...world.deps.records,
      save: async (record) => {
        if (record.phase === 'verifying') throw new LockLostError('/scalerd/deployer/locks/shop/web', 'taken over');
        await world.deps.records.save(record);
      },
    };
    await expect(new Deployment({ ...world.deps, records }, newRecord(2, 1, d), d).run(signal())).rejects.toBeInstanceOf(LockLostError);
    expect(world.saved.at(-1)!.phase).toBe('switching');
    for (const host of HOSTS) expect(world.history.get(host)).toEqual(['shop.web.2']);
    expect([...world.versions.keys()].sort()).toEqual([1, 2]);
  });
});

describe('the bake', () => {
  it('a version whose servers fail 2 s into the bake: switched back at the next report, FAILURE with the numbers, removed', async () => {
    let switchedAt: number | undefined;
    const world = createWorld({
      traffic: (id, now) => {
        if (id !== 'shop.web.2') return undefined;
        switchedAt ??= now;
        const failing = now - switchedAt >= 2_000;
        return { worker: 1, responses: 1000 + now, http5xx: failing ? 40 : 0, connectionErrors: failing ? 12 : 0, responseErrors: 0, serverDowns: failing ? 2 : 0, down: failing ? ['web-2-0', 'web-2-1'] : [] };
      },
    });
    await world.serving(1, HOSTS);
    const d = descriptor({ bake: { durationMs: 30_000 } });
    const done = await new Deployment(world.deps, newRecord(2, 1, d), d).run(signal());
    expect(done).toMatchObject({ status: 'FAILURE', switched: true });
    expect(done.reason).toMatch(/^bake failed after \d+\.\d s: 40 of \d+ responses were 5xx \(\d+(\.\d)?%, limit 1%\); 12 failed connections to its servers \(limit 0\); servers went DOWN 2 times \(DOWN now: web-2-0, web-2-1\) \(limit 0\)/);
    expect(done.bake).toMatchObject({ verdict: 'breach', figures: { http5xx: 40, connectionErrors: 12, serverDowns: 2 } });
    // Detected at the first report after the failures began (reports every pollMs, 250 ms).
    const rolledBack = done.phases.find((p) => p.phase === 'rolling-back')!.at;
    expect(rolledBack - (switchedAt! + 2_000)).toBeLessThanOrEqual(250);
    for (const host of HOSTS) expect(world.history.get(host)).toEqual(['shop.web.2', 'shop.web.1']);
    expect([...world.versions.keys()]).toEqual([1]);
    expect(world.bakes.size).toBe(0);
  });

  it('fails a bake lb-sync never reports on (it cannot be judged): switched back, the new version removed', async () => {
    const world = createWorld({ traffic: () => undefined });
    await world.serving(1, HOSTS);
    const d = descriptor({ bake: { durationMs: 5_000 } });
    const done = await new Deployment(world.deps, newRecord(2, 1, d), d).run(signal());
    expect(done).toMatchObject({ status: 'FAILURE', switched: true, reason: expect.stringMatching(/lb-sync reported no traffic of shop\.web\.2 for 15000 ms after the bake's end/) });
    expect([...world.versions.keys()]).toEqual([1]);
  });

  it('off (durationMs 0): no bake key, the old version drained after the drain delay', async () => {
    const world = createWorld();
    await world.serving(1, HOSTS);
    const d = descriptor({ bake: { durationMs: 0 } });
    const done = await new Deployment(world.deps, newRecord(2, 1, d), d).run(signal());
    expect(done).toMatchObject({ status: 'SUCCESS' });
    expect(done.bake).toBeUndefined();
    expect(world.logs).toContain('no bake (bake.durationMs is 0): the old version is drained now');
  });
});
