// Every failed attempt of a Kubernetes call reaches the adapter's observer, the ones its
// retries then mask included, by operation and class, checked against the simulator's own
// count of the faults it injected; an answer the call takes as its result (a pod already
// gone, an eviction refused) is no failure.

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createConfigMaps } from '../../src/kube/config-maps.js';
import { createKubeDeps, loadKubeConfig } from '../../src/kube/index.js';
import { tally } from '../api-errors.js';
import { seeded } from '../seeded.js';
import { failure, kubeconfigFile, recordingSleep, useKubeSim, waitFor } from './helpers.js';

// The simulator keeps the Math.random it finds when it starts: seeded, its dice repeat.
let restore: () => void = () => {};
beforeAll(() => {
  const spy = vi.spyOn(Math, 'random').mockImplementation(seeded(2026));
  restore = () => spy.mockRestore();
});
const t = useKubeSim();
afterAll(() => restore());
afterEach(() => t.sim.faults.clear());


/** An adapter that reports to `onApiCall`, whose retries and limiter never wait in real time. */
function observed(onApiCall: ReturnType<typeof tally>['onApiCall'], more: Parameters<typeof t.clusterWith>[0] = {}) {
  return t.clusterWith({ qps: 1e6, burst: 1_000, sleep: recordingSleep().sleep, retry: { attempts: 10 }, onApiCall, ...more });
}

describe('failed Kubernetes calls', () => {
  it('under 30% injected 500s and 503s, each failed attempt is reported once, as many as the simulator injected', async () => {
    const { counts, attempts, onApiCall } = tally();
    const cluster = observed(onApiCall);
    // Each fault surely once (a count), then at random: alone, a rate of 0.3 over 15 calls never fires in one run in 200.
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'list pods', error: 500, count: 1 });
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'list pods', error: 500, errorRate: 0.3 });
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'patch nodes', error: 503, count: 1 });
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'patch nodes', error: 503, errorRate: 0.3 });
    const [node] = await cluster.listNodes();
    for (let n = 0; n < 15; n++) {
      expect(await cluster.listPods()).toHaveLength(11);
      await cluster.changeNode(node!.name, { annotations: { 'scalerd.io/test': String(n) } });
    }
    const fired = t.sim.faults.fired();
    expect(fired['kube 500']).toBeGreaterThan(0);
    expect(fired['kube 503']).toBeGreaterThan(0);
    // Every call succeeded in the end: what failed, the retries masked.
    expect(counts).toEqual({ 'kube list pods server': fired['kube 500'], 'kube patch nodes server': fired['kube 503'] });
    // And every attempt, answered or not: the error ratio's denominator.
    expect(attempts['kube list pods']).toBe(15 + fired['kube 500']!);
    expect(attempts['kube patch nodes']).toBe(15 + fired['kube 503']!);
  });

  it('a call that gives up reports each attempt; a timeout and a refused connection have classes of their own', async () => {
    const { counts, onApiCall } = tally();
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'patch deployments/scale', error: 500 });
    await failure(observed(onApiCall, { retry: { attempts: 3 } }).scaleWorkload({ kind: 'Deployment', namespace: 'shop', name: 'web' }, 5));
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'get pods', error: 'timeout', count: 1 });
    expect(await observed(onApiCall, { requestTimeoutMs: 200 }).getPod('default', 'debug')).toMatchObject({ name: 'debug' });
    const nowhere = loadKubeConfig({ kubeconfig: kubeconfigFile(t.sim, t.sim.kubeconfig.replace(t.sim.server, 'http://127.0.0.1:1')) });
    const deps = createKubeDeps({ target: nowhere, sleep: recordingSleep().sleep, retry: { attempts: 2 }, onApiCall });
    await failure(createConfigMaps(deps).get('scalerd', 'scalerd-overrides'));
    expect(counts).toEqual({ 'kube patch deployments/scale server': 3, 'kube get pods timeout': 1, 'kube get configmaps connection': 2 });
  });

  it('answers the call takes as its result are not failures: a pod gone, an eviction refused, a node already deleted', async () => {
    const { counts, onApiCall } = tally();
    const cluster = observed(onApiCall);
    expect(await cluster.getPod('default', 'no-such-pod')).toBeUndefined();
    expect(await cluster.deleteNode('no-such-node')).toBe('gone');
    // The API server's answer to an eviction a budget does not allow now.
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'create pods/eviction', error: 429, count: 1 });
    const [pod] = t.sim.store.list('pods', 'shop').filter((p) => p.metadata.labels?.app === 'web');
    expect(await cluster.evictPod({ namespace: 'shop', name: pod!.metadata.name, uid: pod!.metadata.uid })).toMatchObject({ kind: 'blocked' });
    expect(t.sim.faults.fired()['kube 429']).toBeGreaterThan(0);
    expect(counts).toEqual({});
  });

  it('a watch that fails is reported, outside the caller\'s retries', async () => {
    const { counts, onApiCall } = tally();
    const deps = createKubeDeps({ target: loadKubeConfig({ kubeconfig: kubeconfigFile(t.sim) }), sleep: recordingSleep().sleep, onApiCall });
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'watch configmaps', error: 503, count: 1 });
    const stop = new AbortController();
    const errors: string[] = [];
    const watching = createConfigMaps(deps).watch('default', 'scalerd-overrides', () => undefined, { signal: stop.signal, onError: (error) => errors.push(error.message) });
    try {
      await waitFor('the watch to fail once and watch again', () => errors.length === 1 && (t.sim.recorder.requests()['watch configmaps'] ?? 0) >= 2);
    } finally {
      stop.abort();
      await watching;
    }
    expect(counts).toEqual({ 'kube watch configmaps server': 1 });
  });
});
