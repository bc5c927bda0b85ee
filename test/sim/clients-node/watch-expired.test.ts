// A watch resumed from a resourceVersion the server no longer keeps: the real API server
// answers 200 and sends one ERROR event carrying a 410 Status, then ends the stream; an
// informer relists. The simulator keeps 200,000 events, so this file makes more changes
// than that first (in chunks, yielding to the event loop between them).

import { Watch, makeInformer, type V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { useSim, waitFor } from './helpers.js';

const s = useSim();

/** Updates one ConfigMap `times` times, straight on the store. */
async function churn(times: number): Promise<void> {
  const { store } = s.sim;
  store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'churn', namespace: 'default' }, data: { n: '0' } });
  for (let i = 1; i <= times; i++) {
    const current = store.get('configmaps', 'default', 'churn')!;
    store.update('configmaps', { ...current, data: { n: String(i) } });
    if (i % 5_000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('a watch from an expired resourceVersion', () => {
  it('gets an ERROR event with a 410 Status, then the stream ends; an informer relists and carries on', async () => {
    const since = (await s.core.listPodForAllNamespaces()).metadata!.resourceVersion!;
    await churn(200_010);
    expect(s.sim.store.oldestResumableVersion).toBeGreaterThan(Number(since) + 1);

    const events: { type: string; object: Record<string, unknown> }[] = [];
    let ended: (error: unknown) => void = () => {};
    const done = new Promise<unknown>((resolve) => (ended = resolve));
    await new Watch(s.kc).watch('/api/v1/pods', { resourceVersion: since }, (type, object) => events.push({ type, object }), (error) => ended(error));
    expect(await done).toBeNull(); // the server ended the stream
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410 } });
    expect(events[0]!.object.message).toMatch(new RegExp(`^too old resource version: ${since} \\(\\d+\\)$`));

    // client-node's informer drops its resourceVersion on a 410 and lists again.
    const informer = makeInformer<V1Pod>(s.kc, '/api/v1/pods', () => s.core.listPodForAllNamespaces());
    const errors: unknown[] = [];
    informer.on('error', (error) => errors.push(error));
    try {
      await informer.start();
      await waitFor('the informer\'s list', () => informer.list().length === 11);
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  }, 20_000);
});
