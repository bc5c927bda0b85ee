// The daemon, wired: a schedule source, the reconciler behind a single-flight loop, the
// triggers that wake it (the next boundary, a resync, the schedule file changing, pokes
// from overrides and leadership), the HTTP port, and the Events and history of what it
// does. Everything with a side effect comes
// in through DaemonOptions, so tests run it on the simulator's clock.

import type { ExecuteOptionsInput, Sleep } from '../actuate/index.js';
import type { Clock } from '../clock.js';
import type { PlanOptionsInput } from '../plan/index.js';
import type { Cloud } from '../ports/cloud.js';
import type { Cluster } from '../ports/cluster.js';
import { formatUtc } from '../schedule/index.js';
import type { Override } from '../overrides/index.js';
import type { EventSink } from '../ports/events.js';
import { DaemonEvents } from './events.js';
import type { HistoryStore } from './history.js';
import { openHttpPort, type HttpPort, type Readiness } from './http.js';
import type { Logger } from './log.js';
import { ReconcileLoop } from './loop.js';
import { createMetrics, type Metrics } from './metrics.js';
import { Reconciler } from './reconciler.js';
import type { ScheduleSource } from './schedule-source.js';
import { nextChange, StatusBoard } from './status.js';
import { realTimers, type Timers } from './triggers.js';
import { createDaemonConsole, type DaemonConsoleDeps } from '../console/daemon-console.js';

/** Who may act: the leader elector, or (election off) always this process. */
export type Leadership = { isLeader(): boolean; leader(): string | undefined; readonly identity: string };

export type DaemonOptions = {
  readonly source: ScheduleSource;
  readonly cloud: Cloud;
  readonly cluster: Cluster;
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly log: Logger;
  readonly metrics?: Metrics;
  /** Default: node-cron at the boundary and a real-time interval. */
  readonly timers?: Timers;
  readonly resyncMs?: number;
  /** "[host]:port"; undefined: no HTTP port. */
  readonly listen?: string;
  /** A port the caller bound already (instead of `listen`): the daemon serves on it and closes it on stop(). */
  readonly http?: HttpPort;
  readonly leadership?: Leadership;
  /** The overrides as last read; poke('overrides changed') when they change. */
  readonly overrides?: () => readonly Override[];
  readonly dryRun?: boolean;
  readonly planOptions?: PlanOptionsInput;
  readonly executeOptions?: ExecuteOptionsInput;
  /** Where Kubernetes Events go; undefined: none are written. */
  readonly events?: EventSink;
  /** The record of scale operations; undefined: none is kept. */
  readonly history?: HistoryStore;
  /** scalerd's namespace, where its ConfigMaps are (default "scalerd"). */
  readonly namespace?: string;
  /** The console on the HTTP port; undefined: none is served. */
  readonly console?: DaemonConsoleOptions;
};

/** What the console needs beyond the daemon's own state. */
export type DaemonConsoleOptions = Pick<DaemonConsoleDeps, 'access' | 'assets' | 'scheduleFile' | 'overrides' | 'overrideStore' | 'speed' | 'deployer'>;

export type Daemon = {
  readonly status: StatusBoard;
  readonly metrics: Metrics;
  readonly loop: ReconcileLoop;
  readonly reconciler: Reconciler;
  /** Where the HTTP port listens, when it does. */
  readonly address: { host: string; port: number } | undefined;
  /** Asks for a reconcile (overrides changed, leadership gained, …). */
  poke(reason: string): void;
  readiness(): Readiness;
  document(): Record<string, unknown>;
  /** No new step starts; the running one ends between steps; timers and port close. */
  stop(): Promise<void>;
};

export const DEFAULT_RESYNC_MS = 60_000;


