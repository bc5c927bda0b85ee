// The deployer's real test bed: etcd, haproxy with lb-sync (lb/helpers.ts), the simulated
// cluster running the test app as real processes, and the engine's dependencies over them.

import { Etcd3 } from 'etcd3';
import { timerSleep } from '../../src/actuate/types.js';
import { checkDescriptorText, type Descriptor } from '../../src/deployer/descriptor/index.js';
import { DEFAULT_TIMINGS, type EngineDeps } from '../../src/deployer/engine/engine.js';
import { etcdLoadBalancer } from '../../src/deployer/state/etcd-lb.js';
import { DeployerStore } from '../../src/deployer/state/etcd-store.js';
import { createDeployerCluster, createKubeDeps, loadKubeConfig } from '../../src/kube/index.js';
import { startSim, type Sim } from '../../src/sim/index.js';
import { kubeconfigFile } from '../kube/helpers.js';
import { httpGet } from './infra.js';
import type { LbSyncOptions } from '../../src/deployer/lb/index.js';
import { startWorld, type LbWorld } from './lb/helpers.js';

export const HOST = 'hello.test';

/** The product's sleep: rejects when the signal aborts, leaves no listener behind. */
export const sleep = timerSleep;

export const TEST_TIMINGS = { ...DEFAULT_TIMINGS, readyDeadlineMs: 30_000, lbDeadlineMs: 15_000, verifyDeadlineMs: 10_000, pollMs: 100 };

export type DeployerBed = {
  readonly world: LbWorld;
  readonly sim: Sim;
  readonly etcd: Etcd3;
  readonly kubeconfig: string;
  /** haproxy's frontend, http://127.0.0.1:<port>. */
  readonly lbUrl: string;
  readonly engine: Omit<EngineDeps, 'records'>;
  store(options?: { lockTtlSeconds?: number }): DeployerStore;
  stop(): Promise<void>;
};

/** `sync`: lb-sync's options for this bed (a refusing haproxy -c, say). */
export async function startDeployerBed(options: { sync?: Partial<LbSyncOptions> } = {}): Promise<DeployerBed> {
  const world = await startWorld();
  world.startSync(options.sync);
  const sim = await startSim({ nodes: 3, podsPerNode: 0, speed: 10 });
  const etcd = new Etcd3({ hosts: world.etcd.url });
  const lbUrl = `http://${world.haproxy.host}:${world.haproxy.port}`;
  const kubeconfig = kubeconfigFile(sim);
  const kube = createKubeDeps({ target: loadKubeConfig({ kubeconfig }), clientId: 'deployer-test' });
  const engine: Omit<EngineDeps, 'records'> = {
    cluster: createDeployerCluster(kube),
    lb: etcdLoadBalancer(etcd, { now: Date.now, wait: sleep, pollMs: 50 }),
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
    timings: TEST_TIMINGS,
  };
  return {
    world, sim, etcd, kubeconfig, lbUrl, engine,
    store: (options = {}) => new DeployerStore(etcd, { lockTtlSeconds: options.lockTtlSeconds ?? 10, historyLimit: 50 }),
    async stop() {
      etcd.close();
      await sim.stop();
      await world.stop();
    },
  };
}

/** The test app's descriptor for `hello` at HOST, fast health checks; `env` switches the app's faults on. */
/** The hello app's descriptor as a user writes it (what `scalerd deploy -f` reads). */
export function helloDocument(version: number | 'auto', env: Record<string, string> = {}, more: object = {}): Record<string, unknown> {
  return {
    namespace: 'default', appName: 'hello', version, replicas: 2, frontends: [HOST], drainDelayMs: 1000,
    healthCheck: { intervalMs: 200, timeoutMs: 500, successes: 2, deadlineMs: 6000 },
    podSpec: { containers: [{ name: 'app', image: 'scalerd/test-app:1', ports: [{ name: 'http', containerPort: 8080 }], env: Object.entries(env).map(([name, value]) => ({ name, value })) }] },
    ...more,
  };
}

export function helloDescriptor(version: number | 'auto', env: Record<string, string> = {}, more: object = {}): Descriptor {
  const result = checkDescriptorText(JSON.stringify(helloDocument(version, env, more)), 'inline');
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.descriptor;
}
