// The blue/green engine: one deployment of one app version, phase by phase, each phase
// recorded before it acts so that a deployer restarted at any point resumes or rolls back
// (Deployment.resume). Traffic moves only after every new pod is Ready, passed the deployer's own
// health check, and is UP in haproxy; the switch is a compare-and-swap of each frontend
// key, acknowledged by lb-sync once haproxy serves it, then verified through haproxy.
//
// Failure before the switch removes the new version and never touches the old (R1).
// Failure at or after it points the frontends back at the old version, which still runs,
// then removes the new (R3). The old version is removed only after the new one is
// verified, and only after the drain delay.

import { type Descriptor, trafficPort } from '../descriptor/index.js';
import { versionManifests } from '../manifests/index.js';
import type { AppVersionRef, DeployerCluster } from '../../ports/deployer.js';
import { type DeploymentRecord, type Phase, enter } from '../state/records.js';
import { checkHealth, httpProbe, type Probe } from './health.js';
import type { Awaited, BackendServer, Look, LoadBalancer, Records } from './ports.js';

export type EngineTimings = {
  /** For every pod of the new version to be Ready (default 10 min, as Argo's progress deadline). */
  readonly readyDeadlineMs: number;
  /** For haproxy to report every new server UP (default 20 s). */
  readonly lbDeadlineMs: number;
  /** Answers in a row from the new version through haproxy, per hostname (default 5). */
  readonly verifyAnswers: number;
  readonly verifyDeadlineMs: number;
  /** Between looks at pods and at haproxy's answers. */
  readonly pollMs: number;
};

export const DEFAULT_TIMINGS: EngineTimings = { readyDeadlineMs: 600_000, lbDeadlineMs: 20_000, verifyAnswers: 5, verifyDeadlineMs: 30_000, pollMs: 250 };

export type EngineDeps = {
  readonly cluster: DeployerCluster;
  readonly lb: LoadBalancer;
  readonly records: Records;
  readonly look: Look;
  readonly now: () => number;
  readonly wait: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly timings: EngineTimings;
  /** The health probe for a version (default: HTTP GET, httpProbe). */
  readonly probe?: (expectedVersion: string | undefined) => Probe;
};

/** A version's every trace: its backend in the load balancer, its Service, its Deployment (and pods). */
export async function removeVersion(deps: Pick<EngineDeps, 'lb' | 'cluster'>, ref: AppVersionRef): Promise<void> {
  await deps.lb.unregister(deps.lb.backendId(ref.namespace, ref.app, ref.version));
  await deps.cluster.deleteService(ref);
  await deps.cluster.deleteDeployment(ref);
}

/** A step's failure, with why; whether traffic had moved is the record's `switched`, which decides the rollback. */
export class DeployFailure extends Error {}

export class Deployment {
  #record: DeploymentRecord;

  constructor(private readonly deps: EngineDeps, record: DeploymentRecord, private readonly descriptor: Descriptor) {
    this.#record = record;
  }

  get record(): DeploymentRecord {
    return this.#record;
  }

  get #ref(): AppVersionRef {
    return { namespace: this.#record.namespace, app: this.#record.app, version: this.#record.version };
  }

  #backend(version: number): string {
    return this.deps.lb.backendId(this.#record.namespace, this.#record.app, version);
  }

