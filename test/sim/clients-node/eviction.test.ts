// The eviction subresource through client-node's createNamespacedPodEviction, with the UID
// precondition scalerd sends, and the answers it must tell apart: 201, 429 (budget), 409
// (the pod was replaced), 404 (already gone).

import type { V1Eviction, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { START, apiFailure, useSim } from './helpers.js';

const s = useSim();

const eviction = (pod: V1Pod, uid = pod.metadata?.uid): V1Eviction => ({
  apiVersion: 'policy/v1',
  kind: 'Eviction',
  metadata: { name: pod.metadata!.name!, namespace: pod.metadata!.namespace! },
  ...(uid !== undefined ? { deleteOptions: { preconditions: { uid } } } : {}),
});

const evict = (pod: V1Pod, uid?: string) =>
  s.core.createNamespacedPodEvictionWithHttpInfo({ name: pod.metadata!.name!, namespace: pod.metadata!.namespace!, body: eviction(pod, uid ?? pod.metadata?.uid) });

const webPods = async () => (await s.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web' })).items.filter((p) => !p.metadata?.deletionTimestamp);

describe('pods/eviction through client-node', () => {
  it('evicts within the budget (201), refuses the next with 429 and the budget message, and allows again once a replacement is Ready', async () => {
    const [first, second] = await webPods();
    const accepted = await evict(first!);
    expect(accepted.httpStatusCode).toBe(201);
    const going = await s.core.readNamespacedPod({ name: first!.metadata!.name!, namespace: 'shop' });
    expect(going.metadata?.deletionTimestamp).toEqual(new Date(START + 30_000)); // the pod's 30 s grace

    const refused = await apiFailure(evict(second!));
    expect(refused).toMatchObject({
      code: 429,
      status: {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'TooManyRequests',
        code: 429,
        message: 'Cannot evict pod as it would violate the pod\'s disruption budget.',
        details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }] },
      },
    });
    // The API server sends Retry-After only for a positive delay; a budget refusal has none.
    expect(refused.headers['retry-after']).toBeUndefined();

    // The evicted pod exits (0.5 s), its ReplicaSet makes a replacement that starts (1 s).
    s.sim.clock.advance(3_000);
    const pods = await webPods();
    expect(pods).toHaveLength(3);
    expect(pods.every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))).toBe(true);
    expect((await evict(second!)).httpStatusCode).toBe(201);
    expect(s.sim.recorder.facts('eviction').map((f) => [f.pod, f.result, f.code])).toEqual([
      [`shop/${first!.metadata!.name}`, 'accepted', 201],
      [`shop/${second!.metadata!.name}`, 'refused', 429],
      [`shop/${second!.metadata!.name}`, 'accepted', 201],
    ]);
  });

  it('answers 409 Conflict when the UID precondition names another pod (the name was reused)', async () => {
    const [pod] = (await s.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=cache' })).items;
    const stale = await apiFailure(evict(pod!, '0b5a2c57-0000-4000-8000-000000000000'));
    expect(stale).toMatchObject({ code: 409, status: { reason: 'Conflict', code: 409 } });
    expect(stale.status.message).toBe(
      `Operation cannot be fulfilled on pods "${pod!.metadata!.name}": Precondition failed: UID in precondition: 0b5a2c57-0000-4000-8000-000000000000, UID in object meta: ${pod!.metadata!.uid}`,
    );
    expect((await s.core.readNamespacedPod({ name: pod!.metadata!.name!, namespace: 'shop' })).metadata?.deletionTimestamp).toBeUndefined();
  });

  it('answers 404 NotFound for a pod that is gone', async () => {
    const ghost: V1Pod = { metadata: { name: 'web-gone-12345', namespace: 'shop', uid: '0b5a2c57-0000-4000-8000-000000000001' } };
    expect(await apiFailure(evict(ghost))).toMatchObject({
      code: 404,
      status: { reason: 'NotFound', message: 'pods "web-gone-12345" not found', details: { name: 'web-gone-12345', kind: 'pods' } },
    });
  });

  it('evicts a pod no budget selects at once, and again (201) while it terminates', async () => {
    const [pod] = (await s.core.listNamespacedPod({ namespace: 'default' })).items;
    expect((await evict(pod!)).httpStatusCode).toBe(201);
    expect((await evict(pod!)).httpStatusCode).toBe(201); // already deleting: no budget check, no error
    s.sim.clock.advance(1_000);
    expect((await apiFailure(evict(pod!))).code).toBe(404);
  });
});
