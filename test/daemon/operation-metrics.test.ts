// The series a dashboard and the alerts read that need more than one event: the nodes on
// their way out by group and phase, live while a drain runs; how long removals, drains and
// scale-ups took (never in a dry run); the windows and overrides in force.

import { describe, expect, it } from 'vitest';
import type { ExecutionReport, NodeReport, ProgressEvent } from '../../src/actuate/index.js';
import { desiredView } from '../../src/daemon/desired.js';
import { createMetrics, type Metrics } from '../../src/daemon/metrics.js';
import { OperationMetrics, publishSources } from '../../src/daemon/operation-metrics.js';
import { loadScheduleFile } from '../../src/schedule/index.js';
import { MIN, T0, scalerdMark, world } from '../plan/builders.js';

/** A metric's samples as "name{labels} value" lines; a histogram's by their series' name (…_sum). */
async function samples(metrics: Metrics, name: string): Promise<string[]> {
  const metric = name.replace(/_(sum|count|bucket)$/, '');
  return (await metrics.registry.getSingleMetricAsString(metric)).split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

const GROUPS = [{ name: 'workers', asg: 'workers' }, { name: 'batch', asg: 'batch' }];

/** workers: w1 drained since 20 minutes, w2 unmarked; batch: b1 unmarked. */
const observed = () => world()
  .group('workers').node('w1', scalerdMark('drained', T0 - 20 * MIN)).node('w2')
  .group('batch').node('b1')
  .build();

const nodeEvent = (node: string, phase: Extract<ProgressEvent, { kind: 'node' }>['phase'], at: number): Extract<ProgressEvent, { kind: 'node' }> => ({
  kind: 'node', at, node, instanceId: `i-${node}`, phase, evicted: 0, remaining: 0, message: '',
});

const report = (nodes: Partial<NodeReport>[], more: Partial<ExecutionReport> = {}): ExecutionReport => ({
  dryRun: false, startedAt: T0, finishedAt: T0 + 10 * MIN, outcome: 'done', stoppedBy: undefined, message: '', steps: [], actions: [],
  nodes: nodes.map((n) => ({ node: 'w1', instanceId: 'i-w1', group: 'workers', step: 'drain-node', result: 'removed', code: 'removed', phase: undefined, evicted: 0, refused: 0, forced: 0, reason: '', ...n })),
  ...more,
});

describe('the nodes on their way out', () => {
  it('by group and phase, every phase of every group at 0 included, live as the actuator reports', async () => {
    const metrics = createMetrics();
    const operations = new OperationMetrics(metrics, false);
    operations.begin(observed(), GROUPS, 'scalerd');
    const phases = await samples(metrics, 'scalerd_scale_down_nodes');
    expect(phases).toHaveLength(8);
    expect(phases).toContain('scalerd_scale_down_nodes{group="workers",phase="drained"} 1');
    expect(phases.filter((l) => !l.endsWith(' 0'))).toEqual(['scalerd_scale_down_nodes{group="workers",phase="drained"} 1']);
    expect(await samples(metrics, 'scalerd_scale_down_node_start_timestamp_seconds')).toEqual([
      `scalerd_scale_down_node_start_timestamp_seconds{group="workers",node="w1",phase="drained"} ${(T0 - 20 * MIN) / 1000}`,
    ]);

    // w2 is marked during the execution: it shows up at once, under its group.
    operations.onNode(nodeEvent('w2', 'cordoned', T0 + MIN));
    operations.onNode(nodeEvent('w2', 'draining', T0 + 2 * MIN));
    expect((await samples(metrics, 'scalerd_scale_down_nodes')).filter((l) => !l.endsWith(' 0')).sort()).toEqual([
      'scalerd_scale_down_nodes{group="workers",phase="drained"} 1',
      'scalerd_scale_down_nodes{group="workers",phase="draining"} 1',
    ]);
    expect(await samples(metrics, 'scalerd_scale_down_node_start_timestamp_seconds')).toContain(`scalerd_scale_down_node_start_timestamp_seconds{group="workers",node="w2",phase="draining"} ${(T0 + MIN) / 1000}`);

    operations.onNode(nodeEvent('w1', 'removed', T0 + 3 * MIN));
    operations.onNode(nodeEvent('w2', 'drained', T0 + 5 * MIN));
    operations.onNode(nodeEvent('w2', 'failed', T0 + 6 * MIN));
    // Removed: gone; failed: its mark stays until observed otherwise.
    expect((await samples(metrics, 'scalerd_scale_down_nodes')).filter((l) => !l.endsWith(' 0'))).toEqual(['scalerd_scale_down_nodes{group="workers",phase="drained"} 1']);
    expect(await samples(metrics, 'scalerd_scale_down_node_start_timestamp_seconds')).toEqual([
      `scalerd_scale_down_node_start_timestamp_seconds{group="workers",node="w2",phase="drained"} ${(T0 + MIN) / 1000}`,
    ]);

    // How long: w2 drained 4 minutes after its mark (w1 was drained before this execution: not again).
    expect(await samples(metrics, 'scalerd_drain_duration_seconds_sum')).toEqual(['scalerd_drain_duration_seconds_sum 240']);
    operations.finish(report([{ node: 'w1' }, { node: 'w2', instanceId: 'i-w2', result: 'failed', code: 'drain-timeout' }]), T0);
    const durations = await samples(metrics, 'scalerd_scale_operation_duration_seconds_sum');
    expect(durations.sort()).toEqual([
      'scalerd_scale_operation_duration_seconds_sum{direction="down",result="failed"} 300',
      'scalerd_scale_operation_duration_seconds_sum{direction="down",result="removed"} 1380',
    ]);
  });

  it('a scale-up takes from its call to every node Ready; told once', async () => {
    const metrics = createMetrics();
    const operations = new OperationMetrics(metrics, false);
    operations.begin(observed(), GROUPS, 'scalerd');
    operations.finish(report([], { steps: [{ index: 0, kind: 'scale-up', status: 'done', message: '' }] }), T0);
    // A later reconcile calls again while the first's nodes are not Ready: the first call counts.
    operations.finish(report([], { steps: [{ index: 0, kind: 'scale-up', status: 'done', message: '' }] }), T0 + MIN);
    operations.upComplete(T0 + 4 * MIN);
    operations.upComplete(T0 + 9 * MIN);
    expect(await samples(metrics, 'scalerd_scale_operation_duration_seconds_sum')).toEqual(['scalerd_scale_operation_duration_seconds_sum{direction="up",result="done"} 240']);
  });

  it('a dry run moves none of it: its node events and reports are pretend', async () => {
    const metrics = createMetrics();
    const operations = new OperationMetrics(metrics, true);
    operations.begin(observed(), GROUPS, 'scalerd');
    const before = await samples(metrics, 'scalerd_scale_down_nodes');
    operations.onNode(nodeEvent('w2', 'cordoned', T0 + MIN));
    operations.onNode(nodeEvent('w2', 'drained', T0 + 2 * MIN));
    operations.onNode(nodeEvent('w1', 'removed', T0 + 3 * MIN));
    operations.finish(report([{ node: 'w1' }], { dryRun: true, steps: [{ index: 0, kind: 'scale-up', status: 'done', message: '' }] }), T0);
    operations.upComplete(T0 + 4 * MIN);
    expect(await samples(metrics, 'scalerd_scale_down_nodes')).toEqual(before);
    expect(await samples(metrics, 'scalerd_drain_duration_seconds_count')).toEqual(['scalerd_drain_duration_seconds_count 0']);
    expect(await samples(metrics, 'scalerd_scale_operation_duration_seconds_count')).toEqual([]);
  });
});

describe('what is in force', () => {
  it('the window behind each group\'s capacity, and when each override in force ends', async () => {
    // Wednesday 2026-03-04, 23:00 in Amsterdam: weeknights.
    const night = Date.parse('2026-03-04T22:00:00Z');
    const loaded = await loadScheduleFile('schedules/example.json', night);
    if (!loaded.ok) throw new Error('schedules/example.json does not load');
    const until = night + 30 * MIN;
    const metrics = createMetrics();
    publishSources(metrics, desiredView(loaded.schedule, night, [{ id: 'release', replicas: { 'shop/web': 9 }, from: night - MIN, until, reason: 'release', by: 'alice', createdAt: night - MIN }]));
    expect(await samples(metrics, 'scalerd_schedule_window_active')).toEqual(['scalerd_schedule_window_active{group="workers",window="weeknights"} 1']);
    expect(await samples(metrics, 'scalerd_override_end_timestamp_seconds')).toEqual([`scalerd_override_end_timestamp_seconds{override="release",target="workload/shop/web"} ${until / 1000}`]);
    // At noon: the default, and the override over: no series left behind.
    publishSources(metrics, desiredView(loaded.schedule, Date.parse('2026-03-04T11:00:00Z')));
    expect(await samples(metrics, 'scalerd_schedule_window_active')).toEqual([]);
    expect(await samples(metrics, 'scalerd_override_end_timestamp_seconds')).toEqual([]);
  });
});