  async log(message: string, level: 'info' | 'warn' | 'error' = 'info'): Promise<void> {
    await this.deps.records.log(this.#record, { at: this.deps.now(), level, message });
  }

  async enter(phase: Phase, more: Partial<Pick<DeploymentRecord, 'status' | 'reason' | 'switched'>> = {}): Promise<void> {
    this.#record = enter(this.#record, phase, this.deps.now(), more);
    await this.deps.records.save(this.#record);
  }

  /** From `creating` to `done`; a failure rolls back (R1 before the switch, R3 after it). */
  async run(signal: AbortSignal, from: Phase = 'creating'): Promise<DeploymentRecord> {
    const order: Phase[] = ['creating', 'waiting-ready', 'health-checking', 'registering', 'waiting-lb', 'switching', 'verifying', 'draining'];
    let servers: BackendServer[] = [];
    try {
      for (const phase of order.slice(order.indexOf(from))) {
        signal.throwIfAborted();
        // From here on a failure must switch back: recorded before the first frontend moves.
        await this.enter(phase, phase === 'switching' ? { switched: true } : {});
        switch (phase) {
          case 'creating': await this.#create(); break;
          case 'waiting-ready': servers = await this.#waitReady(signal); break;
          case 'health-checking': await this.#healthCheck(servers, signal); break;
          case 'registering': await this.#register(servers.length > 0 ? servers : await this.#servers()); break;
          case 'waiting-lb': await this.#waitLb(signal); break;
          case 'switching': await this.#switch(signal); break;
          case 'verifying': await this.#verify(signal); break;
          case 'draining': await this.#drain(signal); break;
        }
      }
      await this.enter('done', { status: 'SUCCESS' });
      await this.log(`version ${this.#record.version} serves ${this.#record.frontends.join(', ')}`);
    } catch (error) {
      if (signal.aborted) throw error; // stopped: the record says where; a resume continues
      const reason = error instanceof Error ? error.message : String(error);
      await this.log(`failed in ${this.#record.phase}: ${reason}`, 'error');
      await this.rollback(reason, signal);
    }
    return this.#record;
  }

  async #create(): Promise<void> {
    const { deployment, service } = versionManifests(this.descriptor, this.#record.version);
    for (const [kind, outcome] of [['Deployment', await this.deps.cluster.createDeployment(deployment)], ['Service', await this.deps.cluster.createService(service)]] as const) {
      if (outcome.kind === 'conflict') throw new DeployFailure(`${kind} ${deployment.metadata.name} exists and is not this version's: ${outcome.message}`);
      await this.log(`${kind} ${deployment.metadata.name} ${outcome.kind === 'created' ? 'created' : 'already there'}`);
    }
  }

  /**
   * Until every pod of the version is Ready with an IP; a crash-looping pod fails at once.
   * The readiness probe asks the health endpoint too, so an unhealthy version never turns
   * Ready: once every pod runs, not being Ready for longer than the health check's deadline
   * fails with what the health endpoint says, instead of waiting out the ready deadline.
   */
  async #waitReady(signal: AbortSignal): Promise<BackendServer[]> {
    const deadline = this.deps.now() + this.deps.timings.readyDeadlineMs;
    const wanted = this.descriptor.replicas;
    const check = this.descriptor.healthCheck;
    let runningSince: number | undefined;
    for (;;) {
      const pods = (await this.deps.cluster.listVersionPods(this.#ref)).filter((p) => !p.terminating);
      const crashing = pods.find((p) => p.waitingReason === 'CrashLoopBackOff' || p.phase === 'Failed');
      if (crashing) throw new DeployFailure(`pod ${crashing.name} is ${crashing.waitingReason ?? crashing.phase} (restarts: ${crashing.restarts})`);
      const ready = pods.filter((p) => p.ready && p.podIP);
      if (ready.length >= wanted) {
        await this.log(`${ready.length} pods Ready`);
        return this.#serversOf(ready.slice(0, wanted));
      }
      const running = pods.filter((p) => p.phase === 'Running' && p.podIP);
      runningSince = running.length >= wanted ? (runningSince ?? this.deps.now()) : undefined;
      if (check.enabled && runningSince !== undefined && this.deps.now() - runningSince > check.deadlineMs) {
        const probe = (this.deps.probe ?? httpProbe)(check.expectVersion ? String(this.#record.version) : undefined);
        const said = await Promise.all(running.filter((p) => !p.ready).map(async (p) => {
          const verdict = await probe(`http://${p.podIP}:${check.port}${check.path}`, check.timeoutMs, signal);
          return `${p.name}: ${verdict.ok ? 'passes its health check now' : verdict.reason}`;
        }));
        throw new DeployFailure(`pods running but not Ready after ${check.deadlineMs} ms: ${said.join('; ')}`);
      }
      if (this.deps.now() > deadline) throw new DeployFailure(`${ready.length} of ${wanted} pods Ready after ${this.deps.timings.readyDeadlineMs} ms`);
      await this.deps.wait(this.deps.timings.pollMs, signal);
    }
  }

  async #servers(): Promise<BackendServer[]> {
    return this.#serversOf((await this.deps.cluster.listVersionPods(this.#ref)).filter((p) => p.ready && p.podIP && !p.terminating));
  }

  /** haproxy sends traffic to the first TCP port (the Service's); health checks go to the health port. */
  #serversOf(pods: readonly { name: string; podIP?: string }[]): BackendServer[] {
    const port = trafficPort(this.descriptor.podSpec)?.containerPort ?? this.descriptor.healthCheck.port;
    return pods.map((p) => ({ name: p.name, address: p.podIP!, port }));
  }

  async #healthCheck(servers: readonly BackendServer[], signal: AbortSignal): Promise<void> {
    const check = this.descriptor.healthCheck;
    if (!check.enabled) return this.log('health check disabled in the descriptor');
    const targets = (servers.length > 0 ? servers : await this.#servers()).map((s) => ({ pod: s.name, url: `http://${s.address}:${check.port}${check.path}` }));
    const probe = (this.deps.probe ?? httpProbe)(check.expectVersion ? String(this.#record.version) : undefined);
    const result = await checkHealth(targets, check, probe, this.deps.wait, this.deps.now, signal);
    if (!result.ok) throw new DeployFailure(result.reason);
    await this.log(`${targets.length} pods passed ${check.successes} health checks in a row`);
  }

  async #register(servers: readonly BackendServer[]): Promise<void> {
    await this.deps.lb.register(this.#backend(this.#record.version), servers, this.descriptor.healthCheck.path);
    await this.log(`backend ${this.#backend(this.#record.version)} registered: ${servers.map((s) => `${s.address}:${s.port}`).join(', ')}`);
  }

  async #waitLb(signal: AbortSignal): Promise<void> {
    expectOk(await this.deps.lb.serversUp(this.#backend(this.#record.version), this.deps.timings.lbDeadlineMs, signal), 'haproxy');
    await this.log('haproxy reports every new server UP');
  }

  async #switch(signal: AbortSignal): Promise<void> {
    const target = this.#backend(this.#record.version);
    for (const host of this.#record.frontends) {
      signal.throwIfAborted();
      const live = await this.deps.lb.frontend(host);
      if (live.backend === target) continue;
      const expected = this.deps.lb.versionOf(this.#record.namespace, this.#record.app, live.backend);
      if (live.backend !== undefined && expected !== this.#record.previousVersion) {
        throw new DeployFailure(`${host} points at ${live.backend}, not at the version this deployment replaces (${this.#record.previousVersion ?? 'none'})`);
      }
      const revision = await this.deps.lb.switchFrontend(host, target, live.revision);
      if (revision === undefined) throw new DeployFailure(`${host} changed while switching (someone else wrote its frontend)`);
      expectOk(await this.deps.lb.frontendApplied(host, revision, this.deps.timings.lbDeadlineMs, signal), `the switch of ${host}`);
      await this.log(`${host} switched to ${target}`);
    }
  }

  /** Answers in a row from the new version through haproxy, for every hostname. */
  async #verify(signal: AbortSignal): Promise<void> {
    const want = String(this.#record.version);
    for (const host of this.#record.frontends) {
      const deadline = this.deps.now() + this.deps.timings.verifyDeadlineMs;
      let streak = 0;
      let last = '';
      while (streak < this.deps.timings.verifyAnswers) {
        const answer = await this.deps.look(host, signal);
        if ('version' in answer && answer.version === want) streak++;
        else {
          streak = 0;
          last = 'version' in answer ? `version ${answer.version} answered` : answer.error;
        }
        if (streak === 0) {
          if (this.deps.now() > deadline) throw new DeployFailure(`through haproxy, ${host} did not answer from version ${want} ${this.deps.timings.verifyAnswers} times in a row: ${last}`);
          await this.deps.wait(this.deps.timings.pollMs, signal);
        }
      }
      await this.log(`${host} answers from version ${want} through haproxy`);
    }
  }

  async #drain(signal: AbortSignal): Promise<void> {
    const previous = this.#record.previousVersion;
    if (previous === undefined) return;
    await this.log(`keeping version ${previous} for ${this.descriptor.drainDelayMs} ms while its connections finish`);
    await this.deps.wait(this.descriptor.drainDelayMs, signal);
    await this.#remove(previous);
  }

  /** Unregisters a version's backend, then deletes its Service and Deployment. */
  async #remove(version: number): Promise<void> {
    await removeVersion(this.deps, { ...this.#ref, version });
    await this.log(`version ${version} removed`);
  }

  /**
   * After a restart: completes what is past the switch and verified to be serving,
   * rolls back everything else (a deployment stopped before its switch never moved
   * traffic, so removing it is always safe).
   */
  async resume(signal: AbortSignal): Promise<DeploymentRecord> {
    const { phase } = this.#record;
    await this.log(`resumed in ${phase} after the deployer restarted`, 'warn');
    if (phase === 'done') return this.#record;
    if (phase === 'rolling-back') {
      await this.rollback(this.#record.reason ?? 'rolled back', signal);
      return this.#record;
    }
    if (phase === 'verifying' || phase === 'draining') return this.run(signal, phase);
    if (phase === 'switching') {
      const target = this.#backend(this.#record.version);
      const live = await Promise.all(this.#record.frontends.map((host) => this.deps.lb.frontend(host)));
      // Some hostnames switched, some not: finishing the switch is as safe as undoing it,
      // but only a verified version may keep traffic, so finish and verify.
      if (live.some((f) => f.backend === target)) return this.run(signal, 'switching');
    }
    await this.rollback(`the deployer stopped during ${phase}; the new version never received traffic and is removed`, signal);
    return this.#record;
  }

  /**
   * R1/R3: every frontend pointing at the new version goes back to the previous one (or
   * loses its backend when there was none), then the new version is removed. Idempotent.
   */
  async rollback(reason: string, signal: AbortSignal): Promise<void> {
    await this.enter('rolling-back', { reason });
    const target = this.#backend(this.#record.version);
    const back = this.#record.previousVersion === undefined ? undefined : this.#backend(this.#record.previousVersion);
    for (const host of this.#record.frontends) {
      signal.throwIfAborted();
      const live = await this.deps.lb.frontend(host);
      if (live.backend !== target) continue;
      const revision = await this.deps.lb.switchFrontend(host, back, live.revision);
      if (revision === undefined) throw new DeployFailure(`${host} changed while switching back`);
      if (back !== undefined) expectOk(await this.deps.lb.frontendApplied(host, revision, this.deps.timings.lbDeadlineMs, signal), `the switch back of ${host}`);
      await this.log(`${host} switched back to ${back ?? 'no backend'}`, 'warn');
    }
    signal.throwIfAborted();
    await this.#remove(this.#record.version);
    await this.enter('done', { status: 'FAILURE', reason });
  }
}

function expectOk(result: Awaited, what: string): void {
  if (!result.ok) throw new DeployFailure(`${what}: ${result.reason}`);
}
