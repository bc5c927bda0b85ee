// The blue/green engine end to end on one machine: real etcd, real haproxy in
// master-worker mode with lb-sync, the simulated cluster running the test app as real
// processes on loopback pod IPs, and constant load through haproxy (keep-alive and new
// connections) while versions are deployed.

import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDescriptorText, type Descriptor } from '../../../src/deployer/descriptor/index.js';
import { DEFAULT_TIMINGS, Deployment, type EngineDeps } from '../../../src/deployer/engine/engine.js';
import { etcdLoadBalancer } from '../../../src/deployer/state/etcd-lb.js';
import { DeployerStore } from '../../../src/deployer/state/etcd-store.js';
import { type DeploymentRecord, newDeploymentId } from '../../../src/deployer/state/records.js';
import { createDeployerCluster, createKubeDeps, loadKubeConfig } from '../../../src/kube/index.js';
import { startSim, type Sim } from '../../../src/sim/index.js';
import { httpGet, startLoad } from '../infra.js';
import { startWorld, type LbWorld } from '../lb/helpers.js';
import { kubeconfigFile } from '../../kube/helpers.js';

const HOST = 'hello.test';
let world: LbWorld;
let sim: Sim;
let etcd: Etcd3;
let deps: EngineDeps;
let lbUrl = '';

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
});

beforeAll(async () => {
  world = await startWorld();
  world.startSync();
  sim = await startSim({ nodes: 3, podsPerNode: 0, speed: 10 });
  etcd = new Etcd3({ hosts: world.etcd.url });
  lbUrl = `http://${world.haproxy.host}:${world.haproxy.port}`;
  const kube = createKubeDeps({ target: loadKubeConfig({ kubeconfig: kubeconfigFile(sim) }), clientId: 'deployer-test' });
  const store = new DeployerStore(etcd, { lockTtlSeconds: 10, historyLimit: 20 });
  deps = {
    cluster: createDeployerCluster(kube),
    lb: etcdLoadBalancer(etcd, { now: Date.now, wait: sleep, pollMs: 50 }),
    records: store,
    look: async (host) => {
      try {
        const answer = await httpGet(lbUrl, host);
        return answer.status === 200 && answer.version ? { version: answer.version } : { error: `HTTP ${answer.status}` };
      } catch (error) {
        return { error: (error as Error).message };
      }
    },
    now: Date.now,
    wait: sleep,
    timings: { ...DEFAULT_TIMINGS, readyDeadlineMs: 30_000, lbDeadlineMs: 15_000, verifyDeadlineMs: 10_000, pollMs: 100 },
  };
}, 60_000);

afterAll(async () => {
  etcd?.close();
  await sim?.stop();
  await world?.stop();
});

function descriptor(version: number, env: Record<string, string> = {}): Descriptor {
  const result = checkDescriptorText(JSON.stringify({
    namespace: 'default', appName: 'hello', version, replicas: 2, frontends: [HOST], drainDelayMs: 1000,
    healthCheck: { intervalMs: 200, timeoutMs: 500, successes: 2, deadlineMs: 6000 },
    podSpec: { containers: [{ name: 'app', image: 'scalerd/test-app:1', ports: [{ name: 'http', containerPort: 8080 }], env: Object.entries(env).map(([name, value]) => ({ name, value })) }] },
  }), 'inline');
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.descriptor;
}

async function deploy(version: number, env: Record<string, string> = {}): Promise<DeploymentRecord> {
  const d = descriptor(version, env);
  const live = await deps.lb.frontend(HOST);
  const now = Date.now();
  const record: DeploymentRecord = {
    id: newDeploymentId(now), namespace: d.namespace, app: d.appName, version, previousVersion: deps.lb.versionOf(d.namespace, d.appName, live.backend),
    frontends: d.frontends, phase: 'accepted', status: 'RUNNING', switched: false, createdAt: now, updatedAt: now, phases: [], descriptor: d,
  };
  return new Deployment(deps, record, d).run(new AbortController().signal);
}

const versionsPresent = async () => (await deps.cluster.listVersions('default', 'hello')).filter((v) => !v.terminating).map((v) => v.version);

describe('blue/green through haproxy, under load', () => {
  it('deploys v1, then v2 under load: zero failed requests, every answer after the switch from v2', async () => {
    expect(await deploy(1)).toMatchObject({ status: 'SUCCESS' });
    expect((await httpGet(lbUrl, HOST)).version).toBe('1');

    const load = startLoad({ url: lbUrl, host: HOST, maxDurationMs: 60_000 });
    const done = await deploy(2);
    const report = await load.stop();
    expect(done).toMatchObject({ status: 'SUCCESS' });
    expect(report.failed, JSON.stringify(report.failures.slice(0, 3))).toBe(0);
    expect(report.total).toBeGreaterThan(50);
    // After the switch was acknowledged (verifying began), only v2 answers.
    const verifying = done.phases.find((p) => p.phase === 'verifying')!.at;
    expect(new Set(report.samples.filter((s) => s.sentAt >= verifying).map((s) => s.version))).toEqual(new Set(['2']));
    expect(report.byVersion['1']).toBeGreaterThan(0);
    expect(await versionsPresent()).toEqual([2]);
  }, 90_000);

  for (const [what, env, reason] of [
    ['unhealthy', { UNHEALTHY: '1' }, /not Ready after 6000 ms: hello-3-\S+: HTTP 503, healthy: false/],
    ['health endpoint hangs', { HEALTH_HANGS: '1' }, /not Ready after 6000 ms: hello-3-\S+: no answer within 500 ms/],
  ] as const) {
    it(`v3 ${what}: zero failed requests, all from v2, v3 removed, FAILURE with the reason`, async () => {
      const load = startLoad({ url: lbUrl, host: HOST, maxDurationMs: 60_000 });
      const done = await deploy(3, env);
      const report = await load.stop();
      expect(done).toMatchObject({ status: 'FAILURE', switched: false });
      expect(done.reason).toMatch(reason);
      expect(report.failed, JSON.stringify(report.failures.slice(0, 3))).toBe(0);
      expect(Object.keys(report.byVersion)).toEqual(['2']);
      expect(await versionsPresent()).toEqual([2]);
    }, 90_000);
  }
});
