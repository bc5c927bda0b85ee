// Every answer an eviction can get, through the adapter over HTTP, each mapped to the
// port's EvictionResult and none retried by the adapter: 201, 429 (budget), 500 (two
// budgets), 409 (UID precondition), 404, 403 (namespace terminating).

import { describe, expect, it } from 'vitest';
import type { PodRef } from '../../src/ports/index.js';
import { CLIENT_ID, START, useKubeSim } from './helpers.js';

const t = useKubeSim();

const refsOf = (app: string): PodRef[] =>
  t.sim.store.list('pods', 'shop')
    .filter((p) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp)
    .map((p) => ({ namespace: 'shop', name: p.metadata.name, uid: p.metadata.uid }));
const evictions = () => t.sim.recorder.requests()['create pods/eviction'] ?? 0;

describe('evictPod', () => {
  it('evicts within the budget (with the grace period asked), then is blocked by it: 429, no Retry-After, the budget\'s message', async () => {
    const [first, second] = refsOf('web');
    expect(await t.cluster.evictPod(first!, 10)).toEqual({ kind: 'evicted' });
    expect(t.sim.store.get('pods', 'shop', first!.name)?.metadata.deletionTimestamp).toBe(new Date(START + 10_000).toISOString().replace('.000Z', 'Z'));

    const sent = evictions();
    expect(await t.cluster.evictPod(second!)).toEqual({
      kind: 'blocked',
      retryAfterMs: 0,
      message: 'Cannot evict pod as it would violate the pod\'s disruption budget. (The disruption budget web needs 2 healthy pods and has 2 currently)',
    });
    expect(evictions() - sent).toBe(1); // an outcome for the caller to back off on, not retried here
    expect(t.sim.recorder.facts('eviction').map((f) => [f.pod, f.result, f.code, f.client])).toEqual([
      [`shop/${first!.name}`, 'accepted', 201, CLIENT_ID],
      [`shop/${second!.name}`, 'refused', 429, CLIENT_ID],
    ]);
  });

  it('passes on a Retry-After the server sends with a 429', async () => {
    const [pod] = refsOf('search');
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'create pods/eviction', error: 429, count: 1 });
    expect(await t.cluster.evictPod(pod!)).toEqual({ kind: 'blocked', retryAfterMs: 1_000, message: 'Too many requests, please try again later.' });
  });

  it('reports a pod two budgets select (500) as multiple-budgets, not as a failure to retry', async () => {
    for (const name of ['cache-a', 'cache-b']) {
      await t.policy.createNamespacedPodDisruptionBudget({ namespace: 'shop', body: { metadata: { name }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'cache' } } } } });
    }
    const [pod] = refsOf('cache');
    const sent = evictions();
    expect(await t.cluster.evictPod(pod!)).toEqual({ kind: 'multiple-budgets', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.' });
    expect(evictions() - sent).toBe(1);
    expect(t.sim.store.get('pods', 'shop', pod!.name)?.metadata.deletionTimestamp).toBeUndefined();
  });

  it('answers gone for a pod whose UID changed (409) and for one that does not exist (404)', async () => {
    const [pod] = refsOf('search');
    expect(await t.cluster.evictPod({ ...pod!, uid: '0b5a2c57-0000-4000-8000-000000000000' })).toEqual({ kind: 'gone' });
    expect(t.sim.store.get('pods', 'shop', pod!.name)?.metadata.deletionTimestamp).toBeUndefined();
    expect(await t.cluster.evictPod({ namespace: 'shop', name: 'web-gone-12345', uid: pod!.uid })).toEqual({ kind: 'gone' });
    expect(t.sim.recorder.facts('eviction').slice(-2).map((f) => f.code)).toEqual([409, 404]);
  });

  it('answers namespace-terminating (403 with the NamespaceTerminating cause) while the namespace is deleted', async () => {
    await t.core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    const pod = await t.core.createNamespacedPod({ namespace: 'doomed', body: { metadata: { name: 'job' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } });
    await t.core.deleteNamespace({ name: 'doomed' });
    // The namespace controller empties it on the clock; until then evictions there are refused.
    expect(await t.cluster.evictPod({ namespace: 'doomed', name: 'job', uid: pod.metadata!.uid! })).toEqual({ kind: 'namespace-terminating' });
    t.sim.clock.advance(60_000);
    expect(await t.cluster.evictPod({ namespace: 'doomed', name: 'job', uid: pod.metadata!.uid! })).toEqual({ kind: 'gone' });
  });
});
