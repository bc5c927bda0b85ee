// The daemon on the simulator's accelerated clock with the example schedule and the demo
// cluster (12 nodes of shop-prod-workers): it finds the state of the moment when it
// starts, a window boundary wakes it, a schedule file that changes is taken or rejected,
// and /metrics and /status say what it wants, sees and does.

import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemonBed, until, type DaemonBed } from './helpers.js';

// Wednesday 2026-03-04, 23:00 in Amsterdam (UTC+1): weeknights, 6 workers.
const NIGHT = Date.parse('2026-03-04T22:00:00Z');
// Wednesday 2026-03-04, 19:59:30 in Amsterdam: weeknights starts at 20:00.
const BEFORE_EIGHT = Date.parse('2026-03-04T18:59:30Z');
const EIGHT = Date.parse('2026-03-04T19:00:00Z');

let bed: DaemonBed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

const capacityOf = async (b: DaemonBed) => (await b.cloud.describeGroups(['shop-prod-workers']))[0]!.desiredCapacity;

describe('scalerd run', () => {
  it('started in the middle of the night, finds the night state and scales to it', async () => {
    bed = await startDaemonBed(NIGHT, { listen: '127.0.0.1:0' });
    const b = bed;
    await until('the first reconcile', () => b.daemon.status.last !== undefined);
    const doc = b.daemon.document() as { desired: { capacity: Record<string, { value: number; source: { kind: string; window?: string } }> } };
    expect(doc.desired.capacity.workers).toMatchObject({ value: 6, source: { kind: 'window', window: 'weeknights', class: 'recurring' } });
    await until('the group at 6', async () => (await capacityOf(b)) === 6, 30_000);
    expect(b.sim.recorder.facts('pdb-violation')).toEqual([]);
    expect(b.lines().some((l) => l.event === 'step-started' && l.step === 'drain-node')).toBe(true);

    // What a dashboard reads of it: six removals, each drained and timed; no node left marked.
    await until('the scale-down\'s reconcile ended', () => b.daemon.status.last?.outcome === 'done' && !b.daemon.loop.running, 30_000);
    const metrics = await b.daemon.metrics.registry.metrics();
    expect(metrics).toMatch(/^scalerd_scale_operations_total\{direction="down",result="removed"\} 6$/m);
    expect(metrics).toMatch(/^scalerd_scale_operation_duration_seconds_count\{direction="down",result="removed"\} 6$/m);
    expect(metrics).toMatch(/^scalerd_drain_duration_seconds_count 6$/m);
    expect(Number(/^scalerd_drain_duration_seconds_sum (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(metrics.split('\n').filter((l) => l.startsWith('scalerd_scale_down_nodes{')).sort()).toEqual(['cordoned', 'drained', 'draining', 'terminating'].map((phase) => `scalerd_scale_down_nodes{group="workers",phase="${phase}"} 0`));
    expect(metrics).not.toMatch(/^scalerd_scale_down_node_start_timestamp_seconds\{/m);
    expect(metrics).toMatch(/^scalerd_schedule_window_active\{group="workers",window="weeknights"\} 1$/m);
    expect(Number(/^scalerd_evictions_total\{result="evicted"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  });

  it('reconciles within 2 s of a window boundary', async () => {
    bed = await startDaemonBed(BEFORE_EIGHT);
    const b = bed;
    await until('the first reconcile', () => b.daemon.status.last !== undefined);
    expect(b.daemon.status.desired?.state.capacity.workers).toBe(12);
    await until('a reconcile woken by the boundary', () => (b.daemon.status.last?.reasons ?? []).some((r) => r.startsWith('boundary')), 20_000);
    const woken = b.daemon.status.last!;
    expect(woken.startedAt).toBeGreaterThanOrEqual(EIGHT);
    expect(woken.startedAt - EIGHT).toBeLessThan(2_000);
    expect(b.daemon.status.desired?.state.capacity.workers).toBe(6);
  });

  it('takes a changed schedule, and rejects a broken one while the last good one stays in force', async () => {
    bed = await startDaemonBed(NIGHT);
    const b = bed;
    await until('the first reconcile', () => b.daemon.status.last !== undefined);
    writeFileSync(b.schedulePath, '{ "version": 1, "timezone": "Mars/Olympus" ');
    await until('the rejection', () => b.lines().some((l) => l.event === 'schedule-rejected'));
    expect(b.daemon.document()).toMatchObject({ schedule: { stale: { diagnostics: [expect.stringContaining('schedule.json:1:')] } } });
    expect(await b.daemon.metrics.registry.getSingleMetricAsString('scalerd_schedule_stale')).toMatch(/scalerd_schedule_stale 1/);
    expect(b.daemon.status.desired?.state.capacity.workers).toBe(6);

    const good = JSON.parse((await import('node:fs')).readFileSync('schedules/example.json', 'utf8')) as { windows: { name: string; capacity?: Record<string, number> }[] };
    good.windows.find((w) => w.name === 'weeknights')!.capacity = { workers: 8 };
    writeFileSync(b.schedulePath, JSON.stringify(good, null, 2));
    await until('the new schedule in force', () => b.daemon.status.desired?.state.capacity.workers === 8);
    expect(b.daemon.document()).toMatchObject({ schedule: { stale: null } });
    expect(b.lines().some((l) => l.event === 'schedule-reloaded')).toBe(true);
  });

  it('serves /metrics and /status', async () => {
    bed = await startDaemonBed(NIGHT, { listen: '127.0.0.1:0' });
    const b = bed;
    await until('the first reconcile to finish', () => b.daemon.status.last !== undefined && !b.daemon.loop.running, 30_000);
    const base = `http://127.0.0.1:${b.daemon.address!.port}`;
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^scalerd_desired_capacity\{group="workers"\} 6$/m);
    expect(metrics).toMatch(/^scalerd_observed_capacity\{group="workers"\} \d+$/m);
    expect(metrics).toMatch(/^scalerd_desired_replicas\{workload="shop\/web"\} 3$/m);
    expect(metrics).toMatch(/^scalerd_leader 1$/m);
    expect(metrics).toMatch(/^scalerd_reconcile_duration_seconds_count \d+$/m);
    const status = await (await fetch(`${base}/status`)).json() as Record<string, unknown>;
    expect(status).toMatchObject({
      role: 'leader',
      desired: { capacity: { workers: { value: 6, source: { kind: 'window', window: 'weeknights' } } } },
      observed: { groups: { workers: { asg: 'shop-prod-workers' } } },
      next: { local: expect.stringContaining('07:00'), changes: expect.any(Array) },
    });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect([200, 503]).toContain((await fetch(`${base}/readyz`)).status);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('as a standby, is ready only while it reaches the cluster and AWS, and changes nothing', async () => {
    bed = await startDaemonBed(NIGHT, { leadership: { isLeader: () => false, leader: () => 'someone-else', identity: 'standby-test' } });
    const b = bed;
    await until('the first pass', () => b.daemon.status.last !== undefined);
    expect(b.daemon.readiness()).toEqual({ ready: true, reasons: [] });
    b.sim.faults.addRequestFault({ api: 'aws', operation: '*', error: 'AccessDenied' });
    b.daemon.poke('test');
    await until('not ready', () => !b.daemon.readiness().ready);
    expect(b.daemon.readiness().reasons.join()).toMatch(/standby, and cannot reach AWS: .*AccessDenied|Injected/);
    b.sim.faults.clear();
    b.daemon.poke('test');
    await until('ready again', () => b.daemon.readiness().ready);
    expect(b.sim.recorder.facts('mutation').filter((m) => m.client === 'scalerd-daemon-test')).toEqual([]);
  });
});

