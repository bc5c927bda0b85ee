// lb-sync's loop: one task at a time, so a reload, a map change and a health poll never
// interleave on haproxy's sockets. Level-based: every pass reads the whole prefix and
// takes haproxy from what it runs to what etcd says; the watch only rings the bell, and
// changes that arrive while a pass runs are folded into the next one (a burst of 20
// flips is two passes, ending in the last flip).
//
//   backend change  → render haproxy.cfg + hosts.map → haproxy -c → rename → seamless reload
//   frontend change → Runtime API set/add/del map → read back → hosts.map written → status
//   every 250 ms while a server is not UP or a backend is baked (1 s otherwise) → show stat
//     → backend status, and a baked backend's traffic counters (traffic.ts)

import { dirname } from 'node:path';
import { timerSleep, type Sleep } from '../../actuate/types.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../daemon/log.js';
import { isScalerdError } from '../../errors.js';
import { desiredFrom, type Desired } from './desired.js';
import { lbFiles, readIfExists, writeFileAtomic, type HaproxyFiles } from './files.js';
import { HaproxySocketError, socketAt } from './haproxy-socket.js';
import { BACKEND_STATUS_PREFIX, FRONTEND_STATUS_PREFIX, TRAFFIC_STATUS_PREFIX } from './layout.js';
import { applyConfig, type ReloadDeps } from './reload.js';
import { loadedBackends, renderConfig, serverDrift, type RenderOptions } from './render.js';
import { CertificateSource, type RenderedTls, type TlsOptions } from './tls.js';
import { mapChanges, mapEntries, renderMap, sameEntries } from './routes.js';
import { parseShowStat, RuntimeApi } from './runtime-api.js';
import { parseTraffic, trafficStatuses } from './traffic.js';
import { allUp, backendStatuses, configStatus, frontendStatuses, statusWrites, type StatusValue, type StatusWrite } from './status.js';
import type { LbStore } from './store.js';

export type LbSyncOptions = {
  readonly store: LbStore;
  /** haproxy.cfg; hosts.map and server-state are kept beside it. */
  readonly configFile: string;
  readonly adminSocket: string;
  readonly masterSocket: string;
  readonly bind: { readonly host: string; readonly port: number };
  readonly clock: Clock;
  readonly log: Logger;
  /** For `haproxy -c` (reloads go through the master socket); default `haproxy` on the PATH. */
  readonly haproxyBin?: string;
  readonly sleep?: Sleep;
  /** A full pass at least this often, even without a change (default 30 s). */
  readonly resyncMs?: number;
  /** Health polling while some server is not UP (default 250 ms) and otherwise (default 1 s). */
  readonly fastPollMs?: number;
  readonly slowPollMs?: number;
  /** HTTPS on the frontend too; a change in the certificate directory is loaded at the next pass. */
  readonly tls?: TlsOptions;
  /** Where haproxy serves its Prometheus exporter (/metrics), if anywhere. */
  readonly metrics?: { readonly host: string; readonly port: number };
};

const renderOptionsOf = (options: Pick<LbSyncOptions, 'adminSocket' | 'bind' | 'metrics'>, files: HaproxyFiles, tls: RenderedTls | undefined): RenderOptions => ({
  adminSocket: options.adminSocket, mapFile: files.mapFile, stateFile: files.stateFile, bind: options.bind, ...(tls ? { tls } : {}), ...(options.metrics ? { metrics: options.metrics } : {}),
});

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 2000;

export class LbSync {
  private readonly files: HaproxyFiles;
  private readonly certificates: CertificateSource | undefined;
  private readonly runtime: RuntimeApi;
  private readonly reloadDeps: ReloadDeps;
  private readonly log: Logger;
  private stopped = false;
  private dirty = true;
  private wake: (() => void) | undefined;
  private unwatch: (() => Promise<void>) | undefined;
  private desired: Desired | undefined;
  /** The config haproxy runs (the live file's text). */
  private running = '';
  private mapOnDisk: string | undefined;
  /** The files have been read (and written when missing). */
  private started = false;
  /** A config that haproxy rejected or failed to load, not retried until the next resync. */
  private failed: { readonly config: string; readonly error: string } | undefined;
  private stored = new Map<string, string>();
  /** The traffic statuses being written, off the loop (writeTraffic). */
  private trafficWrite: Promise<void> | undefined;
  private readonly loop: Promise<void>;

