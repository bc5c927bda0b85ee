// The deployer as its API and CLI see it: one deployment per app at a time (the etcd lock;
// a second gets 'conflict' naming the running one), a precondition check before anything
// changes, the version and the version it replaces worked out from what runs, the engine
// run in the background on the lock's lease (its fence on every write), webhooks told the
// outcome, and on start and periodically a reconcile (reconcile.ts): deployments left
// RUNNING resumed (completed or rolled back), versions no record keeps removed.

import type { Logger } from 'pino';
import { type Descriptor, newestVersion, resolveVersion } from '../descriptor/index.js';
import { Deployment, type EngineDeps, removeVersion } from '../engine/engine.js';
import { isLockLost } from '../engine/errors.js';
import type { Records } from '../engine/ports.js';
import { type DeployerStore, type DeploymentRecord, enter, type HeldLock, type LogLine, newDeploymentId } from '../state/index.js';
import { appStates, type AppState } from './apps.js';
import { Reconciler, type ReconcileReport } from './reconcile.js';
import { type Deployer, DeployerError } from './types.js';
import { notify, type WebhookSenderOptions } from './webhooks.js';
import { type DeployerMetrics, outcomeOf } from '../metrics.js';

export type DeployerServiceOptions = {
  readonly store: DeployerStore;
  /** The engine's dependencies; its records are the store. */
  readonly engine: Omit<EngineDeps, 'records'>;
  readonly log: Logger;
  /** Time to wait for etcd in the precondition check (default 3 s). */
  readonly preflightTimeoutMs?: number;
  /** Between looks at a followed deployment's log (default 250 ms). */
  readonly followPollMs?: number;
  /** How descriptors' webhooks are called: the Secrets that sign them, the operator's rules (default: unsigned, https to public hosts). */
  readonly webhooks?: Omit<WebhookSenderOptions, 'log'>;
  /** Counts deployments' ends and timings (scalerd_deployer_*), if given. */
  readonly metrics?: DeployerMetrics;
};

export class DeployerService implements Deployer {
  readonly #running = new Set<Promise<unknown>>();
  readonly #stopping = new AbortController();
  readonly #reconciler: Reconciler;
  #reconciling: Promise<ReconcileReport> | undefined;

