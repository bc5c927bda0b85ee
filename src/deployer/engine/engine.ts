// The blue/green engine: one deployment of one app version, phase by phase, each phase
// recorded before it acts so that a deployer restarted at any point resumes or rolls back
// (Deployment.resume). Traffic moves only after every new pod is Ready, passed the deployer's own
// health check, and is UP in haproxy; the switch (switch.ts) is a compare-and-swap of each frontend
// key, acknowledged by lb-sync once haproxy serves it, then verified through haproxy.
//
// Failure before the switch removes the new version and never touches the old (R1).
// Failure at or after it points the frontends back at the old version, which still runs,
// then removes the new (R3). After the switch the new version bakes (bake.ts): haproxy's
// counters for it must stay within the descriptor's limits for the bake's duration, or
// traffic goes back at once. The old version is removed only after a clean bake, and not
// before the drain delay has passed since the switch.
//
// etcd not answering fails no step: the step waits (back-off, up to retryMaxMs apart) and
// runs again from its start, for as long as etcd is away (every step is idempotent). A
// write refused by the app's lock (LockLostError) stops the deployment where it is: whoever
// holds the lock now completes or rolls it back.

import type { Logger } from 'pino';
import { DEFAULTS, type Bake, type Descriptor } from '../descriptor/index.js';
import type { AppVersionRef, DeployerCluster } from '../../ports/deployer.js';
import { type DeploymentRecord, type Phase, type RecordChange, enter, enteredAt } from '../state/records.js';
import { bakeBaseline, describeFigures, watchBake } from './bake.js';
import { BakeBreachError, isEtcdUnavailable, isLockLost } from './errors.js';
import type { Probe } from './health.js';
import type { BackendServer, Fence, Look, LoadBalancer, Records } from './ports.js';
import { createVersion, healthCheck, readyServers, type StepContext, waitReady } from './prepare.js';
import { expectOk, switchBack, switchToNew, verifyThroughLb } from './switch.js';

export { DeployFailure } from './errors.js';

export type EngineTimings = {
  /** For every pod of the new version to be Ready (default 10 min, as Argo's progress deadline). */
  readonly readyDeadlineMs: number;
  /** For haproxy to report every new server UP (default 20 s). */
  readonly lbDeadlineMs: number;
  /** Answers in a row from the new version through haproxy, per hostname (default 5). */
  readonly verifyAnswers: number;
  readonly verifyDeadlineMs: number;
  /** Between looks at pods, at haproxy's answers and at lb-sync's traffic reports. */
  readonly pollMs: number;
  /** Waiting for etcd: the first retry after this, doubling up to retryMaxMs (defaults 250 ms and 2 s). */
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  /** How long past a bake's end lb-sync may report nothing before the bake fails (default 15 s). */
  readonly bakeReportGraceMs: number;
};

export const DEFAULT_TIMINGS: EngineTimings = {
  readyDeadlineMs: 600_000, lbDeadlineMs: 20_000, verifyAnswers: 5, verifyDeadlineMs: 30_000, pollMs: 250,
  retryMinMs: 250, retryMaxMs: 2_000, bakeReportGraceMs: 15_000,
};

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
  /** The app lock's fence: every etcd write of the deployment carries it (the service sets it). */
  readonly fence?: Fence;
  /** Structured events beside the deployment's own log: waits for etcd, the bake's verdict. */
  readonly logger?: Logger;
};

/**
 * A version's every trace: its backend in the load balancer (and its bake), its Service,
 * its Deployment (and pods). IMPORTANT: the backend first: with a fence, a holder that lost
 * its lock is stopped there, before it deletes anything in Kubernetes.
 */
export async function removeVersion(deps: Pick<EngineDeps, 'lb' | 'cluster' | 'fence'>, ref: AppVersionRef): Promise<void> {
  await deps.lb.unregister(deps.lb.backendId(ref.namespace, ref.app, ref.version), deps.fence);
  await deps.cluster.deleteService(ref);
  await deps.cluster.deleteDeployment(ref);
}

