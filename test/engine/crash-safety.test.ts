// What a process that died mid-removal leaves behind — nodes carrying scalerd's marks —
// is finished or undone by the next reconcile, according to the desired state then.

import { describe, expect, it } from 'vitest';
import { execute } from '../../src/actuate/index.js';
import { observe, reconcileOnce } from '../../src/engine/index.js';
import { plan } from '../../src/plan/index.js';
import { ASG, Bed, invariants, markAs, markedNodes, OPTIONS, scalerdMutations, sixNodes, useBed } from '../actuate/helpers.js';

const reconcile = (bed: Bed, workers: number, signal?: AbortSignal) =>
  reconcileOnce({
    cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, desired: { capacity: { workers }, replicas: {} },
    execution: { ...bed.deps(signal ? { signal } : {}), options: OPTIONS },
  });

const nodesByPods = async (bed: Bed) => {
  const [nodes, pods] = await Promise.all([bed.cluster.listNodes(), bed.cluster.listPods()]);
  return nodes.map((n) => n.name).sort((a, b) => pods.filter((p) => p.nodeName === b).length - pods.filter((p) => p.nodeName === a).length);
};

describe('resume after a crash', () => {
  const bed = useBed(() => sixNodes());

  it('finishes nodes a dead process left draining and drained, then the zero counts hold', async () => {
    const [draining, drained] = await nodesByPods(bed);
    await markAs(bed.arrange, draining!, 'draining');
    // "drained", though its pods are still there: the actuator looks before it terminates.
    await markAs(bed.arrange, drained!, 'drained');
    const { plan: decided, report } = await reconcile(bed, 4);
    expect(decided.steps.filter((s) => s.kind === 'resume-node').map((s) => s.kind === 'resume-node' && s.node).sort()).toEqual([draining, drained].sort());
    expect(decided.steps.some((s) => s.kind === 'drain-node')).toBe(false);
    expect(report.outcome).toBe('done');
    expect(report.nodes.every((n) => n.result === 'removed' && n.evicted > 0)).toBe(true);
    const names = (await bed.cluster.listNodes()).map((n) => n.name);
    expect(names).not.toContain(draining);
    expect(names).not.toContain(drained);
    expect(names).toHaveLength(4);
    expect(await markedNodes(bed.cluster)).toEqual([]);
    expect(invariants(bed.sim)).toEqual({ pdbViolations: 0, podsKilled: 0, terminatedWithPods: 0, terminated: 2 });
  });

  it('gives a node marked a moment before the crash its settle, counted from its mark', async () => {
    const [node] = await nodesByPods(bed);
    const markedAt = bed.sim.clock.now();
    await markAs(bed.arrange, node!, 'cordoned', 'scalerd', markedAt);
    // A settle longer than the drain, so that only the settle can hold the node back.
    const settleMs = 60_000;
    const { report } = await reconcileOnce({
      cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, desired: { capacity: { workers: 5 }, replicas: {} },
      execution: { ...bed.deps(), options: { ...OPTIONS, settleMs } },
    });
    expect(report.nodes).toMatchObject([{ node, result: 'removed' }]);
    const terminate = scalerdMutations(bed.sim).find((m) => m.operation === 'TerminateInstanceInAutoScalingGroup')!;
    expect(terminate.at).toBeGreaterThanOrEqual(markedAt + settleMs);
  });

  it('never rolls back a node left terminating: it is drained and finished, and the group replaced', async () => {
    const [node] = await nodesByPods(bed);
    await markAs(bed.arrange, node!, 'terminating');
    const { plan: decided, report } = await reconcile(bed, 6);
    expect(decided.steps.map((s) => s.kind)).toEqual(['scale-up', 'resume-node']);
    expect(report.outcome).toBe('done');
    expect(report.nodes).toMatchObject([{ node, result: 'removed', phase: 'terminating' }]);
    expect(report.nodes[0]!.evicted).toBeGreaterThan(0);
    expect(invariants(bed.sim)).toEqual({ pdbViolations: 0, podsKilled: 0, terminatedWithPods: 0, terminated: 1 });
    const [group] = await bed.cloud.describeGroups([ASG]);
    expect(group!.desiredCapacity).toBe(6);
  });
});

describe('rollback when capacity is wanted again', () => {
  const bed = useBed(() => sixNodes());

  it('uncordons and unmarks nodes a dead process marked, and terminates none', async () => {
    const [a, b] = await nodesByPods(bed);
    await markAs(bed.arrange, a!, 'cordoned');
    await markAs(bed.arrange, b!, 'draining');
    const { plan: decided, report } = await reconcile(bed, 6);
    expect(decided.steps.map((s) => s.kind)).toEqual(['rollback-node', 'rollback-node']);
    expect(report.outcome).toBe('done');
    expect(report.nodes.map((n) => n.result)).toEqual(['rolled-back', 'rolled-back']);
    const nodes = await bed.cluster.listNodes();
    expect(nodes).toHaveLength(6);
    expect(nodes.every((n) => !n.unschedulable)).toBe(true);
    expect(await markedNodes(bed.cluster)).toEqual([]);
    expect(invariants(bed.sim).terminated).toBe(0);
    expect(scalerdMutations(bed.sim).map((m) => m.operation)).toEqual(['patch nodes', 'patch nodes']);
  });

  it('a scale-down aborted mid-drain, then desired back up: every marked node is rolled back', async () => {
    const controller = new AbortController();
    const observation = await observe({ cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, now: bed.sim.clock.now() });
    const decided = plan({ observation, schedule: bed.schedule, desired: { capacity: { workers: 3 }, replicas: {} }, now: bed.sim.clock.now() });
    const deps = bed.deps({
      signal: controller.signal,
      onProgress: (e) => {
        if (e.kind === 'eviction' && e.outcome === 'evicted') controller.abort();
      },
    });
    const first = await execute(decided, deps, OPTIONS);
    expect(first).toMatchObject({ outcome: 'stopped', stoppedBy: 'abort' });
    expect((await markedNodes(bed.cluster)).length).toBe(3);

    const { report } = await reconcile(bed, 6);
    expect(report.outcome).toBe('done');
    expect(report.nodes.map((n) => n.result)).toEqual(['rolled-back', 'rolled-back', 'rolled-back']);
    expect(await markedNodes(bed.cluster)).toEqual([]);
    expect((await bed.cluster.listNodes()).every((n) => !n.unschedulable)).toBe(true);
    expect(invariants(bed.sim)).toEqual({ pdbViolations: 0, podsKilled: 0, terminatedWithPods: 0, terminated: 0 });
  });
});
