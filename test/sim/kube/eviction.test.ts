// The eviction subresource's rules, as the API server applies them.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/sim/kube/api-error.js';
import { at, pdb, runningPod, world } from './fixtures.js';

function evict(w: ReturnType<typeof world>, name: string, body: Record<string, unknown> = {}) {
  try {
    return { code: 201, result: w.api.create(at('', 'v1', 'pods', 'shop', name, 'eviction'), { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'shop' }, ...body }, 'test') };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { code: error.code, message: error.message, status: error.toStatus() };
  }
}

describe('pods/eviction', () => {
  it('evicts within the budget: the pod starts its graceful termination', () => {
    const w = world();
    for (const n of ['a', 'b', 'c']) runningPod(w.store, `web-${n}`, { app: 'web' });
    pdb(w.store, 'web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } });
    expect(evict(w, 'web-a').code).toBe(201);
    const pod = w.store.get('pods', 'shop', 'web-a')!;
    expect(pod.metadata.deletionTimestamp).toBe('2026-11-25T12:00:30Z'); // the pod's own 30 s grace
    expect(w.recorder.facts('eviction')).toMatchObject([{ pod: 'shop/web-a', result: 'accepted', code: 201, client: 'test' }]);
  });

  it('answers 429 when the budget allows no disruption, naming the budget', () => {
    const w = world();
    for (const n of ['a', 'b', 'c']) runningPod(w.store, `web-${n}`, { app: 'web' });
    pdb(w.store, 'web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } });
    expect(evict(w, 'web-a').code).toBe(201);
    const second = evict(w, 'web-b');
    expect(second.code).toBe(429);
    expect(second.status).toMatchObject({
      reason: 'TooManyRequests',
      message: 'Cannot evict pod as it would violate the pod\'s disruption budget.',
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }] },
    });
    expect(w.store.get('pods', 'shop', 'web-b')!.metadata.deletionTimestamp).toBeUndefined();
    expect(w.recorder.facts('eviction').map((f) => f.result)).toEqual(['accepted', 'refused']);
  });

  it('answers 500 when more than one budget selects the pod', () => {
    const w = world();
    runningPod(w.store, 'web-a', { app: 'web', tier: 'front' });
    pdb(w.store, 'one', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } });
    pdb(w.store, 'two', { maxUnavailable: 1, selector: { matchLabels: { tier: 'front' } } });
    expect(evict(w, 'web-a')).toMatchObject({ code: 500, message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.' });
  });

  it('answers 409 when the UID precondition does not match, 404 for a missing pod', () => {
    const w = world();
    runningPod(w.store, 'web-a', { app: 'web' });
    expect(evict(w, 'web-a', { deleteOptions: { preconditions: { uid: 'someone-else' } } })).toMatchObject({ code: 409, message: expect.stringContaining('Precondition failed: UID in precondition: someone-else') });
    expect(evict(w, 'web-zz').code).toBe(404);
  });

  it('deletes pending, terminal and already-deleting pods without a budget check', () => {
    const w = world();
    for (const n of ['a', 'b']) runningPod(w.store, `web-${n}`, { app: 'web' });
    pdb(w.store, 'web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } });
    w.store.mutate('pods', 'shop', 'web-a', (p) => { (p.status as Record<string, unknown>).phase = 'Succeeded'; });
    expect(evict(w, 'web-a').code).toBe(201);
    expect(w.store.get('pods', 'shop', 'web-a')).toBeUndefined(); // terminal: gone at once
    w.store.mutate('pods', 'shop', 'web-b', (p) => { (p.status as Record<string, unknown>).phase = 'Pending'; });
    expect(evict(w, 'web-b').code).toBe(201);
  });

  it('lets an unready pod go while the budget is met by the others (IfHealthyBudget)', () => {
    const w = world();
    for (const n of ['a', 'b']) runningPod(w.store, `web-${n}`, { app: 'web' });
    runningPod(w.store, 'web-c', { app: 'web' }, 'node-a', false);
    pdb(w.store, 'web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } });
    expect(evict(w, 'web-c').code).toBe(201);
    expect(evict(w, 'web-a').code).toBe(429);
  });

  it('a pdbsNeverAllow fault refuses every eviction under that budget', () => {
    const w = world();
    for (const n of ['a', 'b', 'c']) runningPod(w.store, `web-${n}`, { app: 'web' });
    pdb(w.store, 'web', { maxUnavailable: 2, selector: { matchLabels: { app: 'web' } } });
    w.faults.setBehaviour({ pdbsNeverAllow: ['shop/web'] });
    expect(evict(w, 'web-a').code).toBe(429);
  });

  it('percentages and maxUnavailable count the pods the controller wants', () => {
    const w = world();
    w.store.create('replicasets.apps', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-abc', namespace: 'shop' }, spec: { replicas: 4 } });
    for (const n of ['a', 'b', 'c']) runningPod(w.store, `web-${n}`, { app: 'web' }); // one of 4 is missing
    pdb(w.store, 'web', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } });
    expect(evict(w, 'web-a').code).toBe(429); // 4 expected, 1 already unavailable
  });

  it('counts a ReplicaSet\'s pods against its Deployment\'s scale, which a scale-down changes at once', () => {
    const w = world();
    w.store.create('deployments.apps', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 4 } });
    w.store.create('replicasets.apps', {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', spec: { replicas: 2 },
      metadata: { name: 'web-abc', namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true }] },
    });
    for (const n of ['a', 'b']) runningPod(w.store, `web-${n}`, { app: 'web' });
    pdb(w.store, 'web', { maxUnavailable: '50%', selector: { matchLabels: { app: 'web' } } });
    // The Deployment wants 4 (its ReplicaSet has not caught up): 2 must stay, and 2 are healthy.
    expect(evict(w, 'web-a')).toMatchObject({ code: 429, status: { details: { causes: [{ message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }] } } });
  });

  it('allows no disruption while the budget expects no pods (its workload scaled to zero), however many run', () => {
    const w = world();
    w.store.create('replicasets.apps', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-abc', namespace: 'shop' }, spec: { replicas: 0 } });
    for (const n of ['a', 'b']) runningPod(w.store, `web-${n}`, { app: 'web' });
    pdb(w.store, 'web', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } });
    expect(evict(w, 'web-a').code).toBe(429);
  });

  it('refuses an unready pod when the budget requires no healthy pods and allows no disruption (IfHealthyBudget needs desiredHealthy > 0)', () => {
    const w = world();
    w.store.create('replicasets.apps', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-abc', namespace: 'shop' }, spec: { replicas: 1 } });
    runningPod(w.store, 'web-a', { app: 'web' }, 'node-a', false);
    pdb(w.store, 'web', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } }); // desiredHealthy 0, currentHealthy 0
    expect(evict(w, 'web-a').code).toBe(429);
  });
});
