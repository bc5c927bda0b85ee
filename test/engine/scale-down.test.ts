// 6 → 3 nodes through reconcileOnce, against the simulator over HTTP with the real
// adapters: the invariants hold in the recorder, and the group and the cluster end as asked.

import { describe, expect, it } from 'vitest';
import { reconcileOnce } from '../../src/engine/index.js';
import { ASG, invariants, markedNodes, OPTIONS, scalerdMutations, sixNodes, useBed } from '../actuate/helpers.js';

describe('scale-down 6 → 3', () => {
  const bed = useBed(() => sixNodes());

  it('removes three nodes without breaking a budget, killing a pod or terminating a busy instance', async () => {
    const { plan, report } = await reconcileOnce({
      cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, desired: { capacity: { workers: 3 }, replicas: {} },
      execution: { ...bed.deps(), options: OPTIONS },
    });
    expect(plan.steps.filter((s) => s.kind === 'drain-node')).toHaveLength(3);
    expect(report.outcome).toBe('done');
    expect(report.nodes.map((n) => n.result)).toEqual(['removed', 'removed', 'removed']);

    const [group] = await bed.cloud.describeGroups([ASG]);
    expect(group!.instances.filter((i) => i.lifecycleState === 'InService')).toHaveLength(3);
    expect(group!.desiredCapacity).toBe(3);
    const nodes = await bed.cluster.listNodes();
    expect(nodes).toHaveLength(3);
    expect(nodes.every((n) => !n.unschedulable)).toBe(true);
    expect(await markedNodes(bed.cluster)).toEqual([]);

    expect(invariants(bed.sim)).toEqual({ pdbViolations: 0, podsKilled: 0, terminatedWithPods: 0, terminated: 3 });
    // Paced by the budgets (budget-gate.ts), not by 429s: web and search (maxUnavailable 1)
    // moved one pod at a time without one refusal.
    const evictions = bed.sim.recorder.facts('eviction');
    expect(evictions.filter((e) => e.result === 'accepted' && /^shop\/(web|search)/.test(e.pod)).length).toBeGreaterThanOrEqual(2);
    expect(evictions.filter((e) => e.result === 'refused')).toEqual([]);
    // Never SetDesiredCapacity on a scale-down: exact terminations only.
    const aws = scalerdMutations(bed.sim).filter((m) => m.api === 'aws').map((m) => m.operation);
    expect(aws.filter((o) => o === 'SetDesiredCapacity')).toEqual([]);
    expect(aws.filter((o) => o === 'TerminateInstanceInAutoScalingGroup')).toHaveLength(3);
  });
});

describe('scale-down of a group whose AZRebalance runs', () => {
  const bed = useBed(() => sixNodes({ suspended: [] }));

  it('suspends AZRebalance first, marks the whole batch before any eviction, and ends no drain before the settle', async () => {
    const { plan, report } = await reconcileOnce({
      cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, desired: { capacity: { workers: 4 }, replicas: {} },
      execution: { ...bed.deps(), options: OPTIONS },
    });
    expect(plan.steps.map((s) => s.kind)).toEqual(['suspend-processes', 'drain-node', 'drain-node']);
    expect(report.outcome).toBe('done');
    const [group] = await bed.cloud.describeGroups([ASG]);
    expect(group!.suspendedProcesses).toContain('AZRebalance');

    const mutations = scalerdMutations(bed.sim);
    expect(mutations[0]).toMatchObject({ api: 'aws', operation: 'SuspendProcesses', target: ASG });
    const cordons = bed.sim.recorder.facts('cordon').filter((c) => c.unschedulable);
    const evictions = bed.sim.recorder.facts('eviction');
    expect(cordons).toHaveLength(2);
    const lastCordon = Math.max(...cordons.map((c) => c.at));
    expect(Math.min(...evictions.map((e) => e.at))).toBeGreaterThanOrEqual(lastCordon);
    // Every termination after its node's last eviction and at least the settle after its
    // cordon, and the Node deleted after its instance.
    for (const node of report.nodes) {
      const terminate = mutations.find((m) => m.operation === 'TerminateInstanceInAutoScalingGroup' && m.target === node.instanceId)!;
      const cordon = cordons.find((c) => c.node === node.node)!;
      expect(terminate.at).toBeGreaterThanOrEqual(cordon.at + OPTIONS.settleMs!);
      const lastEviction = Math.max(...evictions.filter((e) => e.node === node.node).map((e) => e.at));
      expect(terminate.at).toBeGreaterThanOrEqual(lastEviction);
      // Deleted by scalerd after the termination, or, where the simulated cloud node
      // lifecycle got there first (its removal delay passed on a slow machine), gone all the same.
      const deleted = mutations.find((m) => m.operation === 'delete nodes' && m.target === node.node);
      if (deleted) expect(deleted.at).toBeGreaterThanOrEqual(terminate.at);
      expect(bed.sim.store.get('nodes', undefined, node.node)).toBeUndefined();
    }
    expect(invariants(bed.sim)).toEqual({ pdbViolations: 0, podsKilled: 0, terminatedWithPods: 0, terminated: 2 });
  });
});
