// The history of scale operations in the ConfigMap scalerd-history, against the
// simulator: one entry for the night's scale-down with its nodes and window, bounded with
// the oldest dropped, kept across a restart (a second daemon appends to it), and the
// wake-up signal: a scale-up's entry becomes "complete" once its nodes are Ready, with a
// ScaleUpComplete Event on the ConfigMap.

import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/daemon/log.js';
import { ScheduleSource } from '../../src/daemon/schedule-source.js';
import { formatDiagnostic } from '../../src/json/diagnostics.js';
import { clockTimers } from '../../src/daemon/triggers.js';
import { clusterOver } from '../../src/kube/index.js';
import type { Override } from '../../src/overrides/index.js';
import { startDaemonBed, until, type DaemonBed } from './helpers.js';
import { eventsOf, historyOf, kubeOf, wiring } from './wiring.js';

// Wednesday 2026-03-04, 23:00 in Amsterdam: weeknights, 12 → 6 workers.
const NIGHT = Date.parse('2026-03-04T22:00:00Z');

let bed: DaemonBed | undefined;
const extra: Daemon[] = [];
afterEach(async () => {
  for (const d of extra.splice(0)) await d.stop();
  await bed?.stop();
  bed = undefined;
});

const capacityOf = async (b: DaemonBed) => (await b.cloud.describeGroups(['shop-prod-workers']))[0]!.desiredCapacity;
const settled = (b: DaemonBed) => async () => (await capacityOf(b)) === 6 && b.daemon.status.last?.outcome === 'done' && !b.daemon.loop.running;

