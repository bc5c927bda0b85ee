// Workloads, autoscalers and budgets through the adapter over HTTP.

import { describe, expect, it } from 'vitest';
import { isRemoteError } from '../../src/errors.js';
import { failure, smallScenario, useKubeSim } from './helpers.js';

// small.json with an autoscaler on web.
const t = useKubeSim({
  scenario: async () => {
    const small = await smallScenario();
    return { ...small, workloads: (small.workloads ?? []).map((w) => (w.name === 'web' ? { ...w, hpa: { min: 2, max: 6 } } : w)) };
  },
});

const specOf = (resource: string, name: string) => t.sim.store.get(resource, 'shop', name)!.spec as { replicas?: number; minReplicas?: number; maxReplicas?: number };
const annotationsOf = (resource: string, name: string) => t.sim.store.get(resource, 'shop', name)!.metadata.annotations ?? {};
const lists = () => Object.entries(t.sim.recorder.requests()).filter(([k]) => k.startsWith('list ')).reduce((n, [, v]) => n + v, 0);

describe('getWorkloads', () => {
  it('finds Deployments and StatefulSets by name, with the autoscaler that targets them, in a few list calls', async () => {
    const before = lists();
    const workloads = await t.cluster.getWorkloads([
      { namespace: 'shop', name: 'web' },
      { namespace: 'shop', name: 'search' },
      { namespace: 'shop', name: 'cache', kind: 'Deployment' },
      { namespace: 'shop', name: 'web' }, // once is enough
      { namespace: 'shop', name: 'missing' },
    ]);
    expect(lists() - before).toBe(3); // Deployments, StatefulSets, autoscalers of the one namespace
    expect(workloads.map((w) => `${w.kind} ${w.name}`)).toEqual(['Deployment web', 'StatefulSet search', 'Deployment cache']);
    expect(workloads[0]).toMatchObject({ namespace: 'shop', replicas: 3, readyReplicas: 3, availableReplicas: 3, hpa: { namespace: 'shop', name: 'web', minReplicas: 2, maxReplicas: 6, annotations: {} } });
    const { uid, resourceVersion } = t.sim.store.get('deployments.apps', 'shop', 'web')!.metadata;
    // What an Event about it names (involvedObject), so `kubectl describe` finds the event.
    expect(workloads[0]).toMatchObject({ uid, resourceVersion });
    expect(workloads[1]).toMatchObject({ replicas: 2, readyReplicas: 2, hpa: undefined });
  });

  it('returns both for a name without a kind that is both a Deployment and a StatefulSet; the kind settles it', async () => {
    await t.apps.createNamespacedDeployment({
      namespace: 'shop',
      body: { metadata: { name: 'search' }, spec: { replicas: 0, selector: { matchLabels: { app: 'search-d' } }, template: { metadata: { labels: { app: 'search-d' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } },
    });
    const both = await t.cluster.getWorkloads([{ namespace: 'shop', name: 'search' }]);
    expect(both.map((w) => w.kind).sort()).toEqual(['Deployment', 'StatefulSet']);
    expect((await t.cluster.getWorkloads([{ namespace: 'shop', name: 'search', kind: 'StatefulSet' }]))[0]?.kind).toBe('StatefulSet');
  });
});

describe('changing workloads', () => {
  it('scales through the scale subresource', async () => {
    await t.cluster.scaleWorkload({ kind: 'Deployment', namespace: 'shop', name: 'cache' }, 4);
    await t.cluster.scaleWorkload({ kind: 'StatefulSet', namespace: 'shop', name: 'search' }, 3);
    expect([specOf('deployments.apps', 'cache').replicas, specOf('statefulsets.apps', 'search').replicas]).toEqual([4, 3]);
    expect(t.sim.recorder.requests()).toMatchObject({ 'patch deployments/scale': 1, 'patch statefulsets/scale': 1 });
    const invalid = await failure(t.cluster.scaleWorkload({ kind: 'Deployment', namespace: 'shop', name: 'cache' }, -1));
    expect(isRemoteError(invalid) && invalid.detail).toEqual({ operation: 'patch deployments/scale', status: 422, reason: 'Invalid', retryable: false });
  });

  it('sets and removes annotations on a Deployment and a StatefulSet', async () => {
    await t.cluster.annotateWorkload({ kind: 'Deployment', namespace: 'shop', name: 'web' }, { 'scalerd.io/replicas-before': '3' });
    await t.cluster.annotateWorkload({ kind: 'StatefulSet', namespace: 'shop', name: 'search' }, { 'scalerd.io/replicas-before': '2' });
    expect(annotationsOf('deployments.apps', 'web')['scalerd.io/replicas-before']).toBe('3');
    expect(annotationsOf('statefulsets.apps', 'search')['scalerd.io/replicas-before']).toBe('2');
    await t.cluster.annotateWorkload({ kind: 'Deployment', namespace: 'shop', name: 'web' }, { 'scalerd.io/replicas-before': null });
    expect(annotationsOf('deployments.apps', 'web')).not.toHaveProperty('scalerd.io/replicas-before');
  });

  it('changes an autoscaler\'s bounds and annotations, only those given', async () => {
    await t.cluster.changeHpa('shop', 'web', { minReplicas: 1, annotations: { 'scalerd.io/min-before': '2' } });
    expect(specOf('horizontalpodautoscalers.autoscaling', 'web')).toMatchObject({ minReplicas: 1, maxReplicas: 6 });
    await t.cluster.changeHpa('shop', 'web', { maxReplicas: 8, annotations: { 'scalerd.io/min-before': null } });
    const [web] = await t.cluster.getWorkloads([{ namespace: 'shop', name: 'web', kind: 'Deployment' }]);
    expect(web?.hpa).toEqual({ namespace: 'shop', name: 'web', minReplicas: 1, maxReplicas: 8, annotations: {} });
  });
});

describe('listPdbs', () => {
  it('lists the budgets with their selector and status', async () => {
    const pdbs = await t.cluster.listPdbs();
    expect(pdbs.map((p) => `${p.namespace}/${p.name}`).sort()).toEqual(['shop/search', 'shop/web']);
    expect(pdbs.find((p) => p.name === 'web')).toEqual({
      namespace: 'shop', name: 'web', selector: { matchLabels: { app: 'web' } },
      disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3,
    });
  });
});
