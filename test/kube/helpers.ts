// Shared set-up for the Kubernetes adapter's tests: a whole simulator (startSim) on a
// manual clock, and the adapter built on it exactly as the daemon builds it, through
// loadKubeConfig and createCluster, talking HTTP. Tests use client-node directly only to
// arrange the world (create a budget, delete a namespace), never to check the adapter.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, PolicyV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll } from 'vitest';
import { type CreateClusterOptions, createCluster, loadKubeConfig } from '../../src/kube/index.js';
import type { Cluster } from '../../src/ports/index.js';
import { type Sim, type SimOptions, startSim } from '../../src/sim/index.js';
import { loadScenarioFile } from '../../src/sim/scenario/load.js';
import type { Scenario } from '../../src/sim/scenario/types.js';

/** A fixed simulated start, so timestamps in assertions do not depend on the real date. */
export const START = Date.parse('2026-03-02T09:00:00Z');

export const CLIENT_ID = 'scalerd-test';

export async function smallScenario(): Promise<Scenario> {
  const loaded = await loadScenarioFile(new URL('../../scenarios/small.json', import.meta.url).pathname);
  if (loaded.ok) return loaded.scenario;
  throw new Error(`scenarios/small.json does not load: ${JSON.stringify(loaded.diagnostics)}`);
}

export function tempDir(prefix = 'scalerd-kube-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The simulator's kubeconfig written to a temporary file, as an operator would pass it. */
export function kubeconfigFile(sim: Pick<Sim, 'kubeconfig'>, text = sim.kubeconfig): string {
  const file = join(tempDir(), 'kubeconfig');
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** Retries that do not wait in real time: tests check what was asked, not how long it took. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: (ms) => { delays.push(ms); return new Promise((resolve) => setImmediate(resolve)); } };
}

export type KubeTestbed = {
  sim: Sim;
  cluster: Cluster;
  /** client-node clients for arranging the world. */
  core: CoreV1Api;
  apps: AppsV1Api;
  policy: PolicyV1Api;
  /** Another adapter on the same simulator, with other options. */
  clusterWith(options: Omit<CreateClusterOptions, 'target'>): Cluster;
};

/**
 * One simulator per test file (small.json unless `scenario` says otherwise), started in
 * beforeAll and stopped in afterAll; tests work on objects of their own.
 */
export function useKubeSim(options: { scenario?: () => Promise<Scenario>; cluster?: Omit<CreateClusterOptions, 'target'> } & Omit<SimOptions, 'scenario'> = {}): KubeTestbed {
  const holder = {} as KubeTestbed;
  beforeAll(async () => {
    const { scenario, cluster: clusterOptions, ...rest } = options;
    const simOptions: SimOptions = { manualClock: true, startAt: START, ...rest };
    const sim = await startSim(rest.nodes !== undefined ? simOptions : { ...simOptions, scenario: await (scenario ?? smallScenario)() });
    const target = loadKubeConfig({ kubeconfig: kubeconfigFile(sim) });
    const clusterWith = (more: Omit<CreateClusterOptions, 'target'>) =>
      createCluster({ target, clientId: CLIENT_ID, retry: { baseDelayMs: 1, maxDelayMs: 2_000 }, ...more });
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig);
    Object.assign(holder, {
      sim,
      cluster: clusterWith(clusterOptions ?? {}),
      clusterWith,
      core: kc.makeApiClient(CoreV1Api),
      apps: kc.makeApiClient(AppsV1Api),
      policy: kc.makeApiClient(PolicyV1Api),
    });
  });
  afterAll(async () => {
    await holder.sim?.stop();
  });
  return holder;
}

/** The rejection of a call that must fail (the test fails if it succeeds). */
export async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => { throw new Error('the call succeeded'); },
    (error: unknown) => error,
  );
}

/** Polls `check` every few real milliseconds (the event loop runs in between) until it holds. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  for (const deadline = performance.now() + timeoutMs; !check();) {
    if (performance.now() > deadline) throw new Error(`waited ${timeoutMs} ms in vain for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