describe('daemon history', () => {
  it('records the night\'s scale-down as one entry: nodes, groups, workloads, the window', async () => {
    bed = await startDaemonBed(NIGHT, (s) => wiring(s));
    const b = bed;
    await until('the scale-down done', settled(b), 30_000);
    await until('an entry', () => Object.keys(historyOf(b.sim)).length > 0);
    const entries = Object.entries(historyOf(b.sim));
    expect(entries).toHaveLength(1);
    const [key, entry] = entries[0]!;
    expect(key).toBe(entry.id);
    expect(key).toMatch(/^2026-03-04T22\d{4}\.\d{3}Z-[a-z2-9]{4}$/);
    expect(entry).toMatchObject({
      direction: 'down', outcome: 'done', by: 'single', added: 0,
      groups: { workers: { from: 12, to: 6 } },
      workloads: { 'shop/web': { from: 6, to: 3 }, 'shop/search': { from: 3, to: 2 } },
      reason: 'window weeknights',
    });
    // The demo's budgets make a node or two roll back in the first reconcile; the next one
    // continues the same operation (same desired state) in the same entry.
    expect(entry.nodes.filter((n) => n.result === 'removed')).toHaveLength(6);
    for (const n of entry.nodes) expect(n).toMatchObject({ result: expect.stringMatching(/^(removed|rolled-back)$/), group: 'workers' });
    // Each node's evictions over both reconciles: what the simulator accepted and refused, node by node.
    const evictions = b.sim.recorder.facts('eviction');
    for (const n of entry.nodes) {
      expect({ node: n.node, evicted: n.evicted, refused: n.refused, forced: n.forced }).toEqual({
        node: n.node,
        evicted: evictions.filter((f) => f.node === n.node && f.result === 'accepted').length,
        refused: evictions.filter((f) => f.node === n.node && f.result === 'refused').length,
        forced: 0,
      });
    }
    expect(entry.nodes.reduce((sum, n) => sum + n.evicted!, 0)).toBeGreaterThan(0);
    expect(entry.target).toEqual({ capacity: { workers: 6 }, replicas: { 'shop/web': 3, 'shop/search': 2 } });
    expect(Date.parse(entry.end)).toBeGreaterThan(Date.parse(entry.start));
    const cm = b.sim.store.get('configmaps', 'scalerd', 'scalerd-history') as { metadata: { labels?: Record<string, string> } };
    expect(cm.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'scalerd' });
  });

  it('keeps at most its bound: the oldest entries are dropped', async () => {
    bed = await startDaemonBed(NIGHT, (s) => {
      const old = (day: number) => `2026-03-0${day}T220000.000Z-aaaa`;
      s.store.create('configmaps', {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'scalerd-history', namespace: 'scalerd' },
        data: Object.fromEntries([1, 2, 3].map((d) => [old(d), JSON.stringify({ id: old(d), start: `2026-03-0${d}T22:00:00.000Z`, end: `2026-03-0${d}T22:05:00.000Z`, direction: 'down', outcome: 'done', message: '', groups: {}, added: 0, nodes: [], workloads: {}, reason: 'window weeknights', by: 'old' })])),
      } as never);
      return wiring(s, { limit: 2 });
    });
    const b = bed;
    await until('the scale-down done', settled(b), 30_000);
    await until('the new entry', () => Object.values(historyOf(b.sim)).some((e) => e.by === 'single'));
    const keys = Object.keys(historyOf(b.sim)).sort();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe('2026-03-03T220000.000Z-aaaa');
    expect(historyOf(b.sim)[keys[1]!]).toMatchObject({ direction: 'down', by: 'single' });
  });

  it('survives a restart: a second daemon appends, and says when its scale-up is complete', async () => {
    bed = await startDaemonBed(NIGHT, (s) => wiring(s));
    const b = bed;
    await until('the scale-down done', settled(b), 30_000);
    await until('the first entry', () => Object.keys(historyOf(b.sim)).length === 1);
    await b.daemon.stop();

    // The second daemon: same cluster, same history, an override asks for 9 workers.
    const now = b.sim.clock.now();
    const overrides: Override[] = [{ id: 'wakeup', capacity: { workers: 9 }, from: now, until: now + 6 * 3_600_000, reason: 'early start', by: 'alice', createdAt: now }];
    const opened = await ScheduleSource.open(b.schedulePath, b.sim.clock);
    if (!opened.ok) throw new Error(opened.diagnostics.map(formatDiagnostic).join('\n'));
    const sleep = (ms: number, signal?: AbortSignal) => b.sim.clock.sleep(ms, signal);
    const second = await startDaemon({
      source: opened.source, cloud: b.cloud, cluster: clusterOver(kubeOf(b.sim).deps), clock: b.sim.clock, sleep,
      log: createLogger({ level: 'error', pretty: false }), timers: clockTimers(b.sim.clock), resyncMs: 10_000,
      executeOptions: { settleMs: 2_000, drainPollMs: 250, pollMs: 500 },
      leadership: { isLeader: () => true, leader: () => 'second', identity: 'second' },
      overrides: () => overrides, ...wiring(b.sim, { identity: 'second' }),
    });
    extra.push(second);
    await until('the scale-up complete', () => Object.values(historyOf(b.sim)).some((e) => e.outcome === 'complete'), 30_000);
    const entries = Object.values(historyOf(b.sim)).sort((x, y) => x.id.localeCompare(y.id));
    expect(entries.map((e) => [e.direction, e.by])).toEqual([['down', 'single'], ['up', 'second']]);
    expect(entries[1]).toMatchObject({
      outcome: 'complete', groups: { workers: { from: 6, to: 9 } }, added: 3,
      reason: 'override wakeup (early start, by alice)',
      message: expect.stringMatching(/^scale-up complete: 9 nodes Ready, 2 workloads available$/),
      completedAt: expect.any(String),
    });
    await until('the ScaleUpComplete event', () => eventsOf(b.sim).some((e) => e.reason === 'ScaleUpComplete'));
    expect(eventsOf(b.sim).find((e) => e.reason === 'ScaleUpComplete')).toMatchObject({
      involvedObject: { kind: 'ConfigMap', namespace: 'scalerd', name: 'scalerd-history' }, type: 'Normal', message: entries[1]!.message,
    });
  });
});