export async function startDaemon(o: DaemonOptions): Promise<Daemon> {
  const { source, clock, log } = o;
  // IMPORTANT: the port first. A port that cannot be bound throws here, before any timer or
  // watch starts that would keep a failed process alive.
  const http = o.http ?? (o.listen !== undefined ? await openHttpPort(o.listen) : undefined);
  const metrics = o.metrics ?? createMetrics();
  const timers = o.timers ?? realTimers;
  const leadership: Leadership = o.leadership ?? { isLeader: () => true, leader: () => undefined, identity: 'single' };
  const status = new StatusBoard();
  status.identity = leadership.identity;
  status.dryRun = o.dryRun ?? false;
  const events = o.events ? new DaemonEvents({ sink: o.events, namespace: o.namespace ?? 'scalerd', log, metrics }) : undefined;
  const reconciler = new Reconciler({
    cloud: o.cloud, cluster: o.cluster, clock, sleep: o.sleep, schedule: source, log, metrics, status,
    isLeader: () => leadership.isLeader(),
    dryRun: o.dryRun ?? false,
    ...(o.overrides ? { overrides: o.overrides } : {}),
    ...(o.planOptions ? { planOptions: o.planOptions } : {}),
    ...(o.executeOptions ? { executeOptions: o.executeOptions } : {}),
    ...(events ? { events } : {}),
    ...(o.history ? { history: o.history } : {}),
  });

  let cancelBoundary: (() => void) | undefined;
  /** The next instant what is desired may change: a window boundary, or an override's end. */
  const arm = () => {
    cancelBoundary?.();
    const now = clock.now();
    // Boundaries within LOOKAHEAD_MS (evaluation.ts): further ones are found by a later
    // reconcile (the resync runs every minute), never by searching far ahead on this thread.
    const candidates = [source.nextBoundary(now), ...reconciler.desired(now).expiries].filter((t): t is number => t !== undefined && t > now);
    if (candidates.length === 0) return;
    const at = Math.min(...candidates);
    cancelBoundary = timers.at(at, source.current().zone, () => wake(`boundary ${formatUtc(at)}`));
    log.debug({ event: 'armed', at: formatUtc(at) }, `next boundary ${formatUtc(at)}`);
  };
  const loop = new ReconcileLoop(
    async (reasons) => {
      try {
        leadershipChanged();
        await reconciler.run(reasons);
      } finally {
        arm();
        source.refreshNext(clock.now()).catch((error: unknown) => log.warn({ event: 'next-transition-failed', err: error }, 'could not work out the next change of the schedule'));
      }
    },
    (error) => {
      metrics.countError('internal');
      log.error({ event: 'internal-error', err: error }, `reconcile threw: ${error instanceof Error ? error.message : String(error)}`);
    },
  );

  /**
   * A trigger: when the execution under way works toward a desired state that is no longer
   * the one in force, it is stopped between steps (every node stays resumable) so the new
   * state is planned now, not after a wait of minutes for nodes or a drain.
   */
  const wake = (reason: string) => {
    if (reconciler.stale(clock.now())) {
      log.info({ event: 'superseded', reason }, `${reason}: the desired state changed; the execution under way stops between steps and a new plan follows`);
      reconciler.abort();
    }
    loop.trigger(reason);
  };

  let wasLeader = false;
  const leadershipChanged = () => {
    const now = leadership.isLeader();
    status.leader = now ? leadership.identity : leadership.leader();
    metrics.leader.set(now ? 1 : 0);
    if (now !== wasLeader) log.info({ event: now ? 'leading' : 'standing-by', identity: leadership.identity, leader: status.leader }, now ? 'this process leads: it acts' : 'standing by: another process leads');
    wasLeader = now;
  };

  const reload = async (reason: string) => {
    const result = await source.reload();
    if (result.kind === 'loaded') {
      // Taking in a large schedule is work on this thread (rebuilding it, the first
      // evaluations): the reconcile it wakes starts in a task of its own, after the
      // requests waiting meanwhile (/healthz, a Lease renewal's answer) are served.
      await new Promise((resolve) => setImmediate(resolve));
      metrics.scheduleStale.set(0);
      log.info({ event: 'schedule-reloaded', path: source.path, warnings: result.warnings }, `${source.path}: new schedule in force`);
      wake(reason);
    } else if (result.kind === 'rejected') {
      metrics.scheduleReloadFailures.inc();
      metrics.scheduleStale.set(1);
      metrics.countError('schedule');
      log.error({ event: 'schedule-rejected', path: source.path, diagnostics: result.diagnostics }, `${source.path} changed and is not valid; the last good schedule stays in force:\n${result.diagnostics.join('\n')}`);
    }
  };

  const stopWatch = source.watch(
    () => void reload('schedule changed'),
    (error) => log.warn({ event: 'schedule-watch-failed', err: error }, `cannot watch ${source.path}; changes are noticed at the next resync`),
  );
  const stopResync = timers.every(o.resyncMs ?? DEFAULT_RESYNC_MS, () => {
    void reload('schedule changed').finally(() => wake('resync'));
  });

  const readiness = (): Readiness => {
    const reasons: string[] = [];
    const last = status.last;
    if (!last) reasons.push('no reconcile yet');
    else if (last.outcome === 'error') reasons.push(`last reconcile failed: ${last.message}`);
    return { ready: reasons.length === 0, reasons };
  };
  const document = () => {
    const next = source.next();
    // The schedule's next change, and the overrides' ends and starts: whichever comes first.
    return status.document(source.current(), source.status(), next === undefined ? undefined : nextChange(source.current(), clock.now(), o.overrides?.() ?? [], next));
  };

  const address: Daemon['address'] = http ? { host: http.host, port: http.port } : undefined;
  const consoleHandler = http && o.console
    ? createDaemonConsole({ ...o.console, status: document, schedule: () => source.current(), clock, log, ...(o.history ? { history: o.history } : {}) })
    : undefined;
  if (http) {
    http.serve({
      registry: metrics.registry, readiness, status: document,
      onError: (error) => log.error({ event: 'http-error', err: error }, 'HTTP handler failed'),
      ...(consoleHandler ? { console: consoleHandler } : {}),
    });
    log.info({ event: 'listening', host: http.host, port: http.port }, `HTTP on ${http.host}:${http.port}: /healthz /readyz /metrics /status${consoleHandler ? ', the console at /' : ''}`);
  }

  loop.trigger('start');
  return {
    status, metrics, loop, reconciler, address, readiness, document,
    poke: (reason) => wake(reason),
    async stop() {
      stopResync();
      stopWatch();
      cancelBoundary?.();
      reconciler.abort();
      await loop.stop();
      await events?.flush();
      cancelBoundary?.();
      await source.close();
      consoleHandler?.close();
      await http?.close();
    },
  };
}
