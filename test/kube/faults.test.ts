// The adapter under injected faults: lists that fail now and then still succeed, a
// mutation that keeps failing is a retryable RemoteError, timeouts and refused connections
// are retried, and no error ever carries the bearer token.

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isRemoteError } from '../../src/errors.js';
import { createCluster, loadKubeConfig } from '../../src/kube/index.js';
import { failure, kubeconfigFile, recordingSleep, useKubeSim } from './helpers.js';

// The simulator draws its fault dice from Math.random when it starts: seed it, so which
// requests fail is the same on every run.
let state = 20_260_302;
const seeded = vi.fn(() => {
  state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0; // Numerical Recipes' LCG
  return state / 2 ** 32;
});
let restore: () => void = () => {};
beforeAll(() => {
  const spy = vi.spyOn(Math, 'random').mockImplementation(seeded);
  restore = () => spy.mockRestore();
});
const t = useKubeSim();
afterAll(() => restore());
afterEach(() => t.sim.faults.clear());

const SECRET = 'sekret-token-7f3a9c';

/** An adapter whose retries do not wait in real time and whose limiter never does. */
function fastCluster(more: Parameters<typeof t.clusterWith>[0] = {}) {
  const recording = recordingSleep();
  return { ...recording, cluster: t.clusterWith({ qps: 1e6, burst: 1_000, sleep: recording.sleep, random: () => 0.5, retry: { attempts: 8 }, ...more }) };
}

const listCalls = () => Object.entries(t.sim.recorder.requests()).filter(([k]) => k.startsWith('list ')).reduce((n, [, v]) => n + v, 0);

describe('faults', () => {
  it('lists correctly while 10% of list requests answer 500 and 10% answer 429, retrying them (and honouring Retry-After)', async () => {
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'list *', error: 500, errorRate: 0.1 });
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'list *', error: 429, errorRate: 0.1 });
    const { cluster, delays } = fastCluster();
    const before = listCalls();
    for (let i = 0; i < 20; i++) {
      expect(await cluster.listNodes()).toHaveLength(3);
      expect(await cluster.listPods()).toHaveLength(11);
      expect(await cluster.listPdbs()).toHaveLength(2);
    }
    expect(listCalls() - before).toBeGreaterThan(60); // some were tried again
    expect(delays).toContain(1_000); // the injected 429's Retry-After: 1
    expect(delays.some((ms) => ms !== 1_000)).toBe(true); // and back-off after a 500
  });

  it('fails a mutation that keeps failing with a retryable RemoteError naming the operation, after its attempts', async () => {
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'patch deployments/scale', error: 500 });
    const { cluster } = fastCluster({ retry: { attempts: 3 } });
    const before = t.sim.recorder.requests()['patch deployments/scale'] ?? 0;
    const error = await failure(cluster.scaleWorkload({ kind: 'Deployment', namespace: 'shop', name: 'web' }, 5));
    expect(isRemoteError(error) && error.detail).toEqual({ operation: 'patch deployments/scale', status: 500, reason: 'InternalError', retryable: true });
    expect((error as Error).message).toBe('Kubernetes patch deployments/scale shop/web failed (after 3 attempts): 500 InternalError: an error on the server ("injected fault") has prevented the request from succeeding');
    expect((t.sim.recorder.requests()['patch deployments/scale'] ?? 0) - before).toBe(3);
  });

  it('retries an eviction answered 503, which is no outcome, and reports it when it persists', async () => {
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'create pods/eviction', error: 503, count: 1 });
    const { cluster } = fastCluster();
    const [pod] = t.sim.store.list('pods', 'shop').filter((p) => p.metadata.labels?.app === 'cache');
    expect(await cluster.evictPod({ namespace: 'shop', name: pod!.metadata.name, uid: pod!.metadata.uid })).toEqual({ kind: 'evicted' });
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'create pods/eviction', error: 503 });
    const error = await failure(cluster.evictPod({ namespace: 'shop', name: pod!.metadata.name, uid: pod!.metadata.uid }));
    expect(isRemoteError(error) && error.detail).toMatchObject({ operation: 'create pods/eviction', status: 503, retryable: true });
  });

  it('gives up on a request that hangs after its timeout, and tries it again', async () => {
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'get pods', error: 'timeout', count: 1 });
    const { cluster } = fastCluster({ requestTimeoutMs: 200 });
    const before = t.sim.recorder.requests()['get pods'] ?? 0;
    expect(await cluster.getPod('default', 'debug')).toMatchObject({ name: 'debug' });
    expect((t.sim.recorder.requests()['get pods'] ?? 0) - before).toBe(2);

    t.sim.faults.addRequestFault({ api: 'kube', operation: 'get pods', error: 'timeout', count: 2 });
    const error = await failure(t.clusterWith({ requestTimeoutMs: 100, retry: { attempts: 2 } }).getPod('default', 'debug'));
    expect(isRemoteError(error) && error.detail).toEqual({ operation: 'get pods', retryable: true });
    expect((error as Error).message).toBe('Kubernetes get pods default/debug failed (after 2 attempts): the request timed out');
  });

  it('retries a refused connection, then reports it retryable, and never shows the bearer token', async () => {
    const target = loadKubeConfig({ kubeconfig: kubeconfigFile(t.sim, t.sim.kubeconfig.replace(t.sim.server, 'http://127.0.0.1:1').replace('token: simulator', `token: ${SECRET}`)) });
    const recording = recordingSleep();
    const error = await failure(createCluster({ target, sleep: recording.sleep, retry: { attempts: 3 } }).listNodes());
    expect(isRemoteError(error) && error.detail).toEqual({ operation: 'list nodes', retryable: true });
    expect((error as Error).message).toMatch(/^Kubernetes list nodes failed \(after 3 attempts\): ECONNREFUSED: /);
    expect(recording.delays).toHaveLength(2);
    expectNoSecret(error);
  });

  it('never puts the bearer token in an error from an answer', async () => {
    const target = loadKubeConfig({ kubeconfig: kubeconfigFile(t.sim, t.sim.kubeconfig.replace('token: simulator', `token: ${SECRET}`)) });
    const cluster = createCluster({ target, retry: { attempts: 1 } });
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'list pods', error: 500 });
    expectNoSecret(await failure(cluster.listPods()));
    expectNoSecret(await failure(cluster.changeNode('no-such-node', { unschedulable: true })));
    expectNoSecret(await failure(cluster.scaleWorkload({ kind: 'Deployment', namespace: 'shop', name: 'web' }, -1)));
  });
});

function expectNoSecret(error: unknown): void {
  expect(isRemoteError(error)).toBe(true);
  const e = error as Error & { detail: unknown };
  const everything = [e.message, e.stack, JSON.stringify(e.detail), String(e.cause), JSON.stringify(e.cause)].join('\n');
  expect(everything).not.toContain(SECRET);
}
