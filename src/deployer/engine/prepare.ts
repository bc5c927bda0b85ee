// The steps before the switch, which touch neither etcd nor traffic: the version's
// Deployment and Service, its pods Ready, and the deployer's own health check of each pod
// (blue/green invariant 1). Functions of the deployment's context, so engine.ts keeps the
// order, the retries and the rollback.

import { type Descriptor, trafficPort } from '../descriptor/index.js';
import { versionManifests } from '../manifests/index.js';
import type { AppVersionRef } from '../../ports/deployer.js';
import type { DeploymentRecord } from '../state/records.js';
import type { EngineDeps } from './engine.js';
import { DeployFailure } from './errors.js';
import { checkHealth, httpProbe } from './health.js';
import type { BackendServer } from './ports.js';

export type StepContext = {
  readonly deps: EngineDeps;
  readonly descriptor: Descriptor;
  readonly record: DeploymentRecord;
  log(message: string, level?: 'info' | 'warn' | 'error'): Promise<void>;
};

const ref = (c: StepContext): AppVersionRef => ({ namespace: c.record.namespace, app: c.record.app, version: c.record.version });

export async function createVersion(c: StepContext): Promise<void> {
  const { deployment, service } = versionManifests(c.descriptor, c.record.version);
  for (const [kind, outcome] of [['Deployment', await c.deps.cluster.createDeployment(deployment)], ['Service', await c.deps.cluster.createService(service)]] as const) {
    if (outcome.kind === 'conflict') throw new DeployFailure(`${kind} ${deployment.metadata.name} exists and is not this version's: ${outcome.message}`);
    await c.log(`${kind} ${deployment.metadata.name} ${outcome.kind === 'created' ? 'created' : 'already there'}`);
  }
}

/**
 * Until every pod of the version is Ready with an IP; a crash-looping pod fails at once.
 * The readiness probe asks the health endpoint too, so an unhealthy version never turns
 * Ready: once every pod runs, not being Ready for longer than the health check's deadline
 * fails with what the health endpoint says, instead of waiting out the ready deadline.
 */
export async function waitReady(c: StepContext, signal: AbortSignal): Promise<BackendServer[]> {
  const deadline = c.deps.now() + c.deps.timings.readyDeadlineMs;
  const wanted = c.descriptor.replicas;
  const check = c.descriptor.healthCheck;
  let runningSince: number | undefined;
  for (;;) {
    const pods = (await c.deps.cluster.listVersionPods(ref(c))).filter((p) => !p.terminating);
    const crashing = pods.find((p) => p.waitingReason === 'CrashLoopBackOff' || p.phase === 'Failed');
    if (crashing) throw new DeployFailure(`pod ${crashing.name} is ${crashing.waitingReason ?? crashing.phase} (restarts: ${crashing.restarts})`);
    const ready = pods.filter((p) => p.ready && p.podIP);
    if (ready.length >= wanted) {
      await c.log(`${ready.length} pods Ready`);
      return serversOf(c, ready.slice(0, wanted));
    }
    const running = pods.filter((p) => p.phase === 'Running' && p.podIP);
    runningSince = running.length >= wanted ? (runningSince ?? c.deps.now()) : undefined;
    if (check.enabled && runningSince !== undefined && c.deps.now() - runningSince > check.deadlineMs) {
      const probe = (c.deps.probe ?? httpProbe)(check.expectVersion ? String(c.record.version) : undefined);
      const said = await Promise.all(running.filter((p) => !p.ready).map(async (p) => {
        const verdict = await probe(`http://${p.podIP}:${check.port}${check.path}`, check.timeoutMs, signal);
        return `${p.name}: ${verdict.ok ? 'passes its health check now' : verdict.reason}`;
      }));
      throw new DeployFailure(`pods running but not Ready after ${check.deadlineMs} ms: ${said.join('; ')}`);
    }
    if (c.deps.now() > deadline) throw new DeployFailure(`${ready.length} of ${wanted} pods Ready after ${c.deps.timings.readyDeadlineMs} ms`);
    await c.deps.wait(c.deps.timings.pollMs, signal);
  }
}

export async function readyServers(c: StepContext): Promise<BackendServer[]> {
  return serversOf(c, (await c.deps.cluster.listVersionPods(ref(c))).filter((p) => p.ready && p.podIP && !p.terminating));
}

/** haproxy sends traffic to the first TCP port (the Service's); health checks go to the health port. */
function serversOf(c: StepContext, pods: readonly { name: string; podIP?: string }[]): BackendServer[] {
  const port = trafficPort(c.descriptor.podSpec)?.containerPort ?? c.descriptor.healthCheck.port;
  return pods.map((p) => ({ name: p.name, address: p.podIP!, port }));
}

export async function healthCheck(c: StepContext, servers: readonly BackendServer[], signal: AbortSignal): Promise<void> {
  const check = c.descriptor.healthCheck;
  if (!check.enabled) return c.log('health check disabled in the descriptor');
  const targets = (servers.length > 0 ? servers : await readyServers(c)).map((s) => ({ pod: s.name, url: `http://${s.address}:${check.port}${check.path}` }));
  const probe = (c.deps.probe ?? httpProbe)(check.expectVersion ? String(c.record.version) : undefined);
  const result = await checkHealth(targets, check, probe, c.deps.wait, c.deps.now, signal);
  if (!result.ok) throw new DeployFailure(result.reason);
  await c.log(`${targets.length} pods passed ${check.successes} health checks in a row`);
}
