// --dry-run: the same plan and the same execution path, reported in full, with zero
// mutating calls — counted where they would land, in the simulator's recorder.

import { describe, expect, it } from 'vitest';
import { reconcileOnce } from '../../src/engine/index.js';
import type { Workload } from '../../src/schedule/types.js';
import { ASG, invariants, markedNodes, OPTIONS, scalerdMutations, sixNodes, useBed } from '../actuate/helpers.js';

const WEB: Workload = { key: 'shop/web', namespace: 'shop', name: 'web', kind: 'Deployment', min: 1, max: 20 };

describe('dry run', () => {
  const bed = useBed(() => sixNodes(), [WEB]);

  it('scale-down 6 → 3 with a workload going down too: everything reported, nothing changed', async () => {
    const { plan, report } = await reconcileOnce({
      cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, desired: { capacity: { workers: 3 }, replicas: { 'shop/web': 4 } },
      execution: { ...bed.deps({ dryRun: true }), options: OPTIONS },
    });
    expect(plan.steps.map((s) => s.kind)).toEqual(['scale-workload', 'drain-node', 'drain-node', 'drain-node']);
    expect(report).toMatchObject({ dryRun: true, outcome: 'done' });
    expect(report.nodes.map((n) => n.result)).toEqual(['removed', 'removed', 'removed']);
    const kinds = report.actions.map((a) => a.kind);
    const count = (kind: string) => kinds.filter((k) => k === kind).length;
    expect(count('annotate-workload')).toBe(1);
    expect(count('scale-workload')).toBe(1);
    // Mark, then the four phases' walk (draining, drained, terminating) per node.
    expect(count('change-node')).toBe(3 * 4);
    expect(count('evict-pod')).toBe(plan.steps.reduce((n, s) => n + (s.kind === 'drain-node' ? s.pods.length : 0), 0));
    expect(count('terminate-instance')).toBe(3);
    expect(count('delete-node')).toBe(3);
    expect(count('set-desired-capacity')).toBe(0);
    expect(bed.events.filter((e) => e.kind === 'action').every((e) => e.kind === 'action' && e.dryRun)).toBe(true);
    // Every word of it says "would": the summary, each step, each node, each progress event.
    expect(report.message).toBe('would do 4 steps');
    expect(report.steps.map((s) => s.message)).toEqual(report.steps.map(() => expect.stringMatching(/^would\b/)));
    expect(report.nodes.map((n) => n.reason)).toEqual(report.nodes.map(() => expect.stringMatching(/^would\b/)));
    const said = bed.events.flatMap((e) => (e.kind === 'action' ? [] : [e.message]));
    expect(said.length).toBeGreaterThan(0);
    expect(said.filter((m) => !/^would\b/.test(m))).toEqual([]);
    expect(said).toContain(`would terminate ${report.nodes[0]!.instanceId} and delete the Node`);

    expect(scalerdMutations(bed.sim)).toEqual([]);
    expect(bed.sim.recorder.facts('eviction')).toEqual([]);
    expect(invariants(bed.sim).terminated).toBe(0);
    expect(await bed.cluster.listNodes()).toHaveLength(6);
    expect(await markedNodes(bed.cluster)).toEqual([]);
  });

  it('scale-up: the capacity it would set is reported, the group is untouched', async () => {
    const { report } = await reconcileOnce({
      cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, desired: { capacity: { workers: 8 }, replicas: { 'shop/web': 9 } },
      execution: { ...bed.deps({ dryRun: true }), options: OPTIONS },
    });
    expect(report.outcome).toBe('done');
    expect(report.actions.map((a) => `${a.kind} ${a.detail}`)).toContain('set-desired-capacity 6 → 8');
    expect(report.steps.find((s) => s.kind === 'await-nodes')!.message).toMatch(/^would wait/);
    expect(scalerdMutations(bed.sim)).toEqual([]);
    const [group] = await bed.cloud.describeGroups([ASG]);
    expect(group!.desiredCapacity).toBe(6);
  });
});
