// The DeployerCluster port through the adapter over HTTP, against the simulator: a
// version's Deployment and Service created (idempotently), its pods started by the
// simulated controllers, its status read, the app's versions listed, everything deleted.

import { beforeAll, describe, expect, it } from 'vitest';
import { type Descriptor, checkDescriptorText } from '../../src/deployer/descriptor/index.js';
import { versionManifests } from '../../src/deployer/manifests/index.js';
import { isRemoteError } from '../../src/errors.js';
import { createCaller } from '../../src/kube/call.js';
import { createDeployerCluster } from '../../src/kube/deployer.js';
import { createKubeDeps, loadKubeConfig } from '../../src/kube/index.js';
import { KubeResponseError } from '../../src/kube/rest-errors.js';
import type { KubeApi } from '../../src/kube/transport.js';
import type { AppVersionRef, DeployerCluster } from '../../src/ports/deployer.js';
import { CLIENT_ID, failure, kubeconfigFile, useKubeSim } from './helpers.js';

const t = useKubeSim();
let deployer: DeployerCluster;

beforeAll(() => {
  const target = loadKubeConfig({ kubeconfig: kubeconfigFile(t.sim) });
  deployer = createDeployerCluster(createKubeDeps({ target, clientId: CLIENT_ID, retry: { baseDelayMs: 1, maxDelayMs: 2_000 } }));
});

function descriptor(app: string, more: object = {}): Descriptor {
  const result = checkDescriptorText(JSON.stringify({
    namespace: 'shop', appName: app, version: 'auto', replicas: 2, frontends: [`${app}.example.com`],
    podSpec: { containers: [{ name: 'app', image: 'scalerd/test-app:1', ports: [{ name: 'http', containerPort: 8080 }] }] },
    ...more,
  }), 'inline');
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.descriptor;
}

const ref = (app: string, version: number): AppVersionRef => ({ namespace: 'shop', app, version });

/** Creates both objects of a version and lets the simulated cluster start its pods. */
async function deploy(d: Descriptor, version: number): Promise<void> {
  const { deployment, service } = versionManifests(d, version);
  expect(await deployer.createDeployment(deployment)).toEqual({ kind: 'created' });
  expect(await deployer.createService(service)).toEqual({ kind: 'created' });
  t.sim.clock.advance(5_000); // the controllers create, schedule and start the pods (start-up 1 s)
}

describe('a version created, observed and deleted', () => {
  it('creates the Deployment and the Service; the pods start and are reported with their ports', async () => {
    await deploy(descriptor('hello'), 1);
    const stored = t.sim.store.get('deployments.apps', 'shop', 'hello-1');
    expect(stored?.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'hello', 'app.kubernetes.io/version': '1', 'app.kubernetes.io/managed-by': 'scalerd-deployer' });
    expect((t.sim.store.get('services', 'shop', 'hello-1')?.spec as { type?: string }).type).toBe('ClusterIP');

    const pods = await deployer.listVersionPods(ref('hello', 1));
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod).toMatchObject({ phase: 'Running', ready: true, terminating: false, restarts: 0, ports: [{ container: 'app', name: 'http', containerPort: 8080, protocol: 'TCP' }] });
      expect(pod.name).toMatch(/^hello-1-/);
      expect(pod.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(pod.uid).toBe(t.sim.store.get('pods', 'shop', pod.name)?.metadata.uid);
      expect(pod).not.toHaveProperty('waitingReason');
    }
    expect(pods.map((p) => p.name)).toEqual(pods.map((p) => p.name).sort());
    expect(t.sim.recorder.requests()).toMatchObject({ 'create deployments': 1, 'create services': 1 });
  });

  it('reports a container that is waiting, and its restarts', async () => {
    const [first] = await deployer.listVersionPods(ref('hello', 1));
    t.sim.store.mutate('pods', 'shop', first!.name, (pod) => {
      const status = pod.status as { containerStatuses: { restartCount: number; ready: boolean; state: object }[] };
      status.containerStatuses = status.containerStatuses.map((c) => ({ ...c, ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }));
    });
    const pod = (await deployer.listVersionPods(ref('hello', 1))).find((p) => p.name === first!.name);
    expect(pod).toMatchObject({ restarts: 4, waitingReason: 'CrashLoopBackOff' });
  });

  it('deletes both; the pods end gracefully; deleting again is fine', async () => {
    expect(await deployer.deleteDeployment(ref('hello', 1))).toBe('deleted');
    expect(await deployer.deleteService(ref('hello', 1))).toBe('deleted');
    expect(t.sim.store.get('deployments.apps', 'shop', 'hello-1')).toBeUndefined();
    t.sim.clock.advance(60_000);
    expect(await deployer.listVersionPods(ref('hello', 1))).toEqual([]);
    expect(t.sim.store.get('services', 'shop', 'hello-1')).toBeUndefined();
    expect(await deployer.deleteDeployment(ref('hello', 1))).toBe('gone');
    expect(await deployer.deleteService(ref('hello', 1))).toBe('gone');
  });
});

