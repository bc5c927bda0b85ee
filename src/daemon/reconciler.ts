// One reconcile of the daemon, whatever triggered it: the desired state now (schedule,
// then overrides), and — on the leader only — observe → plan → execute through the
// engine. What it decided is logged one line per decision with its reason, counted in
// the metrics and kept for /status, told to the cluster as Events on what it touched, and
// — when it changed something — recorded in the history ConfigMap. Failures are reported,
// never thrown: the next trigger simply tries again from a fresh observation; a lost event
// or history entry is logged and counted, and never fails the reconcile.

import type { ExecuteOptionsInput, ProgressEvent, Sleep } from '../actuate/index.js';
import type { Clock } from '../clock.js';
import { execute } from '../actuate/index.js';
import { observe, type ReconcileResult } from '../engine/index.js';
import { isRemoteError } from '../errors.js';
import { plan, stepLogFields, type Plan, type PlanOptionsInput, type Step } from '../plan/index.js';
import type { Cloud } from '../ports/cloud.js';
import type { Cluster } from '../ports/cluster.js';
import type { Override } from '../overrides/index.js';
import { desiredView, formatSource, type DesiredView, type FieldSource } from './desired.js';
import type { DaemonEvents } from './events.js';
import { historyId, summarize, type HistoryStore } from './history.js';
import type { Logger } from './log.js';
import type { ErrorKind, Metrics } from './metrics.js';
import { OperationMetrics, publishSources } from './operation-metrics.js';
import type { ScheduleSource } from './schedule-source.js';
import { serving, type StatusBoard } from './status.js';

export type ReconcilerDeps = {
  readonly cloud: Cloud;
  readonly cluster: Cluster;
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly schedule: ScheduleSource;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly status: StatusBoard;
  /** Whether this process may act now; checked again before every mutating step. */
  readonly isLeader: () => boolean;
  /** The overrides as last read (the store's watch keeps them current); none by default. */
  readonly overrides?: () => readonly Override[];
  readonly dryRun: boolean;
  readonly planOptions?: PlanOptionsInput;
  readonly executeOptions?: ExecuteOptionsInput;
  /** Kubernetes Events on what the reconcile touches (none in a dry run). */
  readonly events?: DaemonEvents;
  /** The record of scale operations, written by the leader (none in a dry run). */
  readonly history?: HistoryStore;
};

export class Reconciler {
  readonly #deps: ReconcilerDeps;
  #abort: AbortController | undefined;
  /** The desired state the execution under way works toward. */
  #running: DesiredView['state'] | undefined;
  /**
   * Whether a scale-up ended `done` and was not yet found complete: 'unknown' until the
   * history says (a restart or another leader may have left one behind).
   */
  #upPending: boolean | 'unknown';
  readonly #operations: OperationMetrics;

  constructor(deps: ReconcilerDeps) {
    // Every line of a dry run carries dryRun: true, its words say "would" (src/actuate).
    this.#deps = deps.dryRun ? { ...deps, log: deps.log.child({ dryRun: true }) } : deps;
    this.#upPending = deps.history ? 'unknown' : false;
    this.#operations = new OperationMetrics(deps.metrics, deps.dryRun);
  }

  /** The desired state now, as the next reconcile would see it. */
  desired(now: number): DesiredView {
    const { schedule, overrides } = this.#deps;
    return desiredView(schedule.current(), now, overrides?.() ?? [], schedule.desiredAt(now));
  }

  /** Stops the running execution between steps (SIGTERM); every node stays resumable. */
  abort(): void {
    this.#abort?.abort();
  }

