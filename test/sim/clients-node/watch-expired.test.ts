// A watch resumed from a resourceVersion the server no longer keeps: the real API server
// answers 200 and sends one ERROR event carrying a 410 Status, then ends the stream; an
// informer relists. The simulator keeps 75 s (simulated) of each resource's events, as
// the watch cache does, so a pod changed and the clock moved past that is enough.

import { Watch, makeInformer, type V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { useSim, waitFor } from './helpers.js';

const s = useSim();

describe('a watch from an expired resourceVersion', () => {
  it('gets an ERROR event with a 410 Status, then the stream ends; an informer relists and carries on', async () => {
    const since = (await s.core.listPodForAllNamespaces()).metadata!.resourceVersion!;
    const pod = (await s.core.listPodForAllNamespaces()).items[0]!;
    await s.core.patchNamespacedPod({ name: pod.metadata!.name!, namespace: pod.metadata!.namespace!, body: [{ op: 'add', path: '/metadata/labels/churn', value: '1' }] });
    s.sim.clock.advance(75_001);
    expect(s.sim.store.oldestResumableVersion('pods')).toBeGreaterThan(Number(since));

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
  });
});
