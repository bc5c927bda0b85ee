// Workloads as scalerd sizes and guards them through client-node: the scale subresource of
// Deployments and StatefulSets, PodDisruptionBudgets with their status, autoscalers.

import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { apiFailure, rv, smallScenario, useSim } from './helpers.js';

// small.json with an autoscaler on web, so there is one to list.
const s = useSim({
  scenario: async () => {
    const small = await smallScenario();
    return { ...small, workloads: (small.workloads ?? []).map((w) => (w.name === 'web' ? { ...w, hpa: { min: 2, max: 6 } } : w)) };
  },
});

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const readyPods = async (app: string) =>
  (await s.core.listNamespacedPod({ namespace: 'shop', labelSelector: `app=${app}` })).items.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));

describe('the scale subresource through client-node', () => {
  it('reads a Deployment\'s scale: replicas, selector, and the Deployment\'s resourceVersion', async () => {
    const scale = await s.apps.readNamespacedDeploymentScale({ name: 'cache', namespace: 'shop' });
    const deployment = await s.apps.readNamespacedDeployment({ name: 'cache', namespace: 'shop' });
    expect(scale).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 2 }, status: { replicas: 2, selector: 'app=cache' } });
    expect(scale.metadata?.resourceVersion).toBe(deployment.metadata?.resourceVersion);
  });

  it('patches a Deployment\'s scale (merge patch, then the default JSON patch); the pods follow on the clock', async () => {
    const scaled = await s.apps.patchNamespacedDeploymentScale({ name: 'cache', namespace: 'shop', body: { spec: { replicas: 4 } } }, merge);
    expect(scaled.spec?.replicas).toBe(4);
    expect((await s.apps.readNamespacedDeployment({ name: 'cache', namespace: 'shop' })).spec?.replicas).toBe(4);
    expect(await readyPods('cache')).toHaveLength(2); // nothing moves until the clock does
    s.sim.clock.advance(2_000);
    expect(await readyPods('cache')).toHaveLength(4);
    const down = await s.apps.patchNamespacedDeploymentScale({ name: 'cache', namespace: 'shop', body: [{ op: 'replace', path: '/spec/replicas', value: 2 }] });
    expect(down.spec?.replicas).toBe(2);
    s.sim.clock.advance(2_000);
    expect(await readyPods('cache')).toHaveLength(2);
  });

  it('replaces a StatefulSet\'s scale with its resourceVersion; a stale one is 409, a negative count 422', async () => {
    const scale = await s.apps.readNamespacedStatefulSetScale({ name: 'search', namespace: 'shop' });
    const up = await s.apps.replaceNamespacedStatefulSetScale({ name: 'search', namespace: 'shop', body: { ...scale, spec: { replicas: 3 } } });
    expect(up.spec?.replicas).toBe(3);
    expect(rv(up)).toBeGreaterThan(rv(scale));
    const stale = await apiFailure(s.apps.replaceNamespacedStatefulSetScale({ name: 'search', namespace: 'shop', body: { ...scale, spec: { replicas: 4 } } }));
    expect(stale).toMatchObject({ code: 409, status: { reason: 'Conflict' } });
    const negative = await apiFailure(s.apps.patchNamespacedStatefulSetScale({ name: 'search', namespace: 'shop', body: { spec: { replicas: -1 } } }, merge));
    expect(negative).toMatchObject({ code: 422, status: { reason: 'Invalid' } });
    s.sim.clock.advance(3_000);
    expect((await readyPods('search')).map((p) => p.metadata?.name).sort()).toEqual(['search-0', 'search-1', 'search-2']);
  });
});

describe('budgets and autoscalers through client-node', () => {
  it('lists PodDisruptionBudgets with the status the disruption controller keeps', async () => {
    const list = await s.policy.listNamespacedPodDisruptionBudget({ namespace: 'shop' });
    const web = list.items.find((p) => p.metadata?.name === 'web');
    expect(web?.spec?.minAvailable).toBe(2);
    expect(web?.status).toMatchObject({ currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1, observedGeneration: 1 });
    expect(web?.status?.conditions?.find((c) => c.type === 'DisruptionAllowed')).toMatchObject({ status: 'True', reason: 'SufficientPods' });
    const all = await s.policy.listPodDisruptionBudgetForAllNamespaces();
    expect(all.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`).sort()).toEqual(['shop/search', 'shop/web']);
  });

  it('shows an eviction in the budget\'s status once the controller has run', async () => {
    const [pod] = await readyPods('web');
    await s.core.createNamespacedPodEviction({ name: pod!.metadata!.name!, namespace: 'shop', body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod!.metadata!.name!, namespace: 'shop' } } });
    s.sim.clock.advance(0);
    const web = await s.policy.readNamespacedPodDisruptionBudget({ name: 'web', namespace: 'shop' });
    expect(web.status).toMatchObject({ currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 });
    expect(web.status?.conditions?.find((c) => c.type === 'DisruptionAllowed')).toMatchObject({ status: 'False', reason: 'InsufficientPods' });
    s.sim.clock.advance(3_000);
  });

  it('lists HorizontalPodAutoscalers (autoscaling/v2) with their target and bounds', async () => {
    const list = await s.autoscaling.listHorizontalPodAutoscalerForAllNamespaces();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      metadata: { name: 'web', namespace: 'shop' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 6 },
    });
    expect((await s.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: 'default' })).items).toEqual([]);
  });
});
