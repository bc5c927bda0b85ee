// Shared set-up for the simulator's process pods: a small simulated cluster on the real
// clock (real processes live in real time), the test app as a Deployment, and ways to
// watch what happens to its pods and processes. Every test stops its simulator, and
// checks that no process it started is left.

import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Sim } from '../../../src/sim/index.js';
import { isPodReady } from '../../../src/sim/kube/pdb.js';
import type { KubeObject } from '../../../src/sim/kube/store.js';
import { liveChildren } from '../../../src/sim/process/child.js';
import { waitFor } from '../clients/helpers.js';
import { NS } from './app.js';

export { waitFor };
export { type AppOptions, NS, deploy, processScenario, startProcessSim, testAppDeployment } from './app.js';

type Loose = Record<string, any>;

export const podsOf = (sim: Sim, app: string): KubeObject[] => sim.store.list('pods', NS).filter((p) => p.metadata.labels?.app === app);

export const podStatus = (pod: KubeObject | undefined): Loose => (pod?.status ?? {}) as Loose;

export const containerStatus = (pod: KubeObject | undefined): Loose => (podStatus(pod).containerStatuses ?? [])[0] ?? {};

export const readyPods = (sim: Sim, app: string): KubeObject[] => podsOf(sim, app).filter((p) => isPodReady(p) && !p.metadata.deletionTimestamp);

/** Whether a process with this pid runs: it exists (signal 0 checks without sending anything) and is not a zombie waiting to be reaped. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false; // gone meanwhile
  }
}

/** The pids of an app's running processes. */
export const pidsOf = (sim: Sim, app: string): number[] =>
  sim.processes.list().filter((p) => p.pod.startsWith(`${app}-`) && p.pid !== undefined).map((p) => p.pid!);

/** Every pod of the app that was ever Ready, noted as it happened. */
export function watchReady(sim: Sim, app: string): { readonly everReady: Set<string>; readonly transitions: string[]; stop(): void } {
  const everReady = new Set<string>();
  const transitions: string[] = [];
  const last = new Map<string, boolean>();
  const stop = sim.store.subscribe((event) => {
    if (event.resource !== 'pods' || event.object.metadata.labels?.app !== app || event.type === 'DELETED') return;
    const ready = isPodReady(event.object);
    const name = event.object.metadata.name;
    if (last.get(name) === ready) return;
    last.set(name, ready);
    transitions.push(`${name}:${ready ? 'Ready' : 'NotReady'}`);
    if (ready) everReady.add(name);
  });
  return { everReady, transitions, stop };
}

/** Stops the simulator and checks that none of the processes it started is left. */
export async function stopAndCheck(sim: Sim | undefined): Promise<void> {
  if (!sim) return;
  const pids = sim.processes.list().flatMap((p) => (p.pid === undefined ? [] : [p.pid]));
  await sim.stop();
  expect(pids.filter(alive)).toEqual([]);
  expect(liveChildren()).toEqual([]);
}

export async function get(url: string): Promise<{ status: number; headers: Headers; body: Loose }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Loose };
}
