// The deployer's reconcile (on start and periodically): what runs, made to agree with the
// records. Per app:
//
// - a deployment left RUNNING whose lock is free (its deployer died, or stopped on a lost
//   lock) is resumed: completed or rolled back (handed to `resume`);
// - otherwise, under the app's lock (so no deployment starts meanwhile), every version
//   present that no record keeps (keeps.ts) is removed once it has been an orphan for the
//   app's drain delay: backend first (haproxy stops sending to it), then Service and
//   Deployment. What was removed is logged and written to the app's history as a record of
//   kind `reconcile`.
//
// Apps are found from the records, the stored descriptors and the backends in the load
// balancer. One app's failure is logged (SCALERD_ERR_DEPLOY_RECONCILE) and the others go on.

import type { Logger } from 'pino';
import { DEFAULTS, type Descriptor } from '../descriptor/index.js';
import { removeVersion, type EngineDeps } from '../engine/engine.js';
import type { HeldLock } from '../state/lock.js';
import { type DeployerStore, type DeploymentRecord, newDeploymentId } from '../state/index.js';
import { type AppRef, findApps, hostsOf } from './apps.js';
import { orphanSince, orphanVersions } from './keeps.js';

export type ReconcileReport = {
  readonly resumed: readonly string[];
  readonly removed: readonly { readonly namespace: string; readonly app: string; readonly version: number }[];
  /** Orphans seen, not yet removed: within their drain delay. */
  readonly waiting: readonly { readonly namespace: string; readonly app: string; readonly version: number }[];
  readonly failed: readonly { readonly namespace: string; readonly app: string; readonly error: string }[];
};

export type ReconcileDeps = {
  readonly store: DeployerStore;
  readonly engine: Omit<EngineDeps, 'records'>;
  readonly log: Logger;
  /** Resumes a RUNNING record under the lock just taken for it. */
  readonly resume: (record: DeploymentRecord, lock: HeldLock) => void;
};

type App = AppRef;

export class Reconciler {
  /** `<ns>/<app>` → orphan version → when first seen as one. */
  readonly #since = new Map<string, Map<number, number>>();

  constructor(private readonly d: ReconcileDeps) {}

  async pass(): Promise<ReconcileReport> {
    const { store, engine } = this.d;
    const records = await store.list();
    const apps = new Map((await findApps({ store, engine }, records)).map((app) => [`${app.namespace}/${app.app}`, app]));
    const report = { resumed: [] as string[], removed: [] as ReconcileReport['removed'][number][], waiting: [] as ReconcileReport['waiting'][number][], failed: [] as ReconcileReport['failed'][number][] };
    for (const [key, app] of apps) {
      const mine = records.filter((r) => r.namespace === app.namespace && r.app === app.app);
      try {
        const running = mine.filter((r) => r.status === 'RUNNING');
        if (running.length > 0) {
          for (const record of running) if (await this.#resume(record)) report.resumed.push(record.id);
          continue;
        }
        const { removed, waiting } = await this.#orphans(key, app, mine);
        report.removed.push(...removed.map((version) => ({ ...app, version })));
        report.waiting.push(...waiting.map((version) => ({ ...app, version })));
      } catch (error) {
        report.failed.push({ ...app, error: (error as Error).message });
        this.d.log.error({ event: 'reconcile-failed', code: 'SCALERD_ERR_DEPLOY_RECONCILE', namespace: app.namespace, app: app.app, err: error }, `reconciling ${key} failed: ${(error as Error).message}; the next pass tries again`);
      }
    }
    const busy = report.resumed.length + report.removed.length + report.failed.length > 0;
    this.d.log[busy ? 'info' : 'debug']({ event: 'reconcile', ...report }, `reconcile: ${report.resumed.length} resumed, ${report.removed.length} removed, ${report.waiting.length} orphans within their drain delay, ${report.failed.length} apps failed`);
    return report;
  }

  /** Takes the record's lock and hands it to `resume`; false when someone holds it (a live deployer, or a dead one's lease not yet expired). */
  async #resume(record: DeploymentRecord): Promise<boolean> {
    const acquired = await this.d.store.acquire(record.namespace, record.app, record.id);
    if (!acquired.ok) return false;
    // Read again under the lock: whoever held it may have finished it meanwhile.
    const now = await this.d.store.get(record.namespace, record.app, record.id).catch(async (error: unknown) => {
      await acquired.lock.release().catch(() => undefined);
      throw error;
    });
    if (now?.status !== 'RUNNING') {
      await acquired.lock.release();
      return false;
    }
    this.d.log.warn({ event: 'deploy-resume', deployment: now.id, phase: now.phase }, `resuming ${now.namespace}/${now.app} ${now.id} from ${now.phase}`);
    this.d.resume(now, acquired.lock);
    return true;
  }

