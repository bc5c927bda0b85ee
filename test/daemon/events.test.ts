// Kubernetes Events from the daemon, against the simulator: on the nodes it removes and
// the workloads it scales (with the window behind it), on the overrides ConfigMap when the
// set in force changes; repeats aggregated on one Event; a failing sink costs a metric
// and a log line, never the reconcile.

import { afterEach, describe, expect, it } from 'vitest';
import { createEventSink } from '../../src/kube/events.js';
import type { Override } from '../../src/overrides/index.js';
import type { Sim } from '../../src/sim/index.js';
import { startDaemonBed, startDemoSim, until, type DaemonBed } from './helpers.js';
import { eventsOf, kubeOf, wiring } from './wiring.js';

// Wednesday 2026-03-04, 23:00 in Amsterdam: weeknights, 12 → 6 workers.
const NIGHT = Date.parse('2026-03-04T22:00:00Z');

let bed: DaemonBed | undefined;
let sim: Sim | undefined;
afterEach(async () => {
  await bed?.stop();
  await sim?.stop();
  bed = undefined;
  sim = undefined;
});

describe('daemon events', () => {
  it('tells the removed nodes and the scaled workloads what happened, and why', async () => {
    bed = await startDaemonBed(NIGHT, (s) => wiring(s));
    const b = bed;
    await until('the group at 6', async () => (await b.cloud.describeGroups(['shop-prod-workers']))[0]!.desiredCapacity === 6, 30_000);
    await until('6 NodeRemoved events', () => eventsOf(b.sim).filter((e) => e.reason === 'NodeRemoved').length === 6, 20_000);
    const events = eventsOf(b.sim);
    const removed = events.filter((e) => e.reason === 'NodeRemoved');
    for (const e of removed) {
      expect(e).toMatchObject({ type: 'Normal', count: 1, metadata: { namespace: 'default' }, involvedObject: { kind: 'Node' }, source: { component: 'scalerd' }, reportingComponent: 'scalerd' });
      expect(e.metadata.name).toMatch(new RegExp(`^${e.involvedObject.name}\\.[0-9a-f]{16}$`));
      expect(e.message).toMatch(/^instance i-\w+ terminated, node deleted: workers shrinks to 6: .*\(window weeknights\)$/);
      // The node is gone; its events stay, under its name.
      expect(b.sim.store.get('nodes', undefined, e.involvedObject.name)).toBeUndefined();
      const started = events.find((x) => x.reason === 'ScaleDownStarted' && x.involvedObject.name === e.involvedObject.name);
      expect(started?.message).toMatch(/^tainted and cordoned, \d+ pods to move: workers shrinks to 6/);
      expect(events.some((x) => x.reason === 'NodeDrained' && x.involvedObject.name === e.involvedObject.name)).toBe(true);
    }
    const scaled = events.filter((e) => e.reason === 'Scaled');
    expect(scaled.map((e) => `${e.involvedObject.kind} ${e.metadata.namespace}/${e.involvedObject.name}: ${e.message}`).sort()).toEqual([
      'Deployment shop/web: replicas 6→3 (window weeknights)',
      'StatefulSet shop/search: replicas 3→2 (window weeknights)',
    ]);
    expect(events.filter((e) => e.type === 'Warning')).toEqual([]);
  });

  it('says on the overrides ConfigMap when an override comes into force, is removed, and ends', async () => {
    let overrides: Override[] = [];
    bed = await startDaemonBed(NIGHT, (s) => ({ ...wiring(s), overrides: () => overrides }));
    const b = bed;
    await until('the first reconcile', () => b.daemon.status.last !== undefined && !b.daemon.loop.running, 30_000);
    const now = b.sim.clock.now();
    const override = (id: string, until: number): Override => ({ id, capacity: { workers: 7 }, from: now, until, reason: 'load test', by: 'alice', createdAt: now });
    overrides = [override('aaaaaa', now + 3_600_000)];
    b.daemon.poke('overrides changed');
    const onConfigMap = (reason: string) => eventsOf(b.sim).filter((e) => e.reason === reason && e.involvedObject.kind === 'ConfigMap' && e.involvedObject.name === 'scalerd-overrides');
    await until('OverrideApplied', () => onConfigMap('OverrideApplied').length === 1);
    expect(onConfigMap('OverrideApplied')[0]).toMatchObject({ metadata: { namespace: 'scalerd' }, involvedObject: { namespace: 'scalerd' }, message: expect.stringMatching(/^override aaaaaa in force until .*: workers=7 \(load test, by alice\)$/) });

    overrides = [override('bbbbbb', now + 120_000)];
    b.daemon.poke('overrides changed');
    await until('OverrideCleared', () => onConfigMap('OverrideCleared').length === 1);
    expect(onConfigMap('OverrideCleared')[0]!.message).toMatch(/^override aaaaaa is no longer in force \(removed\): workers=7 back to the schedule$/);
    // bbbbbb ends two simulated minutes later: the daemon wakes at its end.
    await until('OverrideExpired', () => onConfigMap('OverrideExpired').length === 1, 20_000);
    expect(onConfigMap('OverrideExpired')[0]!.message).toMatch(/^override bbbbbb ended at .*: workers=7 back to the schedule$/);
  });

  it('a sink that fails costs a metric and a log line, never the reconcile', async () => {
    bed = await startDaemonBed(NIGHT, { events: { emit: () => Promise.reject(new Error('events are forbidden')) } });
    const b = bed;
    await until('a reconcile done', () => b.daemon.status.last?.outcome === 'done', 30_000);
    await until('the failures counted', async () => /scalerd_errors_total\{kind="events"\} [1-9]/.test(await b.daemon.metrics.registry.getSingleMetricAsString('scalerd_errors_total')));
    expect(b.lines().some((l) => l.event === 'event-failed' && String(l.msg).includes('events are forbidden'))).toBe(true);
  });
});

describe('the event sink', () => {
  it('aggregates a repeat within the window on the same Event, as client-go does', async () => {
    sim = await startDemoSim({ manualClock: true, startAt: NIGHT });
    const s = sim;
    const sink = createEventSink(kubeOf(s).deps, { aggregateWindowMs: 60_000 });
    const event = { regarding: { kind: 'Node', name: 'node-x' }, type: 'Warning' as const, reason: 'DrainFailed', message: 'a budget refused' };
    await sink.emit(event);
    s.clock.advance(30_000);
    await Promise.all([sink.emit(event), sink.emit(event)]);
    await sink.emit({ ...event, message: 'something else' });
    const events = eventsOf(s).filter((e) => e.involvedObject.name === 'node-x');
    expect(events).toHaveLength(2);
    const repeated = events.find((e) => e.message === 'a budget refused')!;
    expect(repeated).toMatchObject({ count: 3, type: 'Warning', metadata: { namespace: 'default' } });
    expect(Date.parse(repeated.lastTimestamp!) - Date.parse(repeated.firstTimestamp!)).toBe(30_000);
    // Past the window: a new Event.
    s.clock.advance(120_000);
    await sink.emit(event);
    expect(eventsOf(s).filter((e) => e.message === 'a budget refused')).toHaveLength(2);
  });
});