  private constructor(private readonly options: LbSyncOptions) {
    this.files = lbFiles(options.configFile);
    this.certificates = options.tls ? new CertificateSource(options.tls, dirname(options.configFile)) : undefined;
    this.runtime = new RuntimeApi(socketAt(options.adminSocket));
    this.reloadDeps = {
      haproxyBin: options.haproxyBin ?? 'haproxy', master: socketAt(options.masterSocket), runtime: this.runtime,
      clock: options.clock, sleep: options.sleep ?? timerSleep,
    };
    this.log = options.log;
    this.loop = this.run();
  }

  /** Starts the loop; haproxy may start after it (lb-sync writes the first config when there is none). */
  static start(options: LbSyncOptions): LbSync {
    return new LbSync(options);
  }

  /** Writes an empty config and map when there are none, so haproxy can start before etcd is read. */
  static async bootstrap(options: Pick<LbSyncOptions, 'configFile' | 'adminSocket' | 'bind'>, tls?: RenderedTls): Promise<void> {
    const files = lbFiles(options.configFile);
    if ((await readIfExists(files.mapFile)) === undefined) await writeFileAtomic(files.mapFile, '');
    if ((await readIfExists(files.configFile)) === undefined) await writeFileAtomic(files.configFile, renderConfig([], renderOptionsOf(options, files, tls)));
  }

  /** Ends the pass under way, stops watching. The store stays open: it is the caller's. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.trafficWrite;
    await this.unwatch?.();
  }

  private poke(): void {
    this.dirty = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    const { clock } = this.options;
    const resyncMs = this.options.resyncMs ?? 30_000;
    let nextResync = clock.now() + resyncMs;
    let nextPoll = 0;
    let failures = 0;
    while (!this.stopped) {
      if (clock.now() >= nextResync) {
        nextResync = clock.now() + resyncMs;
        this.failed = undefined;
        this.dirty = true;
      }
      let retryIn: number | undefined;
      if (this.dirty) {
        this.dirty = false;
        try {
          await this.converge();
          if (failures > 0) this.log.info({ event: 'recovered', after: failures }, 'etcd and haproxy reachable again');
          failures = 0;
          nextPoll = 0;
        } catch (error) {
          failures += 1;
          retryIn = Math.min(RETRY_MIN_MS * 2 ** (failures - 1), RETRY_MAX_MS);
          this.dirty = true;
          this.logFailure(error, retryIn, failures);
        }
      }
      if (retryIn === undefined && this.desired && clock.now() >= nextPoll) {
        const settled = await this.pollHealth().catch((error: unknown) => {
          this.log.warn({ event: 'health-poll-failed', err: error }, `reading server states failed: ${(error as Error).message}`);
          return true;
        });
        nextPoll = clock.now() + (settled ? this.options.slowPollMs ?? 1000 : this.options.fastPollMs ?? 250);
      }
      if (this.stopped || (this.dirty && retryIn === undefined)) continue;
      await this.idle(retryIn ?? Math.max(0, Math.min(nextPoll - clock.now(), nextResync - clock.now())));
    }
  }

  /** Waits `ms`, or less when poked or stopped. */
  private async idle(ms: number): Promise<void> {
    const sleep = this.options.sleep ?? timerSleep;
    const early = new AbortController();
    this.wake = () => early.abort();
    await sleep(ms, early.signal).catch(() => undefined);
    this.wake = undefined;
  }

  private logFailure(error: unknown, retryIn: number, failures: number): void {
    const [event, code] = isScalerdError(error) && error.code === 'SCALERD_ERR_LB_ETCD' ? ['etcd-unreachable', error.code]
      : error instanceof HaproxySocketError ? ['haproxy-unreachable', 'SCALERD_ERR_LB_HAPROXY'] : ['sync-failed', 'SCALERD_ERR_LB_HAPROXY'];
    this.log.error({ event, code, err: error, retryInMs: retryIn, failures }, `${(error as Error).message}; retrying in ${retryIn} ms`);
  }

