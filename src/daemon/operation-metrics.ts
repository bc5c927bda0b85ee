// The metrics that need more than one event to compute: what is in force (windows,
// overrides), the nodes on their way out by phase, and how long removals, drains and
// scale-ups take. Real actions only: a dry run's node events and reports move nothing
// here (README, "dry run"), so no panel or alert over these series counts a pretence.

import type { ExecutionReport, ProgressEvent } from '../actuate/index.js';
import { PHASES, readMark, type Phase } from '../plan/marks.js';
import type { Observation } from '../ports/observation.js';
import type { DesiredView } from './desired.js';
import type { Metrics } from './metrics.js';

/** The windows and overrides behind what is desired now: scalerd_schedule_window_active, scalerd_override_end_timestamp_seconds. */
export function publishSources(metrics: Metrics, desired: DesiredView): void {
  metrics.windowActive.reset();
  metrics.overrideEnd.reset();
  for (const [group, source] of Object.entries(desired.sources.capacity)) {
    if (source.kind === 'window') metrics.windowActive.set({ group, window: source.window }, 1);
    if (source.kind === 'override') metrics.overrideEnd.set({ override: source.id, target: `group/${group}` }, source.until / 1000);
  }
  for (const [workload, source] of Object.entries(desired.sources.replicas)) {
    if (source.kind === 'override') metrics.overrideEnd.set({ override: source.id, target: `workload/${workload}` }, source.until / 1000);
  }
}

type Marked = { readonly group: string; readonly phase: Phase; readonly startedAt: number | undefined };

/**
 * The nodes on their way out (scalerd_scale_down_nodes, …_start_timestamp_seconds), live:
 * from the marks observed before an execution, then from the actuator's node events while it
 * runs (a drain can take many minutes within one reconcile). And how long each operation
 * took: a removal from its node's first mark (by this process or an earlier leader) to its
 * end, a drain to no pod left, a scale-up from its call to every node Ready.
 */
export class OperationMetrics {
  readonly #metrics: Metrics;
  readonly #dryRun: boolean;
  /** The scheduled groups' names, each with the instance ids of its Auto Scaling group. */
  #groups: readonly string[] = [];
  #groupOf = new Map<string, string>();
  /** Node name → its mark, as last observed or reported. */
  readonly #marked = new Map<string, Marked>();
  /** Node name → when its removal began (kept after its end, for finish()). */
  readonly #starts = new Map<string, number>();
  /** Node name → when its removal ended in this execution. */
  readonly #ends = new Map<string, number>();
  /** When the scale-up still waiting for its nodes to turn Ready was called. */
  #upStartedAt: number | undefined;

  constructor(metrics: Metrics, dryRun: boolean) {
    this.#metrics = metrics;
    this.#dryRun = dryRun;
  }

  /** Before an execution: the marks on the nodes, observed. */
  begin(observation: Observation, groups: readonly { readonly name: string; readonly asg: string }[], owner: string): void {
    this.#groups = groups.map((g) => g.name);
    this.#groupOf = new Map(groups.flatMap((g) => (observation.groups.find((x) => x.name === g.asg)?.instances ?? []).map((i): [string, string] => [i.id, g.name])));
    this.#marked.clear();
    this.#starts.clear();
    this.#ends.clear();
    for (const node of observation.nodes) {
      const reading = readMark(node, owner);
      if (reading.kind !== 'ours') continue;
      this.#marked.set(node.name, { group: this.#group(node.instanceId), phase: reading.mark.phase, startedAt: reading.mark.startedAt });
      if (reading.mark.startedAt !== undefined) this.#starts.set(node.name, reading.mark.startedAt);
    }
    this.#publish();
  }

  onNode(event: Extract<ProgressEvent, { kind: 'node' }>): void {
    // A dry run's node events are pretend: the marks stay as observed.
    if (this.#dryRun) return;
    const known = this.#marked.get(event.node);
    if ((PHASES as readonly string[]).includes(event.phase)) {
      const startedAt = known?.startedAt ?? this.#starts.get(event.node) ?? event.at;
      if (!this.#starts.has(event.node)) this.#starts.set(event.node, startedAt);
      this.#marked.set(event.node, { group: known?.group ?? this.#group(event.instanceId), phase: event.phase as Phase, startedAt });
      if (event.phase === 'drained' && known?.phase !== 'drained') this.#metrics.drainDuration.observe(Math.max(0, event.at - startedAt) / 1000);
    } else {
      this.#ends.set(event.node, event.at);
      // Removed or rolled back: no mark left. Failed or stopped: the mark stays until observed again.
      if (event.phase === 'removed' || event.phase === 'rolled-back') this.#marked.delete(event.node);
    }
    this.#publish();
  }

  /** After an execution: each node's removal (or rollback) that ended, and a scale-up's call. */
  finish(report: ExecutionReport, reconcileStartedAt: number): void {
    if (report.dryRun) return;
    for (const node of report.nodes) {
      const start = this.#starts.get(node.node);
      if (start === undefined) continue;
      const direction = node.step === 'rollback-node' ? 'rollback' : 'down';
      const end = this.#ends.get(node.node) ?? report.finishedAt;
      this.#metrics.scaleOperationDuration.observe({ direction, result: node.result }, Math.max(0, end - start) / 1000);
    }
    const calledUp = report.steps.some((s) => s.kind === 'scale-up' && s.status === 'done');
    if (calledUp && this.#upStartedAt === undefined) this.#upStartedAt = reconcileStartedAt;
  }

  /** Every node of the scale-up Ready (the reconciler's "scale-up complete"). */
  upComplete(now: number): void {
    if (this.#dryRun || this.#upStartedAt === undefined) return;
    this.#metrics.scaleOperationDuration.observe({ direction: 'up', result: 'done' }, Math.max(0, now - this.#upStartedAt) / 1000);
    this.#upStartedAt = undefined;
  }

  #group(instanceId: string | undefined): string {
    return (instanceId && this.#groupOf.get(instanceId)) ?? '';
  }

  #publish(): void {
    const counts = new Map<string, number>();
    for (const group of this.#groups) for (const phase of PHASES) counts.set(`${group}\0${phase}`, 0);
    this.#metrics.scaleDownStarted.reset();
    for (const [node, { group, phase, startedAt }] of this.#marked) {
      counts.set(`${group}\0${phase}`, (counts.get(`${group}\0${phase}`) ?? 0) + 1);
      if (startedAt !== undefined) this.#metrics.scaleDownStarted.set({ group, node, phase }, startedAt / 1000);
    }
    this.#metrics.scaleDownNodes.reset();
    for (const [key, n] of counts) {
      const [group, phase] = key.split('\0') as [string, string];
      this.#metrics.scaleDownNodes.set({ group, phase }, n);
    }
  }
}
