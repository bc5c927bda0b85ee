// Budgets the actuator meets while it drains: a pod that two budgets select (found by the
// re-classification, or by the eviction API's 500) fails its node fast; a budget that never
// allows a disruption runs the node into its deadline: rolled back, or forced by policy.

import { KubeConfig, PolicyV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { execute, type ExecuteOptionsInput } from '../../src/actuate/index.js';
import { observe } from '../../src/engine/index.js';
import { plan, type DrainNodeStep, type Plan } from '../../src/plan/index.js';
import type { Cluster } from '../../src/ports/index.js';
import { Bed, CLIENT_ID, invariants, markedNodes, OPTIONS, sixNodes, useBed } from './helpers.js';

async function planDown(bed: Bed, workers: number): Promise<Plan> {
  const now = bed.sim.clock.now();
  const observation = await observe({ cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, now });
  return plan({ observation, schedule: bed.schedule, desired: { capacity: { workers }, replicas: {} }, now });
}

/** A second budget over the pods of `app`, whose own budget already selects them. */
async function overlap(bed: Bed, app: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromString(bed.sim.kubeconfig);
  await kc.makeApiClient(PolicyV1Api).createNamespacedPodDisruptionBudget({
    namespace: 'shop',
    body: { metadata: { name: `${app}-extra`, namespace: 'shop' }, spec: { minAvailable: 1, selector: { matchLabels: { app } } } },
  });
}

/** A drain step with a pod of `app` on it. */
const victimWith = (p: Plan, app: string) =>
  p.steps.find((s): s is DrainNodeStep => s.kind === 'drain-node' && s.pods.some((pod) => pod.name.startsWith(`${app}-`)));

describe('two budgets select a victim\'s pod', () => {
  const bed = useBed(() => sixNodes());

  it('found when the pods are classified again after the settle: the node is rolled back before any eviction', async () => {
    const decided = await planDown(bed, 3);
    const victim = victimWith(decided, 'search') ?? victimWith(decided, 'web')!;
    const app = victim.pods.find((p) => p.budget)!.budget!.split('/')[1]!;
    await overlap(bed, app);
    const report = await execute(decided, bed.deps(), OPTIONS);
    expect(report.outcome).toBe('failed');
    const failed = report.nodes.find((n) => n.node === victim.node)!;
    expect(failed).toMatchObject({ result: 'rolled-back', code: 'multiple-budgets', evicted: 0 });
    expect(failed.reason).toMatch(/selected by 2 PodDisruptionBudgets/);
    expect(bed.sim.recorder.facts('eviction').filter((e) => e.node === victim.node)).toEqual([]);
    expect(await markedNodes(bed.cluster)).toEqual([]);
    expect(invariants(bed.sim)).toMatchObject({ pdbViolations: 0, podsKilled: 0, terminatedWithPods: 0 });
  });

  it('found by the eviction API (500) when the budget list missed it: fail fast, one try per pod, rolled back', async () => {
    const decided = await planDown(bed, 3);
    const victim = victimWith(decided, 'web')!;
    await overlap(bed, 'web');
    // A budget list taken a moment before the new budget was created.
    const stale: Cluster = { ...bed.cluster, listPdbs: async () => (await bed.cluster.listPdbs()).filter((p) => p.name !== 'web-extra') };
    const report = await execute(decided, bed.deps({ cluster: stale }), OPTIONS);
    const failed = report.nodes.find((n) => n.node === victim.node)!;
    expect(failed).toMatchObject({ result: 'rolled-back', code: 'multiple-budgets' });
    expect(failed.reason).toMatch(/more than one PodDisruptionBudget/);
    const refused = bed.sim.recorder.facts('eviction').filter((e) => e.client === CLIENT_ID && e.code === 500);
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused.map((e) => e.uid)).size).toBe(refused.length);
    expect(await markedNodes(bed.cluster)).toEqual([]);
    expect(invariants(bed.sim)).toMatchObject({ pdbViolations: 0, podsKilled: 0, terminatedWithPods: 0 });
  });
});

describe('a budget that never allows an eviction (fault 1)', () => {
  const bed = useBed(() => sixNodes());
  const short: ExecuteOptionsInput = { ...OPTIONS, drainTimeoutMs: 20_000 };

  it('backs off until the deadline, then rolls the node back and names the budget', async () => {
    bed.sim.faults.setBehaviour({ pdbsNeverAllow: ['shop/web'] });
    const decided = await planDown(bed, 3);
    const report = await execute(decided, bed.deps(), short);
    const stuck = report.nodes.filter((n) => n.code === 'drain-timeout');
    expect(stuck.length).toBeGreaterThan(0);
    for (const node of stuck) {
      expect(node.result).toBe('rolled-back');
      expect(node.reason).toMatch(/shop\/web-.*disruption budget/);
    }
    // Backed off, not busy: a handful of refusals per pod over 20 s, not thousands.
    const refusals = bed.sim.recorder.facts('eviction').filter((e) => e.result === 'refused');
    expect(refusals.length).toBeLessThan(40 * stuck.length);
    expect(await markedNodes(bed.cluster)).toEqual([]);
    expect(invariants(bed.sim)).toMatchObject({ pdbViolations: 0, podsKilled: 0, terminatedWithPods: 0 });
  });

  it('with policy force, deletes what is left with a grace period of at least 1 s and removes the node', async () => {
    bed.sim.faults.setBehaviour({ pdbsNeverAllow: ['shop/web'] });
    const decided = await planDown(bed, 3);
    const report = await execute(decided, bed.deps(), { ...short, podPolicy: { force: true } });
    expect(report.outcome).toBe('done');
    expect(report.nodes.reduce((n, r) => n + r.forced, 0)).toBeGreaterThan(0);
    const deletes = report.actions.filter((a) => a.kind === 'delete-pod');
    expect(deletes.length).toBeGreaterThan(0);
    for (const d of deletes) expect(d.detail).toMatch(/grace [1-9]\d* s, UID /);
    // Forced pods end gracefully before the instance goes: nothing is killed with it.
    expect(invariants(bed.sim)).toMatchObject({ podsKilled: 0, terminatedWithPods: 0, terminated: 3 });
  });
});