  /** One level-based pass: snapshot, config (check, reload), map (runtime, disk), statuses. */
  private async converge(): Promise<void> {
    const started = this.options.clock.now();
    if (!this.started) {
      await LbSync.bootstrap(this.options, await this.tls());
      this.running = (await readIfExists(this.files.configFile)) ?? '';
      this.mapOnDisk = await readIfExists(this.files.mapFile);
      this.started = true;
    }
    const snapshot = await this.options.store.snapshot();
    // IMPORTANT: the watch starts right after the snapshot it follows, so nothing between is missed.
    this.unwatch ??= this.watch(snapshot.revision + 1);
    const desired = desiredFrom(snapshot);
    this.desired = desired;
    this.stored = new Map(desired.status);
    this.logProblems(desired);

    // A worker not running the file (lb-sync died between rename and reload; haproxy
    // started on another file) is reloaded even when the file is as wanted.
    const drift = serverDrift(this.running, await this.runtime.servers());
    if (drift.length > 0) this.log.warn({ event: 'config-drift', drift }, `haproxy does not run ${this.files.configFile}: ${drift.join('; ')}; reloading`);

    // IMPORTANT: the config before the map: a frontend may name a backend only the new config defines.
    const config = await this.renderConfig(desired);
    if (config === this.running && drift.length === 0) this.failed = undefined;
    else if (config !== this.failed?.config) await this.reload(desired, config);
    const configError = this.failed?.error;

    const loaded = loadedBackends(this.running);
    const served = await this.applyMap(desired, mapEntries(desired.frontends.values(), loaded));
    // The acknowledgements first: the deployer waits on them.
    const at = this.options.clock.now();
    await this.write(statusWrites(this.stored, new Map<string, StatusValue>([...frontendStatuses(desired, served, loaded), ...configStatus(configError)]), at, [FRONTEND_STATUS_PREFIX]));
    // The backends' statuses come from the health poll, which runs right after every pass.
    this.log.debug({ event: 'pass', revision: desired.revision, ms: this.options.clock.now() - started }, `pass at revision ${desired.revision}`);
  }

  /** Takes the worker's map to `wanted` through the Runtime API, reads it back, then writes hosts.map; the map as served. */
  private async applyMap(desired: Desired, wanted: ReadonlyMap<string, string>): Promise<ReadonlyMap<string, string>> {
    const live = await this.runtime.showMap(this.files.mapFile);
    const changes = mapChanges(live, wanted);
    for (const change of changes) {
      if (change.op === 'del') await this.runtime.deleteMapEntry(this.files.mapFile, change.host);
      else await this.runtime.putMapEntry(this.files.mapFile, change.host, change.backend, change.op === 'set');
    }
    const served = changes.length === 0 ? live : await this.runtime.showMap(this.files.mapFile);
    if (!sameEntries(served, wanted)) throw new Error(`haproxy's map does not read back as written: ${JSON.stringify([...served])}`);
    // IMPORTANT: on disk only after the worker has it, so a later reload keeps the switch.
    const mapText = renderMap(wanted);
    if (mapText !== this.mapOnDisk) {
      await writeFileAtomic(this.files.mapFile, mapText);
      this.mapOnDisk = mapText;
    }
    for (const change of changes) {
      const revision = desired.frontends.get(change.host)?.modRevision;
      this.log.info({ event: 'frontend-switched', host: change.host, op: change.op, from: change.op === 'add' ? null : change.from, to: change.op === 'del' ? null : change.backend, revision }, `${change.host}: ${change.op === 'add' ? '' : `${change.from} → `}${change.op === 'del' ? 'removed' : change.backend} (no reload)`);
    }
    return served;
  }

  private watch(fromRevision: number): () => Promise<void> {
    return this.options.store.watch(fromRevision, {
      onChange: () => this.poke(),
      onReconnected: () => {
        this.log.info({ event: 'etcd-watch-reconnected' }, 'etcd watch reconnected; reading everything again');
        this.poke();
      },
      onDisconnected: (error) => this.log.warn({ event: 'etcd-watch-disconnected', err: error }, `etcd watch disconnected: ${error.message}`),
      onBroken: (error) => {
        this.log.warn({ event: 'etcd-watch-broken', err: error }, `etcd watch ended: ${error.message}; reading everything and watching again`);
        const unwatch = this.unwatch;
        this.unwatch = undefined;
        void unwatch?.();
        this.poke();
      },
    });
  }

  private async renderConfig(desired: Desired): Promise<string> {
    return renderConfig(desired.backends.values(), renderOptionsOf(this.options, this.files, await this.tls()));
  }

  /** This pass's certificates (re-read only when the directory changed); what could not be used is logged. */
  private async tls(): Promise<RenderedTls | undefined> {
    if (!this.certificates) return undefined;
    const { rendered, problems } = await this.certificates.prepare();
    for (const problem of problems) this.log.warn({ event: 'certificate-skipped', certDir: this.options.tls?.certDir, problem }, `TLS: ${problem}`);
    return rendered;
  }

