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
import { describeStep, plan, readMark, stepLogFields, type Plan, type PlanOptionsInput } from '../plan/index.js';
import type { Cloud } from '../ports/cloud.js';
import type { Cluster } from '../ports/cluster.js';
import type { Override } from '../overrides/index.js';
import { desiredView, formatSource, type DesiredView } from './desired.js';
import type { DaemonEvents } from './events.js';
import { historyId, summarize, type HistoryStore } from './history.js';
import type { Logger } from './log.js';
import type { ErrorKind, Metrics } from './metrics.js';
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

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
    this.#upPending = deps.history ? 'unknown' : false;
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
    d.status.startPlan(decided);
    this.#logDecisions(decided);
    const tell = d.dryRun ? undefined : d.events?.execution(decided, desired, observation);
    const report = await execute(decided, {
      cloud: d.cloud, cluster: d.cluster, clock: d.clock, sleep: d.sleep, dryRun: d.dryRun, signal, isLeader: d.isLeader,
      onProgress: (event) => {
        this.#progress(event);
        tell?.(event);
      },
    }, { ...d.executeOptions, planOptions: { ...d.planOptions, ...d.executeOptions?.planOptions } });
    return { observation, plan: decided, report };
  }

  #progress(event: ProgressEvent): void {
    const { log, metrics, status } = this.#deps;
    if (event.kind === 'step' && event.status === 'started' && event.index === 0) status.inProgress = true;
    status.progress(event);
    switch (event.kind) {
      case 'step':
        if (event.status === 'started') log.info({ event: 'step-started', index: event.index, ...event.fields }, event.message);
        else if (event.status === 'failed' || event.status === 'stopped') log.warn({ event: `step-${event.status}`, index: event.index, step: event.step }, event.message);
        break;
      case 'node':
        if (['removed', 'rolled-back', 'failed', 'stopped'].includes(event.phase)) {
          log.info({ event: 'node', node: event.node, instanceId: event.instanceId, phase: event.phase, evicted: event.evicted }, event.message);
        }
        break;
      case 'eviction':
        metrics.evictions.inc({ result: event.outcome });
        break;
      case 'action':
        log.debug({ event: 'call', dryRun: event.dryRun, action: event.action.kind, target: event.action.target }, `${event.dryRun ? 'would call' : 'call'} ${event.action.kind} ${event.action.target}`);
        break;
    }
  }

  /** One line per decision, with its reason: the steps, what blocked the plan, what waits. */
  #logDecisions(decided: Plan): void {
    const { log } = this.#deps;
    for (const step of decided.steps) {
      if (step.kind === 'complete') continue;
      log.info({ event: 'decision', ...stepLogFields(step), reason: 'reason' in step ? step.reason : undefined, desired: formatSource(this.#sourceOf(step)) }, describeStep(step));
    }
    for (const blocked of decided.blocked) log.warn({ event: 'blocked', code: blocked.code, group: blocked.group }, blocked.message);
    for (const waiting of decided.waiting) log.info({ event: 'waiting' }, waiting);
  }

  #publishDesired(desired: DesiredView): void {
    const { metrics } = this.#deps;
    for (const [group, n] of Object.entries(desired.state.capacity)) metrics.desiredCapacity.set({ group }, n);
    for (const [workload, n] of Object.entries(desired.state.replicas)) metrics.desiredReplicas.set({ workload }, n);
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
    metrics.nodesDraining.set(observation.nodes.filter((n) => readMark(n, decided.owner).kind === 'ours').length);
    for (const node of report.nodes) {
      const direction = node.step === 'rollback-node' ? 'rollback' : 'down';
      metrics.scaleOperations.inc({ direction, result: node.result });
    }
    for (const step of report.steps) {
      if (step.kind === 'scale-up') metrics.scaleOperations.inc({ direction: 'up', result: step.status });
      if (step.status === 'failed') metrics.countError('execute');
    }

    const finishedAt = clock.now();
    status.last = { startedAt, finishedAt, reasons, outcome: report.outcome, message: report.message };
    if (report.outcome === 'done') metrics.lastSuccess.set(finishedAt / 1000);
    const level = report.outcome === 'done' ? 'info' : 'warn';
    log[level]({ event: 'reconciled', reasons, outcome: report.outcome, steps: decided.steps.length, blocked: decided.blocked.length, ms: finishedAt - startedAt }, `reconcile ${report.outcome}: ${report.message}`);
  }

  /**
   * The history entry of a reconcile that changed something; and when the plan found
   * nothing left to do after a scale-up, the wake-up signal: "scale-up complete: …" as an
   * Event, a log line and the scale-up's entry's outcome.
   */
  async #remember(result: ReconcileResult, desired: DesiredView, startedAt: number): Promise<void> {
    const d = this.#deps;
    if (d.dryRun) return;
    const entry = summarize(result, desired, { id: historyId(startedAt), start: startedAt, end: d.clock.now(), by: d.status.identity ?? 'single' });
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

  #sourceOf(step: ReconcileResult['plan']['steps'][number]) {
    const desired = this.#deps.status.desired;
    if (!desired || !('group' in step) || typeof step.group !== 'string') return undefined;
    return desired.sources.capacity[step.group];
  }
}

function sameState(a: DesiredView['state'], b: DesiredView['state']): boolean {
  const same = (x: Readonly<Record<string, number>>, y: Readonly<Record<string, number>>) =>
    Object.keys(x).length === Object.keys(y).length && Object.entries(x).every(([k, v]) => y[k] === v);
  return same(a.capacity, b.capacity) && same(a.replicas, b.replicas);
}