  /**
   * Whether the execution under way works toward another desired state than the one in
   * force now (a boundary passed, an override was set or ended, the schedule changed).
   * A long wait (new nodes to turn Ready, a drain) must not hold up the new state.
   */
  stale(now: number): boolean {
    const running = this.#running;
    if (!running || !this.#abort) return false;
    const current = this.desired(now).state;
    return !sameState(running, current);
  }

  async run(reasons: readonly string[]): Promise<void> {
    const { clock, log, metrics, status } = this.#deps;
    const startedAt = clock.now();
    const desired = this.desired(startedAt);
    status.desired = desired;
    this.#publishDesired(desired);
    if (!this.#deps.isLeader()) {
      // Whoever leads meanwhile may scale up: ask the history again after a takeover.
      if (this.#deps.history) this.#upPending = 'unknown';
      status.role = 'standby';
      // Ready to take over means reaching what the leader reaches: one cheap call to each.
      const reach = await this.#reach();
      status.last = reach === undefined
        ? { startedAt, finishedAt: clock.now(), reasons, outcome: 'standby', message: `not the leader (${status.leader ?? 'no leader yet'}): nothing done` }
        : { startedAt, finishedAt: clock.now(), reasons, outcome: 'error', message: `standby, and ${reach}` };
      return;
    }
    status.role = 'leader';
    const abort = new AbortController();
    this.#abort = abort;
    this.#running = desired.state;
    const timer = metrics.reconcileDuration.startTimer();
    const events = this.#deps.dryRun ? undefined : this.#deps.events;
    events?.overrides(desired, this.#deps.overrides?.() ?? [], startedAt);
    try {
      const result = await this.#execute(desired, abort.signal);
      this.#record(result, reasons, startedAt);
      await this.#remember(result, desired, startedAt);
    } catch (error) {
      const kind = isRemoteError(error) ? 'observe' : 'internal';
      metrics.countError(kind);
      const message = error instanceof Error ? error.message : String(error);
      status.lastError = { at: clock.now(), message };
      status.last = { startedAt, finishedAt: clock.now(), reasons, outcome: 'error', message };
      log.error({ event: 'reconcile-failed', reasons, kind, err: error }, `reconcile failed: ${message}`);
      if (kind === 'internal') throw error;
    } finally {
      timer();
      status.inProgress = false;
      this.#abort = undefined;
      this.#running = undefined;
    }
  }

  /** Why the cluster or AWS cannot be reached, or undefined when both answer. */
  async #reach(): Promise<string | undefined> {
    const { cloud, cluster, schedule, metrics } = this.#deps;
    const asgs = [...new Set(schedule.current().nodeGroups.map((g) => g.asg))];
    const [aws, kube] = await Promise.allSettled([cloud.describeGroups(asgs), cluster.listPdbs()]);
    const problems = [aws.status === 'rejected' ? `AWS: ${String((aws.reason as Error)?.message ?? aws.reason)}` : '', kube.status === 'rejected' ? `Kubernetes: ${String((kube.reason as Error)?.message ?? kube.reason)}` : ''].filter(Boolean);
    if (problems.length > 0) metrics.countError('observe');
    return problems.length > 0 ? `cannot reach ${problems.join('; ')}` : undefined;
  }

  /** The engine's reconcile (src/engine/reconcile.ts), with the plan on the board before it runs. */
  async #execute(desired: DesiredView, signal: AbortSignal): Promise<ReconcileResult> {
    const d = this.#deps;
    const current = d.schedule.current();
    const schedule = { nodeGroups: current.nodeGroups, workloads: current.workloads };
    const observation = await observe({ cloud: d.cloud, cluster: d.cluster, schedule, now: desired.at });
    d.status.observation = observation;
    const decided = plan({ observation, schedule, desired: desired.state, now: desired.at, ...(d.planOptions ? { options: d.planOptions } : {}) });
    this.#operations.begin(observation, current.nodeGroups, decided.owner);
    d.status.startPlan(decided);
    this.#logPlan(decided);
    const tell = d.dryRun ? undefined : d.events?.execution(decided, desired, observation);
    const report = await execute(decided, {
      cloud: d.cloud, cluster: d.cluster, clock: d.clock, sleep: d.sleep, dryRun: d.dryRun, signal, isLeader: d.isLeader,
      onProgress: (event) => {
        this.#progress(event, decided);
        tell?.(event);
      },
    }, { ...d.executeOptions, planOptions: { ...d.planOptions, ...d.executeOptions?.planOptions } });
    return { observation, plan: decided, report };
  }

  /**
   * One line when a step starts (what, for which window or override) and one when it ends;
   * the planner's `complete` step is no work and logs at debug only.
   */
  #progress(event: ProgressEvent, decided: Plan): void {
    const { log, metrics, status, dryRun } = this.#deps;
    if (event.kind === 'step' && event.status === 'started' && event.index === 0) status.inProgress = true;
    status.progress(event);
    switch (event.kind) {
      case 'step': {
        const step = decided.steps[event.index];
        if (!step || event.status === 'waiting' || event.status === 'not-run') break;
        const counted = decided.steps.filter((s) => s.kind !== 'complete').length;
        const position = step.kind === 'complete' ? 'check' : `step ${event.index + 1} of ${counted}`;
        const level = step.kind === 'complete' ? 'debug' : event.status === 'failed' || event.status === 'stopped' ? 'warn' : 'info';
        if (event.status === 'started') {
          const source = this.#sourceOf(step);
          const because = source === undefined ? '' : ` (${formatSource(source)})`;
          log[level]({ event: 'step-started', index: event.index, ...brief(step), ...sourceFields(source), reason: 'reason' in step ? step.reason : undefined }, `${position}: ${event.message}${because}`);
        } else {
          log[level]({ event: `step-${event.status}`, index: event.index, ...brief(step) }, `${position} ${event.status}: ${event.message}`);
        }
        break;
      }
      case 'node':
        this.#operations.onNode(event);
        // At debug: the step's outcome line (info) already says how the node ended.
        if (['removed', 'rolled-back', 'failed', 'stopped'].includes(event.phase)) {
          log.debug({ event: 'node', node: event.node, instanceId: event.instanceId, phase: event.phase, evicted: event.evicted }, `${event.node}: ${event.message}`);
        }
        break;
      case 'eviction':
        // A dry run evicts nothing: the real series stay where they are.
        if (!dryRun) metrics.evictions.inc({ result: event.outcome });
        break;
      case 'action':
        if (dryRun) metrics.dryRunActions.inc({ action: event.action.kind });
        log.debug({ event: 'call', action: event.action.kind, target: event.action.target }, `${dryRun ? 'would call' : 'call'} ${event.action.kind} ${event.action.target}`);
        break;
    }
  }

