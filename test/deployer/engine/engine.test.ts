import { describe, expect, it } from 'vitest';
import { Deployment } from '../../../src/deployer/engine/engine.js';
import type { Phase } from '../../../src/deployer/state/records.js';
import { createWorld, descriptor, newRecord } from './world.js';

const HOSTS = ['shop.example.com', 'www.shop.example.com'];
const signal = () => new AbortController().signal;

describe('a blue/green deployment, phase by phase', () => {
  it('v1 → v2: health first, then the switch of every hostname, a clean bake, then v1 removed no sooner than the drain delay after the switch', async () => {
    const world = createWorld();
    await world.serving(1, HOSTS);
    const d = descriptor();
    const done = await new Deployment(world.deps, newRecord(2, 1, d), d).run(signal());
    expect(done).toMatchObject({ status: 'SUCCESS', phase: 'done', switched: true });
    expect(done.phases.map((p) => p.phase)).toEqual(['creating', 'waiting-ready', 'health-checking', 'registering', 'waiting-lb', 'switching', 'verifying', 'baking', 'draining', 'done']);
    for (const host of HOSTS) expect(world.history.get(host)).toEqual(['shop.web.2']);
    expect([...world.versions.keys()]).toEqual([2]);
    expect([...world.backends.keys()]).toEqual(['shop.web.2']);
    // The old version went only after a clean bake of its full duration, and the drain delay since the switch.
    const switched = done.phases.find((p) => p.phase === 'switching')!.at;
    const baked = done.phases.find((p) => p.phase === 'draining')!.at;
    expect(baked - switched).toBeGreaterThanOrEqual(d.bake.durationMs);
    expect(done.phases.at(-1)!.at - switched).toBeGreaterThanOrEqual(d.drainDelayMs);
    expect(done.bake).toMatchObject({ verdict: 'clean', figures: { http5xx: 0, connectionErrors: 0, serverDowns: 0 } });
    expect(world.bakes.size).toBe(0);
  });

  it('an unhealthy v2 is removed and v1 never touched (R1): FAILURE with the reason', async () => {
    const world = createWorld({ healthy: (v) => v !== 2 });
    await world.serving(1, HOSTS);
    const d = descriptor();
    const done = await new Deployment(world.deps, newRecord(2, 1, d), d).run(signal());
    expect(done).toMatchObject({ status: 'FAILURE', switched: false, reason: expect.stringMatching(/health check failed within 1000 ms: web-2-0: HTTP 503/) });
    for (const host of HOSTS) expect(world.history.get(host) ?? []).toEqual([]);
    expect([...world.versions.keys()]).toEqual([1]);
    expect([...world.backends.keys()]).toEqual(['shop.web.1']);
  });

  it('a v2 that answers as another version through haproxy is switched back (R3); v1 serves again', async () => {
    const world = createWorld({ answering: (v) => (v === 2 ? '1' : String(v)) });
    await world.serving(1, HOSTS);
    const d = descriptor();
    const done = await new Deployment(world.deps, newRecord(2, 1, d), d).run(signal());
    expect(done).toMatchObject({ status: 'FAILURE', switched: true, reason: expect.stringMatching(/did not answer from version 2/) });
    for (const host of HOSTS) expect(world.history.get(host)).toEqual(['shop.web.2', 'shop.web.1']);
    expect([...world.versions.keys()]).toEqual([1]);
  });

  it('refuses to switch a hostname that points at a version it does not replace', async () => {
    const world = createWorld();
    await world.serving(1, HOSTS);
    await world.deps.lb.switchFrontend(HOSTS[1]!, 'shop.web.9', (await world.deps.lb.frontend(HOSTS[1]!)).revision);
    const d = descriptor();
    const done = await new Deployment(world.deps, newRecord(2, 1, d), d).run(signal());
    expect(done.status).toBe('FAILURE');
    expect(done.reason).toMatch(/www.shop.example.com points at shop.web.9, not at the version this deployment replaces \(1\)/);
    // The first hostname had switched: it is back on v1.
    expect((await world.deps.lb.frontend(HOSTS[0]!)).backend).toBe('shop.web.1');
  });
});

describe('a deployer restarted in any phase', () => {
  const PHASES: Phase[] = ['creating', 'waiting-ready', 'health-checking', 'registering', 'waiting-lb', 'switching', 'verifying', 'baking', 'draining', 'rolling-back'];

  for (const stoppedIn of PHASES) {
    it(`stopped in ${stoppedIn}: completes or rolls back, and no hostname is ever left without a backend`, async () => {
      const world = createWorld();
      await world.serving(1, HOSTS);
      const d = descriptor();
      // The first process: stopped as it enters `stoppedIn` (after that phase's record is written).
      const stop = new AbortController();
      const first = new Deployment({ ...world.deps, records: { ...world.deps.records, save: async (r) => { await world.deps.records.save(r); if (r.phase === stoppedIn) stop.abort(new Error('killed')); } } }, newRecord(2, 1, d), d);
      if (stoppedIn === 'rolling-back') await first.rollback('test', stop.signal).catch(() => undefined);
      else await first.run(stop.signal).catch(() => undefined);
      const last = world.saved.at(-1)!;
      expect(last.phase).toBe(stoppedIn);

      const done = await new Deployment(world.deps, last, d).resume(signal());
      expect(done.phase).toBe('done');
      const completed = done.status === 'SUCCESS';
      // Once traffic moved it completes; before that (stopped as the switch began, before
      // any hostname moved, included) it rolls back.
      expect(completed).toBe(['verifying', 'baking', 'draining'].includes(stoppedIn));
      expect([...world.versions.keys()]).toEqual([completed ? 2 : 1]);
      for (const host of HOSTS) {
        expect((await world.deps.lb.frontend(host)).backend).toBe(completed ? 'shop.web.2' : 'shop.web.1');
        expect(world.history.get(host) ?? []).not.toContain(undefined);
      }
    });
  }

  it('stopped after one hostname switched and before the other: completes the switch, verifies, serves v2 everywhere', async () => {
    const world = createWorld();
    await world.serving(1, HOSTS);
    const d = descriptor();
    const stop = new AbortController();
    const lb = { ...world.deps.lb, switchFrontend: async (host: string, backend: string | undefined, expected: number) => {
      const revision = await world.deps.lb.switchFrontend(host, backend, expected);
      stop.abort(new Error('killed'));
      return revision;
    } };
    await new Deployment({ ...world.deps, lb }, newRecord(2, 1, d), d).run(stop.signal).catch(() => undefined);
    expect(world.saved.at(-1)!.phase).toBe('switching');
    expect((await world.deps.lb.frontend(HOSTS[1]!)).backend).toBe('shop.web.1');
    const done = await new Deployment(world.deps, world.saved.at(-1)!, d).resume(signal());
    expect(done.status).toBe('SUCCESS');
    for (const host of HOSTS) expect((await world.deps.lb.frontend(host)).backend).toBe('shop.web.2');
  });
});