describe('idempotent creates', () => {
  it('the same manifest again is "exists"; another manifest for the version is a conflict, never applied', async () => {
    const d = descriptor('again');
    await deploy(d, 4);
    const { deployment, service } = versionManifests(d, 4);
    expect(await deployer.createDeployment(deployment)).toEqual({ kind: 'exists' });
    expect(await deployer.createService(service)).toEqual({ kind: 'exists' });

    const changed = versionManifests(descriptor('again', { replicas: 3 }), 4).deployment;
    const outcome = await deployer.createDeployment(changed);
    expect(outcome).toMatchObject({ kind: 'conflict', message: expect.stringContaining('deployments shop/again-4 exists with another manifest') });
    expect((t.sim.store.get('deployments.apps', 'shop', 'again-4')?.spec as { replicas: number }).replicas).toBe(2);
  });

  it('an object of that name the deployer did not make is a conflict', async () => {
    await t.apps.createNamespacedDeployment({
      namespace: 'shop',
      body: { metadata: { name: 'other-1' }, spec: { replicas: 0, selector: { matchLabels: { x: 'other' } }, template: { metadata: { labels: { x: 'other' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } },
    });
    const outcome = await deployer.createDeployment(versionManifests(descriptor('other'), 1).deployment);
    expect(outcome).toEqual({ kind: 'conflict', message: 'deployments shop/other-1 exists and was not made by the deployer' });
  });

  it('a create that fails with a server error is retried and then succeeds', async () => {
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'create services', error: 503, count: 1 });
    const fired = t.sim.faults.fired()['kube 503'] ?? 0;
    const { service } = versionManifests(descriptor('retry'), 1);
    expect(await deployer.createService(service)).toEqual({ kind: 'created' });
    expect(t.sim.faults.fired()['kube 503']).toBe(fired + 1);
    expect(t.sim.store.get('services', 'shop', 'retry-1')).toBeDefined();
  });

  it('a namespace that does not exist is a RemoteError that retrying does not help', async () => {
    const { deployment } = versionManifests(descriptor('lost', { namespace: 'nowhere' }), 1);
    const error = await failure(deployer.createDeployment(deployment));
    expect(isRemoteError(error) && error.detail).toMatchObject({ operation: 'create deployments', status: 404, retryable: false });
  });
});

describe('listVersions', () => {
  it('lists the versions with a Deployment or a Service, oldest first; other objects are left out', async () => {
    const d = descriptor('multi');
    await deploy(d, 2);
    await deploy(d, 10);
    expect(await deployer.createService(versionManifests(d, 11).service)).toEqual({ kind: 'created' }); // a Service left behind
    // Labelled like the app, but not named as the deployer names a version.
    await t.core.createNamespacedService({
      namespace: 'shop',
      body: { metadata: { name: 'multi', labels: { 'app.kubernetes.io/name': 'multi', 'app.kubernetes.io/managed-by': 'scalerd-deployer', 'app.kubernetes.io/version': '12' } }, spec: { ports: [{ port: 80 }] } },
    });
    expect(await deployer.listVersions('shop', 'multi')).toEqual([
      { version: 2, deployment: true, service: true, terminating: false },
      { version: 10, deployment: true, service: true, terminating: false },
      { version: 11, deployment: false, service: true, terminating: false },
    ]);
    expect(await deployer.listVersions('shop', 'absent')).toEqual([]);
    expect(await deployer.listVersions('nowhere', 'multi')).toEqual([]);
  });

  it('a deleted version is no longer listed', async () => {
    await deployer.deleteDeployment(ref('multi', 2));
    await deployer.deleteService(ref('multi', 2));
    expect((await deployer.listVersions('shop', 'multi')).map((v) => v.version)).toEqual([10, 11]);
  });
});

describe('creates whose answer is lost', () => {
  /** An API that answers from a script: each POST and GET takes the next answer. */
  function scripted(answers: Record<'POST' | 'GET', (() => unknown)[]>): { api: KubeApi; calls: string[] } {
    const calls: string[] = [];
    const api = {
      request: async (method: string) => {
        calls.push(method);
        const next = answers[method as 'POST' | 'GET'].shift();
        if (!next) throw new Error(`unexpected ${method}`);
        return next();
      },
      watch: async () => {},
    } as unknown as KubeApi;
    return { api, calls };
  }
  const status = (code: number, reason: string) => () => { throw new KubeResponseError(code, { reason, message: reason, causes: [] }, undefined); };
  const call = createCaller({ policy: { attempts: 3, baseDelayMs: 0, maxDelayMs: 0 }, sleep: async () => {} });
  const { deployment } = versionManifests(descriptor('lost'), 3);

  it('a create that took effect but answered 503 meets its own object on the retry: "exists"', async () => {
    const { api, calls } = scripted({ POST: [status(503, 'ServiceUnavailable'), status(409, 'AlreadyExists')], GET: [() => deployment] });
    expect(await createDeployerCluster({ api, call }).createDeployment(deployment)).toEqual({ kind: 'exists' });
    expect(calls).toEqual(['POST', 'POST', 'GET']);
  });

  it('an object deleted between the AlreadyExists and the read is created again', async () => {
    const { api, calls } = scripted({ POST: [status(409, 'AlreadyExists'), () => deployment], GET: [status(404, 'NotFound')] });
    expect(await createDeployerCluster({ api, call }).createDeployment(deployment)).toEqual({ kind: 'created' });
    expect(calls).toEqual(['POST', 'GET', 'POST']);
  });

  it('an object being deleted is a conflict', async () => {
    const deleting = { ...deployment, metadata: { ...deployment.metadata, deletionTimestamp: '2026-03-02T09:00:00Z' } };
    const { api } = scripted({ POST: [status(409, 'AlreadyExists')], GET: [() => deleting] });
    expect(await createDeployerCluster({ api, call }).createDeployment(deployment)).toMatchObject({ kind: 'conflict', message: expect.stringContaining('is being deleted') });
  });
});