  /** What blocked the plan and what it waits for (its steps are logged as they run). */
  #logPlan(decided: Plan): void {
    const { log } = this.#deps;
    for (const blocked of decided.blocked) log.warn({ event: 'blocked', code: blocked.code, group: blocked.group }, blocked.message);
    for (const waiting of decided.waiting) log.info({ event: 'waiting' }, waiting);
  }

  #publishDesired(desired: DesiredView): void {
    const { metrics } = this.#deps;
    for (const [group, n] of Object.entries(desired.state.capacity)) metrics.desiredCapacity.set({ group }, n);
    for (const [workload, n] of Object.entries(desired.state.replicas)) metrics.desiredReplicas.set({ workload }, n);
    publishSources(metrics, desired);
  }

  #record(result: ReconcileResult, reasons: readonly string[], startedAt: number): void {
    const { clock, log, metrics, status, schedule } = this.#deps;
    const { observation, plan: decided, report } = result;
    const current = schedule.current();
    for (const g of current.nodeGroups) {
      const asg = observation.groups.find((x) => x.name === g.asg);
      if (!asg) continue;
      metrics.observedCapacity.set({ group: g.name }, asg.desiredCapacity);
      metrics.readyNodes.set({ group: g.name }, serving(observation, asg).readyNodes);
    }
    for (const w of observation.workloads) metrics.observedReplicas.set({ workload: `${w.namespace}/${w.name}` }, w.replicas);
    this.#operations.finish(report, startedAt);
    // A dry run removed and added nothing: the real series stay where they are.
    if (!report.dryRun) {
      for (const node of report.nodes) {
        const direction = node.step === 'rollback-node' ? 'rollback' : 'down';
        metrics.scaleOperations.inc({ direction, result: node.result });
      }
      for (const step of report.steps) if (step.kind === 'scale-up') metrics.scaleOperations.inc({ direction: 'up', result: step.status });
    }
    for (const step of report.steps) if (step.status === 'failed') metrics.countError('execute');

    const finishedAt = clock.now();
    status.last = { startedAt, finishedAt, reasons, outcome: report.outcome, message: report.message };
    if (report.outcome === 'done') metrics.lastSuccess.set(finishedAt / 1000);
    const steps = decided.steps.filter((s) => s.kind !== 'complete').length;
    // Idle (a resync that found nothing to do): debug only, so a quiet cluster has a quiet log.
    const idle = report.outcome === 'done' && steps === 0 && decided.blocked.length === 0 && decided.waiting.length === 0;
    const level = idle ? 'debug' : report.outcome === 'done' ? 'info' : 'warn';
    log[level]({ event: 'reconciled', reasons, outcome: report.outcome, steps, blocked: decided.blocked.length, ms: finishedAt - startedAt }, `reconcile ${report.outcome}${report.dryRun ? ' (dry run)' : ''}: ${report.message}`);
  }

  /**
   * The history entry of a reconcile that changed something; and when the plan found
   * nothing left to do after a scale-up, the wake-up signal: "scale-up complete: …" as an
   * Event, a log line and the scale-up's entry's outcome.
   */
  async #remember(result: ReconcileResult, desired: DesiredView, startedAt: number): Promise<void> {
    const d = this.#deps;
    const entry = summarize(result, desired, { id: historyId(startedAt), start: startedAt, end: d.clock.now(), by: d.status.identity ?? 'single' });
    if (d.dryRun) {
      // Nothing changed, so nothing goes in the cluster's history: what would, is said here and on /status.
      d.status.wouldRecord = entry;
      if (entry) d.log.info({ event: 'history', direction: entry.direction, reason: entry.reason }, `would record in history: ${entry.direction}, ${entry.message} (${entry.reason})`);
      return;
    }
    if (entry) {
      this.#upPending = entry.outcome === 'done' && (entry.direction === 'up' || entry.direction === 'mixed');
      const history = d.history;
      if (history && d.isLeader()) await this.#bestEffort('history', `append to configmap ${history.namespace}/${history.name}`, () => history.record(entry));
    }
    const [only, ...more] = result.plan.steps;
    if (only?.kind !== 'complete' || more.length > 0 || this.#upPending === false) return;
    const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    const message = `scale-up complete: ${plural(only.nodesReady, 'node')} Ready, ${plural(only.workloadsAvailable, 'workload')} available`;
    let complete = this.#upPending === true;
    const history = d.history;
    if (history && d.isLeader()) {
      const marked = await this.#bestEffort('history', `complete the scale-up in configmap ${history.namespace}/${history.name}`, () => history.complete(d.clock.now(), message));
      if (marked !== 'failed') complete = marked !== undefined;
    }
    this.#upPending = false;
    if (!complete) return;
    this.#operations.upComplete(d.clock.now());
    d.log.info({ event: 'scale-up-complete', nodesReady: only.nodesReady, workloadsAvailable: only.workloadsAvailable }, message);
    d.events?.scaleUpComplete(message);
  }

  /** A write that must not fail the reconcile: logged and counted when it does. */
  async #bestEffort<T>(kind: ErrorKind, what: string, write: () => Promise<T>): Promise<T | 'failed'> {
    try {
      return await write();
    } catch (error) {
      this.#deps.metrics.countError(kind);
      const message = error instanceof Error ? error.message : String(error);
      this.#deps.log.warn({ event: `${kind}-failed`, err: error }, `could not ${what}: ${message}`);
      return 'failed';
    }
  }

  /** The window or override behind the value a step works toward: a group's capacity, a workload's replicas. */
  #sourceOf(step: Step): FieldSource | undefined {
    const desired = this.#deps.status.desired;
    if (!desired) return undefined;
    if (step.kind === 'scale-workload') return desired.sources.replicas[step.workload.key];
    if (!('group' in step) || typeof step.group !== 'string') return undefined;
    return desired.sources.capacity[step.group];
  }
}

/** The few fields that say which step, on what: enough to grep, short enough to read. */
function brief(step: Step): Record<string, string | number | boolean> {
  const all = stepLogFields(step);
  return Object.fromEntries(Object.entries(all).filter(([key]) => BRIEF.has(key)));
}

const BRIEF = new Set(['step', 'group', 'node', 'instance', 'workload', 'replicas', 'add', 'target', 'phase', 'cause']);

/** The source as fields: `desired` in words, and the window (with its class) or the override by id. */
function sourceFields(source: FieldSource | undefined): Record<string, string> {
  if (source === undefined) return {};
  const desired = formatSource(source);
  if (source.kind === 'window') return { desired, window: source.window, windowClass: source.class };
  if (source.kind === 'override') return { desired, override: source.id };
  return { desired };
}

function sameState(a: DesiredView['state'], b: DesiredView['state']): boolean {
  const same = (x: Readonly<Record<string, number>>, y: Readonly<Record<string, number>>) =>
    Object.keys(x).length === Object.keys(y).length && Object.entries(x).every(([k, v]) => y[k] === v);
  return same(a.capacity, b.capacity) && same(a.replicas, b.replicas);
}