  /** Checks and loads `config`; `failed` says why when haproxy does not run it. */
  private async reload(desired: Desired, config: string): Promise<void> {
    const map = renderMap(mapEntries(desired.frontends.values(), loadedBackends(config)));
    const result = await applyConfig(this.reloadDeps, this.files, config, map);
    if (result.outcome === 'reloaded') {
      this.running = config;
      this.mapOnDisk = map;
      this.failed = undefined;
      // Certificates of configs haproxy no longer runs (a renewal's predecessor) go.
      const inUse = /\bssl crt (\S+)/.exec(config)?.[1];
      if (this.certificates && inUse) await this.certificates.prune(inUse);
      this.log.info({ event: 'reloaded', workerPid: result.workerPid, checkMs: result.checkMs, reloadMs: result.reloadMs, backends: desired.backends.size, revision: desired.revision }, `haproxy reloaded (check ${result.checkMs} ms, reload ${result.reloadMs} ms), worker ${result.workerPid}`);
      return;
    }
    this.failed = { config, error: result.error };
    const code = result.outcome === 'rejected' ? 'SCALERD_ERR_LB_CONFIG_CHECK' : 'SCALERD_ERR_LB_RELOAD';
    this.log.error({ event: result.outcome === 'rejected' ? 'config-rejected' : 'reload-failed', code, revision: desired.revision }, `${result.outcome === 'rejected' ? 'haproxy -c rejected the new config' : 'the reload did not take'}: ${result.error}; haproxy keeps the config it runs`);
  }

  /**
   * Server states → backend statuses; baked backends' counters → traffic statuses. True when
   * every server is UP and nothing is baked: the next poll can wait longer.
   */
  private async pollHealth(): Promise<boolean> {
    const desired = this.desired!;
    const csv = await this.runtime.showStat();
    const statuses = backendStatuses(desired, parseShowStat(csv), this.running, this.failed?.error);
    await this.write(statusWrites(this.stored, statuses, this.options.clock.now(), [BACKEND_STATUS_PREFIX]));
    await this.writeTraffic(desired.bakes, csv);
    return allUp(statuses.values()) && desired.bakes.size === 0;
  }

  /**
   * Every baked backend's counters, written at every poll (not only on change): the deployer
   * takes a later report (a higher mod revision) as proof that lb-sync is still watching.
   * Traffic statuses of backends no longer baked are deleted.
   */
  private async writeTraffic(bakes: ReadonlySet<string>, csv: string): Promise<void> {
    const traffic: ReadonlyMap<string, object> = bakes.size === 0 ? new Map() : trafficStatuses(bakes, parseTraffic(csv), await this.runtime.workerPid());
    const at = this.options.clock.now();
    const writes: StatusWrite[] = [...traffic].map(([key, value]) => ({ op: 'put' as const, key, value: JSON.stringify({ ...value, at }) }));
    for (const key of this.stored.keys()) if (key.startsWith(TRAFFIC_STATUS_PREFIX) && !traffic.has(key)) writes.push({ op: 'delete', key });
    // IMPORTANT: off the loop, one write at a time (a poll whose write finds one in flight
    // skips its own; the next poll's is as fresh): etcd's fsync of these puts, four a second
    // during a bake, must not hold up a switch waiting behind the poll.
    if (writes.length === 0 || this.trafficWrite) return;
    this.trafficWrite = this.write(writes)
      .catch((error: unknown) => this.log.warn({ event: 'health-poll-failed', err: error }, `writing traffic statuses failed: ${(error as Error).message}`))
      .finally(() => { this.trafficWrite = undefined; });
  }

  private async write(writes: readonly StatusWrite[]): Promise<void> {
    for (const write of writes) {
      if (write.op === 'put') {
        await this.options.store.put(write.key, write.value);
        this.stored.set(write.key, write.value);
      } else {
        await this.options.store.delete(write.key);
        this.stored.delete(write.key);
      }
      this.log.debug({ event: 'status-written', key: write.key, op: write.op }, `status ${write.op} ${write.key}`);
    }
  }

  private loggedProblems = new Set<string>();
  private logProblems(desired: Desired): void {
    const now = new Set(desired.problems.map((p) => `${p.key}: ${p.reason}`));
    for (const problem of desired.problems) {
      const text = `${problem.key}: ${problem.reason}`;
      if (!this.loggedProblems.has(text)) this.log.warn({ event: 'entry-invalid', code: 'SCALERD_ERR_LB_ENTRY', key: problem.key, reason: problem.reason }, `${text}; left out`);
    }
    this.loggedProblems = now;
  }
}
