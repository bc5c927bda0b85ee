// The deployer's real test bed: etcd, haproxy with lb-sync (lb/helpers.ts), the simulated
// cluster running the test app as real processes, and the engine's dependencies over them.

import type { Etcd3 } from 'etcd3';
import { timerSleep } from '../../src/actuate/types.js';
import { systemClock } from '../../src/clock.js';
import { connectEtcd } from '../../src/deployer/etcd/connection.js';
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
  /** A client of the bed's etcd as the product makes one (deadlines, watch back-off). */
  connect(): Etcd3;
  stop(): Promise<void>;
};

/** `sync`: lb-sync's options for this bed (a refusing haproxy -c, say). */
export async function startDeployerBed(options: { sync?: Partial<LbSyncOptions> } = {}): Promise<DeployerBed> {
  const world = await startWorld();
  world.startSync(options.sync);
  const sim = await startSim({ nodes: 3, podsPerNode: 0, speed: 10 });
  // As `scalerd deployer` connects (deadlines on every call): an etcd outage shows as the product sees it.
  const connect = () => connectEtcd({ hosts: [world.etcd.url] }, { clock: systemClock });
  const etcd = connect();
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
    world, sim, etcd, kubeconfig, lbUrl, engine, connect,
    store: (options = {}) => new DeployerStore(etcd, { lockTtlSeconds: options.lockTtlSeconds ?? 10, historyLimit: 50 }),
    async stop() {
      etcd.close();
      await sim.stop();
      await world.stop();
    },
  };
}

/**
 * The hello app's descriptor as a user writes it (what `scalerd deploy -f` reads): at HOST,
 * fast health checks, a 1 s drain and a 1 s bake; `env` switches the app's faults on.
 */
export function helloDocument(version: number | 'auto', env: Record<string, string> = {}, more: object = {}): Record<string, unknown> {
  return {
    namespace: 'default', appName: 'hello', version, replicas: 2, frontends: [HOST], drainDelayMs: 1000, bake: { durationMs: 1000 },
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

/** helloDescriptor's `more` for a version a test expects to fail its health check: 2 s to fail it, not the 6 s a healthy one may take. */
export const FAILS_HEALTH_FAST = { healthCheck: { intervalMs: 200, timeoutMs: 500, successes: 2, deadlineMs: 2000 } } as const;

/**
 * When the pods of `version` crash with the test app's CRASH_AFTER_SECONDS: the first pod's
 * start (the test app's first log line, read while the pods exist) plus `seconds`. Polls
 * every 20 ms until stop().
 */
export function watchCrash(sim: Sim, version: number, seconds: number): { crashAt(): number | undefined; stop(): void } {
  const started = new Map<string, number>();
  const timer = setInterval(() => {
    for (const p of sim.processes.list()) {
      if (!p.pod.startsWith(`hello-${version}-`) || started.has(p.pod)) continue;
      const line = /^(\S+) \S+ v\d+: listening/m.exec(sim.processes.logs(p.namespace, p.pod) ?? '');
      if (line) started.set(p.pod, Date.parse(line[1]!));
    }
  }, 20);
  return {
    crashAt: () => (started.size === 0 ? undefined : Math.min(...started.values()) + seconds * 1000),
    stop: () => clearInterval(timer),
  };
}