  constructor(private readonly o: DeployerServiceOptions) {
    this.#reconciler = new Reconciler({
      store: o.store, engine: o.engine, log: o.log,
      resume: (record, lock) => this.#background(record, record.descriptor as Descriptor, lock, (deployment, signal) => deployment.resume(signal)),
    });
  }

  get #webhooks(): WebhookSenderOptions {
    return { ...this.o.webhooks, log: this.o.log };
  }

  async deploy(descriptor: Descriptor): Promise<DeploymentRecord> {
    const { namespace, appName: app } = descriptor;
    await this.#preflight();
    const now = this.o.engine.now();
    const id = newDeploymentId(now);
    if (this.#stopping.signal.aborted) throw new DeployerError('precondition', 'the deployer is stopping; deploy again in a moment');
    const acquired = await this.o.store.acquire(namespace, app, id);
    if (!acquired.ok) throw new DeployerError('conflict', `${namespace}/${app} has a deployment under way: ${acquired.holder}`, { running: acquired.holder });
    let record: DeploymentRecord;
    try {
      // A deployment left RUNNING by a deployer that died (its lock expired) comes first: the
      // reconcile completes or rolls it back; a new one beside it could leave a version behind.
      const stale = (await this.o.store.list(namespace, app)).find((r) => r.status === 'RUNNING');
      if (stale) {
        this.#reconcileSoon();
        throw new DeployerError('conflict', `${namespace}/${app} has a deployment under way: ${stale.id} (left by a deployer that stopped; it is being resumed)`, { running: stale.id });
      }
      const { version, previousVersion } = await this.#versions(descriptor);
      record = {
        id, namespace, app, version, previousVersion, frontends: descriptor.frontends, phase: 'accepted', status: 'RUNNING',
        switched: false, createdAt: now, updatedAt: now, phases: [{ phase: 'accepted', at: now }], descriptor,
      };
      await this.o.store.create(record, acquired.lock.fence);
      await this.o.store.saveDescriptor(namespace, app, descriptor);
      await this.o.store.log(record, { at: now, level: 'info', message: `deploying ${namespace}/${app} version ${version}${previousVersion === undefined ? '' : ` to replace version ${previousVersion}`}` }, acquired.lock.fence);
    } catch (error) {
      await acquired.lock.release().catch((e: unknown) => this.o.log.warn({ event: 'lock-release-failed', deployment: id, err: e }, `releasing the lock of ${id} failed; it expires with its lease`));
      throw error;
    }
    this.#background(record, descriptor, acquired.lock, (deployment, signal) => deployment.run(signal));
    return record;
  }

  /** Resumes every deployment left RUNNING, each once its app's lock is free (a dead holder's lease expires). */
  async resumeAll(signal: AbortSignal): Promise<void> {
    for (const record of (await this.o.store.list()).filter((r) => r.status === 'RUNNING')) {
      for (;;) {
        signal.throwIfAborted();
        const acquired = await this.o.store.acquire(record.namespace, record.app, record.id);
        if (acquired.ok) {
          // Read again under the lock: a reconcile may have resumed and finished it meanwhile.
          const now = await this.o.store.get(record.namespace, record.app, record.id);
          if (now?.status !== 'RUNNING') {
            await acquired.lock.release();
            break;
          }
          this.o.log.warn({ event: 'deploy-resume', deployment: now.id, phase: now.phase }, `resuming ${now.namespace}/${now.app} ${now.id} from ${now.phase}`);
          this.#background(now, now.descriptor as Descriptor, acquired.lock, (deployment, s) => deployment.resume(s));
          break;
        }
        if (acquired.holder === record.id || (await this.o.store.get(record.namespace, record.app, acquired.holder))?.status !== 'RUNNING') {
          // Its own lock from the dead process (or a stale one): wait for the lease to expire.
          await this.o.engine.wait(500, signal);
          continue;
        }
        break; // another live deployer runs this app
      }
    }
  }

  /** One reconcile pass now (reconcile.ts), or the one under way. */
  reconcile(): Promise<ReconcileReport> {
    this.#reconciling ??= this.#reconciler.pass().finally(() => { this.#reconciling = undefined; });
    return this.#reconciling;
  }

  /** A reconcile pass every `everyMs` until stop(); a pass that fails is logged and the next one tries again. */
  reconcileEvery(everyMs: number): void {
    const signal = this.#stopping.signal;
    const loop = (async () => {
      while (!signal.aborted) {
        await this.reconcile().catch((error: unknown) => this.o.log.error({ event: 'reconcile-failed', code: 'SCALERD_ERR_DEPLOY_RECONCILE', err: error }, `reconcile failed: ${(error as Error).message}`));
        await this.o.engine.wait(everyMs, signal).catch(() => undefined);
      }
    })();
    this.#running.add(loop);
    void loop.finally(() => this.#running.delete(loop));
  }

  /** A pass in a second, for a deployment that stopped and is to be resumed once its lock is free. */
  #reconcileSoon(): void {
    if (this.#stopping.signal.aborted) return;
    void this.o.engine.wait(1_000, this.#stopping.signal).then(() => this.reconcile()).catch((error: unknown) => {
      if (!this.#stopping.signal.aborted) this.o.log.error({ event: 'reconcile-failed', code: 'SCALERD_ERR_DEPLOY_RECONCILE', err: error }, `reconcile failed: ${(error as Error).message}; the next pass tries again`);
    });
  }

  async rollback(namespace: string, app: string, admit?: (descriptor: Descriptor) => void): Promise<DeploymentRecord> {
    const done = (await this.o.store.list(namespace, app))
      .filter((r) => r.status === 'SUCCESS' && r.kind === undefined && r.phases.some((p) => p.phase === 'switching'))
      .sort((a, b) => a.createdAt - b.createdAt);
    const previous = done.at(-2);
    if (!previous) throw new DeployerError('not-found', `${namespace}/${app} has no earlier successful deployment to return to`);
    admit?.(previous.descriptor as Descriptor);
    return this.deploy({ ...(previous.descriptor as Descriptor), version: 'auto' });
  }

  async undeploy(namespace: string, app: string): Promise<DeploymentRecord> {
    await this.#preflight();
    const { cluster, lb, now } = this.o.engine;
    const versions = await cluster.listVersions(namespace, app);
    const descriptor = (await this.o.store.descriptor(namespace, app)) as Descriptor | undefined;
    if (versions.length === 0 && !descriptor) throw new DeployerError('not-found', `${namespace}/${app} is not deployed`);
    const id = newDeploymentId(now());
    const acquired = await this.o.store.acquire(namespace, app, id);
    if (!acquired.ok) throw new DeployerError('conflict', `${namespace}/${app} has a deployment under way: ${acquired.holder}`, { running: acquired.holder });
    try {
      const frontends = descriptor?.frontends ?? [];
      const fence = acquired.lock.fence;
      let record: DeploymentRecord = {
        id, kind: 'undeploy', namespace, app, version: newestVersion(versions.map((v) => v.version)) ?? 0, previousVersion: undefined, frontends, phase: 'rolling-back',
        status: 'RUNNING', reason: 'undeploy', switched: false, createdAt: now(), updatedAt: now(), phases: [{ phase: 'rolling-back', at: now() }], descriptor,
      };
      await this.o.store.create(record, fence);
      for (const host of frontends) {
        const live = await lb.frontend(host);
        if (lb.versionOf(namespace, app, live.backend) !== undefined) await lb.switchFrontend(host, undefined, live.revision, fence);
      }
      for (const { version } of versions) {
        await removeVersion({ ...this.o.engine, fence }, { namespace, app, version });
        await this.o.store.log(record, { at: now(), level: 'info', message: `version ${version} removed` }, fence);
      }
      await this.o.store.deleteDescriptor(namespace, app);
      record = enter(record, 'done', now(), { status: 'SUCCESS' });
      await this.o.store.save(record, fence);
      if (descriptor) await notify(descriptor.webhooks, 'undeployed', record, this.#webhooks);
      return record;
    } finally {
      await acquired.lock.release();
    }
  }

  get(namespace: string, app: string, id: string): Promise<DeploymentRecord | undefined> {
    return this.o.store.get(namespace, app, id);
  }

  list(namespace?: string, app?: string): Promise<DeploymentRecord[]> {
    return this.o.store.list(namespace, app);
  }

  apps(): Promise<AppState[]> {
    return appStates({ store: this.o.store, engine: this.o.engine });
  }

  logs(namespace: string, app: string, id: string): Promise<LogLine[]> {
    return this.o.store.logs(namespace, app, id);
  }

  async follow(namespace: string, app: string, id: string, onLine: (line: LogLine) => void, signal: AbortSignal): Promise<DeploymentRecord | undefined> {
    let seen = 0;
    for (;;) {
      const record = await this.o.store.get(namespace, app, id);
      const lines = await this.o.store.logs(namespace, app, id, seen);
      for (const line of lines) onLine(line);
      seen += lines.length;
      if (!record || record.status !== 'RUNNING' || signal.aborted) return record;
      await this.o.engine.wait(this.o.followPollMs ?? 250, signal).catch(() => undefined);
    }
  }

  async putDescriptor(descriptor: Descriptor): Promise<void> {
    await this.o.store.saveDescriptor(descriptor.namespace, descriptor.appName, descriptor);
  }

  async getDescriptor(namespace: string, app: string): Promise<Descriptor | undefined> {
    return (await this.o.store.descriptor(namespace, app)) as Descriptor | undefined;
  }

  async listDescriptors(): Promise<Descriptor[]> {
    return (await this.o.store.descriptors()) as Descriptor[];
  }

  deleteDescriptor(namespace: string, app: string): Promise<boolean> {
    return this.o.store.deleteDescriptor(namespace, app);
  }

  /** Until every background deployment has ended (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  /**
   * Stops every deployment under way between two steps (each keeps its recorded phase, and
   * the next deployer resumes it) and resolves once they have stopped; no new one starts.
   */
  async stop(): Promise<void> {
    this.#stopping.abort(new Error('the deployer is stopping'));
    await this.idle();
  }

  async #preflight(): Promise<void> {
    const etcd = await this.o.store.reachable(this.o.preflightTimeoutMs ?? 3_000);
    if (!etcd.ok && etcd.refused) throw new DeployerError('precondition', `etcd refused the deployer (${etcd.reason}): check its etcd user, password and role (readwrite on /scalerd/); nothing was changed`);
    if (!etcd.ok) throw new DeployerError('precondition', `etcd cannot be reached (${etcd.reason}); nothing was changed`);
  }

  /** The version to deploy and the one it replaces: what every hostname points at now, which must agree. */
  async #versions(descriptor: Descriptor): Promise<{ version: number; previousVersion: number | undefined }> {
    const { namespace, appName: app } = descriptor;
    const { cluster, lb } = this.o.engine;
    const live = await Promise.all(descriptor.frontends.map(async (host) => ({ host, frontend: await lb.frontend(host) })));
    const serving = new Set(live.map(({ frontend }) => frontend.backend));
    if (serving.size > 1) throw new DeployerError('precondition', `the hostnames point at different backends (${live.map(({ host, frontend }) => `${host} → ${frontend.backend ?? 'none'}`).join(', ')}); make them agree first`);
    const backend = [...serving][0];
    const previousVersion = lb.versionOf(namespace, app, backend);
    if (backend !== undefined && previousVersion === undefined) throw new DeployerError('conflict', `${descriptor.frontends.join(', ')} is served by ${backend}, not by ${namespace}/${app}`);
    const present = (await cluster.listVersions(namespace, app)).map((v) => v.version);
    const known = (await this.o.store.list(namespace, app)).map((r) => r.version);
    const version = resolveVersion(descriptor.version, newestVersion([...present, ...known]));
    if (present.includes(version)) throw new DeployerError('conflict', `${namespace}/${app} version ${version} exists already; deploy "auto" or a new number`);
    return { version, previousVersion };
  }

  #background(record: DeploymentRecord, descriptor: Descriptor, lock: HeldLock, work: (d: Deployment, s: AbortSignal) => Promise<DeploymentRecord>): void {
    // Every write of the deployment carries the lock's fence: once the lock is lost, nothing it writes lands.
    const records: Records = { save: (r) => this.o.store.save(r, lock.fence), log: (r, line) => this.o.store.log(r, line, lock.fence) };
    const deployment = new Deployment({ ...this.o.engine, records, fence: lock.fence, logger: this.o.log }, record, descriptor);
    const { metrics } = this.o;
    metrics?.inProgress.inc();
    const running = (async () => {
      await notify(descriptor.webhooks, 'started', record, this.#webhooks);
      const done = await work(deployment, AbortSignal.any([lock.lost, this.#stopping.signal]));
      metrics?.ended(done);
      await notify(descriptor.webhooks, outcomeOf(done), done, this.#webhooks);
      this.o.log.info(
        { event: 'deploy-done', deployment: done.id, status: done.status, reason: done.reason, ...(done.bake?.figures ? { bake: { verdict: done.bake.verdict, ...done.bake.figures } } : {}) },
        `${done.namespace}/${done.app} version ${done.version}: ${done.status}${done.reason ? ` (${done.reason})` : ''}`,
      );
    })()
      .catch((error: unknown) => {
        if (isLockLost(error) || lock.lost.aborted) {
          // IMPORTANT: no rollback here: the lock's next holder (a reconcile, here or in another deployer) decides.
          this.o.log.warn({ event: 'deploy-lock-lost', code: 'SCALERD_ERR_DEPLOY_FENCED', deployment: record.id, phase: deployment.record.phase, err: error }, `${record.namespace}/${record.app} ${record.id} lost its lock in ${deployment.record.phase}; it stops here and is resumed by the lock's next holder`);
          this.#reconcileSoon();
          return;
        }
        this.o.log.error({ event: 'deploy-stopped', deployment: record.id, phase: deployment.record.phase, err: error }, `${record.namespace}/${record.app} ${record.id} stopped in ${deployment.record.phase}; a reconcile (here, or in a restarted deployer) resumes it`);
      })
      .finally(() => metrics?.inProgress.dec())
      .finally(() => lock.release().catch((error: unknown) => this.o.log.warn({ event: 'lock-release-failed', deployment: record.id, err: error }, `releasing the lock of ${record.id} failed; it expires with its lease`)));
    this.#running.add(running);
    void running.finally(() => this.#running.delete(running));
  }
}
