import { describe, expect, it } from 'vitest';
import { addNode, addWorkload, type Cluster, cluster, setReplicas } from './helpers.js';

const PDB = 'poddisruptionbudgets.policy';

function budget(c: Cluster, name: string, spec: Record<string, unknown>): void {
  c.create(PDB, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec } });
}

const numbers = (c: Cluster, name: string) => {
  const { currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed, observedGeneration } = c.status(PDB, name);
  return { currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed, observedGeneration };
};

describe('PodDisruptionBudget status', () => {
  const withWeb = (replicas = 4) => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'ReplicaSet', 'web', replicas);
    return c;
  };

  it('minAvailable as a number', () => {
    const c = withWeb();
    budget(c, 'min', { minAvailable: 3 });
    c.advance();
    expect(numbers(c, 'min')).toEqual({ currentHealthy: 0, desiredHealthy: 3, expectedPods: 4, disruptionsAllowed: 0, observedGeneration: 1 });
    c.advance(2);
    expect(numbers(c, 'min')).toEqual({ currentHealthy: 4, desiredHealthy: 3, expectedPods: 4, disruptionsAllowed: 1, observedGeneration: 1 });
    expect(c.status(PDB, 'min').conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' })]);
  });

  it('minAvailable as a percentage of the controller scale, rounded up', () => {
    const c = withWeb(5);
    budget(c, 'pct', { minAvailable: '50%' });
    c.advance(2);
    expect(numbers(c, 'pct')).toMatchObject({ currentHealthy: 5, desiredHealthy: 3, expectedPods: 5, disruptionsAllowed: 2 });
  });

  it('maxUnavailable against the scale the controller wants', () => {
    const c = withWeb(4);
    budget(c, 'max', { maxUnavailable: 1 });
    c.advance(2);
    expect(numbers(c, 'max')).toMatchObject({ currentHealthy: 4, desiredHealthy: 3, expectedPods: 4, disruptionsAllowed: 1 });
    setReplicas(c, 'replicasets.apps', 'web', 6);
    c.advance();
    expect(numbers(c, 'max')).toMatchObject({ currentHealthy: 4, desiredHealthy: 5, expectedPods: 6, disruptionsAllowed: 0 });
    expect(c.status(PDB, 'max').conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' })]);
    c.advance(2);
    expect(numbers(c, 'max')).toMatchObject({ currentHealthy: 6, desiredHealthy: 5, disruptionsAllowed: 1 });
  });

  it('counts terminating pods as unhealthy', () => {
    const c = withWeb(2);
    budget(c, 'min', { minAvailable: 1 });
    c.advance(2);
    c.store.mutate('pods', 'default', c.pods()[0]!.metadata.name, (p) => {
      p.metadata.deletionTimestamp = '2026-01-05T10:01:00Z';
    });
    c.advance();
    expect(numbers(c, 'min')).toMatchObject({ currentHealthy: 1, disruptionsAllowed: 0 });
  });

  it('reports no disruptions under the pdbsNeverAllow fault', () => {
    const c = withWeb(4);
    c.faults.setBehaviour({ pdbsNeverAllow: ['default/max'] });
    budget(c, 'max', { maxUnavailable: 2 });
    c.advance(2);
    expect(numbers(c, 'max')).toMatchObject({ currentHealthy: 4, desiredHealthy: 2, disruptionsAllowed: 0 });
  });

  it('writes only when something changed', () => {
    const c = withWeb(3);
    budget(c, 'min', { minAvailable: 1 });
    c.advance(2);
    const version = c.get(PDB, 'min')!.metadata.resourceVersion;
    c.store.mutate('pods', 'default', c.pods()[0]!.metadata.name, (p) => {
      p.metadata.labels = { ...p.metadata.labels, touched: 'yes' };
    });
    c.advance(5);
    expect(c.get(PDB, 'min')!.metadata.resourceVersion).toBe(version);
  });
});
