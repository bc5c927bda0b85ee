// One pod's eviction, answer by answer: what is retried, after how long, and what is
// never chased.

import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/actuate/index.js';
import { evictUntilAccepted } from '../../src/actuate/evict.js';
import { NodeFailure } from '../../src/actuate/failures.js';
import { RemoteError } from '../../src/errors.js';
import type { EvictionResult, PodObservation } from '../../src/ports/index.js';
import { fakeCluster, fakeContext, pod } from './fakes.js';

const task = (p: PodObservation, deadline = 60_000) => ({
  node: 'node-a', pod: p, deadline, signal: new AbortController().signal, counts: { evicted: 0, refused: 0, lastRefusal: undefined as string | undefined },
});

function answers(...results: (EvictionResult | Error)[]) {
  const calls: string[] = [];
  return {
    calls,
    evictPod: async (ref: { uid: string }) => {
      calls.push(ref.uid);
      const next = results.shift() ?? { kind: 'evicted' };
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

const blocked: EvictionResult = { kind: 'blocked', message: 'Cannot evict pod as it would violate the pod\'s disruption budget.', retryAfterMs: 0 };

describe('evictUntilAccepted', () => {
  it('never chases a StatefulSet pod recreated under its name on another node (kubernetes#138229)', async () => {
    const api = answers(blocked);
    const cluster = fakeCluster({ evictPod: api.evictPod, getPod: async () => pod({ uid: 'uid-2', nodeName: 'node-b' }) });
    const { ctx } = fakeContext({ cluster });
    const t = task(pod());
    expect(await evictUntilAccepted(ctx, t)).toBe('moved');
    expect(api.calls).toEqual(['uid-1']);
    expect(t.counts).toMatchObject({ evicted: 0, refused: 1 });
  });

  it('a pod that went while it waited is done, not evicted again', async () => {
    const api = answers(blocked);
    const { ctx } = fakeContext({ cluster: fakeCluster({ evictPod: api.evictPod, getPod: async () => undefined }) });
    expect(await evictUntilAccepted(ctx, task(pod()))).toBe('gone');
    expect(api.calls).toHaveLength(1);
  });

  it('backs off exponentially with jitter on 429, honours Retry-After, and stops at the deadline', async () => {
    const api = answers(blocked, blocked, { ...blocked, retryAfterMs: 7_000 }, blocked, blocked, blocked, blocked, blocked, blocked, blocked, blocked);
    const { ctx, slept } = fakeContext({ cluster: fakeCluster({ evictPod: api.evictPod, getPod: async () => pod() }) });
    expect(await evictUntilAccepted(ctx, task(pod(), 30_000))).toBe('timeout');
    // random() = 0.5 and jitter 0.5: three quarters of 100, 200, then Retry-After 7 s over 300 ms, …
    expect(slept.slice(0, 4)).toEqual([75, 150, 7_000, 600]);
    expect(Math.max(...slept)).toBeLessThanOrEqual(10_000);
    expect(slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(30_000);
  });

  it('fails the node fast on the multiple-budgets 500: one call, no retry', async () => {
    const api = answers({ kind: 'multiple-budgets', message: 'This pod has more than one PodDisruptionBudget' });
    const { ctx } = fakeContext({ cluster: fakeCluster({ evictPod: api.evictPod }) });
    const error = await evictUntilAccepted(ctx, task(pod())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeFailure);
    expect((error as NodeFailure).code).toBe('multiple-budgets');
    expect(api.calls).toHaveLength(1);
  });

  it('retries a retryable remote error; a non-retryable one fails the node', async () => {
    const flaky = new RemoteError('SCALERD_ERR_KUBE_CALL', 'Kubernetes create pods/eviction failed: 503', { operation: 'create pods/eviction', status: 503, retryable: true });
    const api = answers(flaky, { kind: 'evicted' });
    const { ctx } = fakeContext({ cluster: fakeCluster({ evictPod: api.evictPod, getPod: async () => pod() }) });
    expect(await evictUntilAccepted(ctx, task(pod()))).toBe('evicted');

    const forbidden = new RemoteError('SCALERD_ERR_KUBE_CALL', 'Kubernetes create pods/eviction failed: 403 Forbidden', { operation: 'create pods/eviction', status: 403, retryable: false });
    const { ctx: ctx2 } = fakeContext({ cluster: fakeCluster({ evictPod: answers(forbidden).evictPod }) });
    const error = await evictUntilAccepted(ctx2, task(pod())).catch((e: unknown) => e);
    expect((error as NodeFailure).code).toBe('remote-error');
  });

  it('waits for a pod whose namespace is terminating instead of retrying', async () => {
    const api = answers({ kind: 'namespace-terminating' });
    const { ctx } = fakeContext({ cluster: fakeCluster({ evictPod: api.evictPod }) });
    expect(await evictUntilAccepted(ctx, task(pod()))).toBe('evicted');
  });
});

describe('backoffMs', () => {
  const policy = { baseMs: 100, maxMs: 10_000, jitter: 0.5 };
  it('doubles from the base, stays within the cap, and draws within [1 − jitter, 1] of the step', () => {
    expect([0, 1, 2, 3].map((a) => backoffMs(a, policy, () => 0))).toEqual([100, 200, 400, 800]);
    expect(backoffMs(20, policy, () => 0)).toBe(10_000);
    expect(backoffMs(20, policy, () => 0.999)).toBeGreaterThanOrEqual(5_000);
    expect(backoffMs(0, policy, () => 0, 10_000)).toBe(10_000);
  });
});