  /** The app's orphans as things stand, and which have been orphans for its drain delay (read only). */
  async #survey(key: string, app: App, records: readonly DeploymentRecord[]) {
    const { engine, store } = this.d;
    const descriptor = ((await store.descriptor(app.namespace, app.app)) ?? records.at(-1)?.descriptor) as Partial<Descriptor> | undefined;
    const hosts = hostsOf(records, descriptor);
    const serving = (await Promise.all(hosts.map((h) => engine.lb.frontend(h))))
      .map((f) => engine.lb.versionOf(app.namespace, app.app, f.backend)).filter((v): v is number => v !== undefined);
    const inCluster = (await engine.cluster.listVersions(app.namespace, app.app)).filter((v) => !v.terminating).map((v) => v.version);
    const inLb = (await engine.lb.backends()).map((b) => engine.lb.versionOf(app.namespace, app.app, b)).filter((v): v is number => v !== undefined);
    const orphans = orphanVersions({ records, serving, present: [...inCluster, ...inLb] });
    const { since, remove } = orphanSince(this.#since.get(key) ?? new Map(), orphans, engine.now(), descriptor?.drainDelayMs ?? DEFAULTS.drainDelayMs);
    this.#since.set(key, since);
    return { hosts, serving, orphans, remove };
  }

  /**
   * Removes the app's orphans that are due. The lock is taken only when some are (so a
   * reconcile rarely stands in a deploy's way), and the survey made again under it, on the
   * records as they are then: a deployment may have begun or ended meanwhile.
   */
  async #orphans(key: string, app: App, records: readonly DeploymentRecord[]): Promise<{ removed: number[]; waiting: number[] }> {
    const { engine, store } = this.d;
    const first = await this.#survey(key, app, records);
    if (first.remove.length === 0) return { removed: [], waiting: first.orphans };
    const id = `reconcile-${newDeploymentId(engine.now())}`;
    const acquired = await store.acquire(app.namespace, app.app, id);
    if (!acquired.ok) return { removed: [], waiting: first.orphans }; // a deployment is starting: the next pass
    try {
      const now = await store.list(app.namespace, app.app);
      if (now.some((r) => r.status === 'RUNNING')) return { removed: [], waiting: [] };
      const { hosts, serving, orphans, remove } = await this.#survey(key, app, now);
      if (remove.length === 0) return { removed: [], waiting: orphans };
      const at = engine.now();
      const record: DeploymentRecord = {
        id, kind: 'reconcile', namespace: app.namespace, app: app.app, version: Math.max(...remove), previousVersion: undefined, frontends: hosts,
        phase: 'done', status: 'SUCCESS', reason: `reconcile: removed version ${remove.join(', ')}, which no deployment record keeps`,
        switched: false, createdAt: at, updatedAt: at, phases: [{ phase: 'done', at }], descriptor: undefined,
      };
      await store.create(record, acquired.lock.fence);
      const kept = serving.length > 0 ? `serving ${[...new Set(serving)].join(', ')}` : 'none serving';
      for (const version of remove) {
        await removeVersion({ ...engine, fence: acquired.lock.fence }, { ...app, version });
        this.#since.get(key)?.delete(version);
        await store.log(record, { at: engine.now(), level: 'warn', message: `version ${version} removed: no deployment record keeps it (kept: ${kept})` }, acquired.lock.fence);
      }
      this.d.log.warn({ event: 'reconcile-removed', namespace: app.namespace, app: app.app, versions: remove, serving, record: id }, `${key}: removed version ${remove.join(', ')}, which no deployment record keeps`);
      return { removed: remove, waiting: orphans.filter((v) => !remove.includes(v)) };
    } finally {
      await acquired.lock.release().catch((error: unknown) => this.d.log.warn({ event: 'lock-release-failed', namespace: app.namespace, app: app.app, err: error }, `releasing the lock of ${key} failed; it expires with its lease`));
    }
  }
}