/** The delay before the `attempt`-th retry while etcd does not answer. */
export const retryDelay = (t: Pick<EngineTimings, 'retryMinMs' | 'retryMaxMs'>, attempt: number): number => Math.min(t.retryMinMs * 2 ** Math.max(0, attempt - 1), t.retryMaxMs);

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

  get #context(): StepContext {
    return { deps: this.deps, descriptor: this.descriptor, record: this.#record, log: (message, level) => this.log(message, level) };
  }

  #backend(version: number): string {
    return this.deps.lb.backendId(this.#record.namespace, this.#record.app, version);
  }

  async log(message: string, level: 'info' | 'warn' | 'error' = 'info'): Promise<void> {
    await this.deps.records.log(this.#record, { at: this.deps.now(), level, message });
  }

  async enter(phase: Phase, more: RecordChange = {}): Promise<void> {
    this.#record = enter(this.#record, phase, this.deps.now(), more);
    await this.deps.records.save(this.#record);
  }

  /** The descriptor's bake, its defaults filled in for a record written before bakes existed. */
  get #bake(): Bake {
    return { ...DEFAULTS.bake, ...(this.descriptor.bake as Partial<Bake> | undefined) };
  }

  /**
   * Runs `step` until it gets through: while etcd does not answer it waits (doubling from
   * retryMinMs to retryMaxMs) and runs the step again from its start. Anything else, and a
   * stop, goes to the caller.
   */
  async #persist<T>(step: () => Promise<T>, signal: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await step();
      } catch (error) {
        if (!isEtcdUnavailable(error) || signal.aborted) throw error;
        const retryInMs = retryDelay(this.deps.timings, attempt);
        this.deps.logger?.warn(
          { event: 'deploy-etcd-retry', code: error.code, deployment: this.#record.id, phase: this.#record.phase, attempt, retryInMs, err: error },
          `${this.#record.namespace}/${this.#record.app} ${this.#record.id}: ${error.message}; trying ${this.#record.phase} again in ${retryInMs} ms`,
        );
        await this.deps.wait(retryInMs, signal);
      }
    }
  }

  /** From `creating` to `done`; a failure rolls back (R1 before the switch, R3 after it). */
  async run(signal: AbortSignal, from: Phase = 'creating'): Promise<DeploymentRecord> {
    const order: Phase[] = ['creating', 'waiting-ready', 'health-checking', 'registering', 'waiting-lb', 'switching', 'verifying', 'baking', 'draining'];
    let servers: BackendServer[] = [];
    try {
      for (const phase of order.slice(order.indexOf(from))) {
        signal.throwIfAborted();
        await this.#persist(async () => {
          // From here on a failure must switch back: recorded before the first frontend moves.
          await this.enter(phase, phase === 'switching' ? { switched: true } : {});
          switch (phase) {
            case 'creating': await createVersion(this.#context); break;
            case 'waiting-ready': servers = await waitReady(this.#context, signal); break;
            case 'health-checking': await healthCheck(this.#context, servers, signal); break;
            case 'registering': await this.#register(servers.length > 0 ? servers : await readyServers(this.#context)); break;
            case 'waiting-lb': await this.#waitLb(signal); break;
            case 'switching': await this.#switch(signal); break;
            case 'verifying': await verifyThroughLb(this.#context, signal); break;
            case 'baking': await this.#bakeStep(signal); break;
            case 'draining': await this.#drain(signal); break;
          }
        }, signal);
      }
      await this.#persist(async () => {
        await this.enter('done', { status: 'SUCCESS' });
        await this.log(`version ${this.#record.version} serves ${this.#record.frontends.join(', ')}`);
      }, signal);
    } catch (error) {
      // Stopped, or the lock is someone else's now: the record says where; its holder continues.
      if (signal.aborted || isLockLost(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      await this.#persist(() => this.log(`failed in ${this.#record.phase}: ${reason}`, 'error'), signal);
      await this.rollback(reason, signal);
    }
    return this.#record;
  }

  async #register(servers: readonly BackendServer[]): Promise<void> {
    const id = this.#backend(this.#record.version);
    await this.deps.lb.register(id, servers, this.descriptor.healthCheck.path, this.deps.fence);
    // lb-sync reports the backend's counters from now on, so the bake's baseline predates the switch.
    if (this.#bake.durationMs > 0) await this.deps.lb.bake(id, true, this.deps.fence);
    await this.log(`backend ${id} registered: ${servers.map((s) => `${s.address}:${s.port}`).join(', ')}`);
  }

  async #waitLb(signal: AbortSignal): Promise<void> {
    expectOk(await this.deps.lb.serversUp(this.#backend(this.#record.version), this.deps.timings.lbDeadlineMs, signal), 'haproxy');
    await this.log('haproxy reports every new server UP');
  }

  async #switch(signal: AbortSignal): Promise<void> {
    const target = this.#backend(this.#record.version);
    if (this.#bake.durationMs > 0 && !this.#record.bake) {
      // The bake counts from here: its baseline is haproxy's counters before any traffic moved.
      this.#record = { ...this.#record, bake: { startedAt: this.deps.now(), baseline: await bakeBaseline(this.deps.lb, target) } };
      await this.deps.records.save(this.#record);
    }
    await switchToNew(this.#context, signal);
  }

  /** Watches the new version's traffic for the bake's duration; a breach throws (R3 follows). */
  async #bakeStep(signal: AbortSignal): Promise<void> {
    const bake = this.#bake;
    const id = this.#backend(this.#record.version);
    if (bake.durationMs === 0) return this.log('no bake (bake.durationMs is 0): the old version is drained now');
    // A record from before bakes, resumed here, has no baseline: the bake counts from now.
    const started = this.#record.bake ?? { startedAt: this.deps.now(), baseline: await bakeBaseline(this.deps.lb, id) };
    await this.log(`baking version ${this.#record.version} for ${bake.durationMs} ms, version ${this.#record.previousVersion ?? '(none)'} kept running: limits ${bake.max5xxPercent}% 5xx, ${bake.maxConnectionErrors} connection errors, ${bake.maxServersDown} servers DOWN`);
    const outcome = await watchBake({ lb: this.deps.lb, now: this.deps.now, wait: this.deps.wait, pollMs: this.deps.timings.pollMs, reportGraceMs: this.deps.timings.bakeReportGraceMs }, id, bake, started, signal);
    this.#record = { ...this.#record, bake: { ...started, verdict: outcome.verdict, figures: outcome.figures, breached: outcome.breached } };
    this.deps.logger?.info({ event: 'deploy-bake', deployment: this.#record.id, verdict: outcome.verdict, ...outcome.figures, breached: outcome.breached }, `${this.#record.namespace}/${this.#record.app} version ${this.#record.version}: bake ${outcome.verdict}`);
    if (outcome.verdict === 'breach') {
      const { down: _down, ...numbers } = outcome.figures;
      throw new BakeBreachError(`bake failed after ${(outcome.figures.elapsedMs / 1000).toFixed(1)} s: ${outcome.breached.join('; ')} (${describeFigures(outcome.figures)})`, numbers);
    }
    await this.deps.lb.bake(id, false, this.deps.fence);
    await this.log(`bake clean: ${describeFigures(outcome.figures)}`);
  }

  /** The old version goes once the drain delay has passed since the switch (the bake counts towards it). */
  async #drain(signal: AbortSignal): Promise<void> {
    const previous = this.#record.previousVersion;
    if (previous === undefined) return;
    const switchedAt = enteredAt(this.#record, 'switching') ?? this.deps.now();
    const left = Math.max(0, switchedAt + this.descriptor.drainDelayMs - this.deps.now());
    await this.log(`keeping version ${previous} ${left} ms more while its connections finish (drain delay ${this.descriptor.drainDelayMs} ms from the switch)`);
    await this.deps.wait(left, signal);
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
    await this.#persist(() => this.log(`resumed in ${phase} after the deployer restarted`, 'warn'), signal);
    if (phase === 'done') return this.#record;
    if (phase === 'rolling-back') {
      await this.rollback(this.#record.reason ?? 'rolled back', signal);
      return this.#record;
    }
    if (phase === 'verifying' || phase === 'baking' || phase === 'draining') return this.run(signal, phase);
    if (phase === 'switching') {
      const target = this.#backend(this.#record.version);
      const live = await this.#persist(() => Promise.all(this.#record.frontends.map((host) => this.deps.lb.frontend(host))), signal);
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
    await this.#persist(async () => {
      await this.enter('rolling-back', { reason });
      await switchBack(this.#context, signal);
      signal.throwIfAborted();
      await this.#remove(this.#record.version);
      await this.enter('done', { status: 'FAILURE', reason });
    }, signal);
  }
}
