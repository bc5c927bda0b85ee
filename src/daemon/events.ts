// What the daemon tells the cluster as Kubernetes Events: on each node it removes or rolls
// back, on each workload it scales, on the overrides ConfigMap when the set in force
// changes, and on the history ConfigMap when a scale-up is complete. `kubectl describe`
// on any of them then says what scalerd did to it and why, without scalerd's logs.
//
// The scale-up completion goes on `scalerd-history`: no Kubernetes object stands for an
// Auto Scaling group, the history ConfigMap is scalerd's own and exists whenever a
// scale-up was recorded, and the event sits next to the entry it completes.
//
// Best-effort: an event that cannot be written is logged and counted
// (scalerd_errors_total{kind="events"}); nothing waits on it but stop(), which lets the
// ones under way finish.

import type { ProgressEvent } from '../actuate/index.js';
import type { Override } from '../overrides/index.js';
import { OVERRIDES_CONFIG_MAP } from '../overrides/store.js';
import type { Plan, Step } from '../plan/index.js';
import type { EventObject, EventRecord, EventSink } from '../ports/events.js';
import type { Observation } from '../ports/observation.js';
import { formatSource, type DesiredView } from './desired.js';
import { eventObjects, type EventObjects } from './event-objects.js';
import { HISTORY_CONFIG_MAP } from './history.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';

export type DaemonEventsOptions = {
  readonly sink: EventSink;
  /** scalerd's namespace: where its ConfigMaps are. */
  readonly namespace: string;
  readonly log: Logger;
  readonly metrics: Metrics;
};

type InForce = { readonly until: number; readonly reason: string; readonly by: string; readonly sets: readonly string[] };

export class DaemonEvents {
  readonly #o: DaemonEventsOptions;
  readonly #pending = new Set<Promise<void>>();
  /** The overrides in force at the last reconcile as leader; undefined before the first. */
  #inForce: Map<string, InForce> | undefined;

  constructor(options: DaemonEventsOptions) {
    this.#o = options;
  }

  /**
   * Tells the objects an execution acts on what it does to them. Call once per execution,
   * with the observation the plan was made from (the events name the objects as observed:
   * uid and resourceVersion), then pass each progress event to what it returns.
   */
  execution(decided: Plan, desired: DesiredView, observation: Pick<Observation, 'nodes' | 'workloads'>): (event: ProgressEvent) => void {
    const objects = eventObjects(observation);
    return (event) => {
      if (event.kind === 'node') this.#node(event, decided, desired, objects);
      else if (event.kind === 'step' && (event.status === 'done' || event.status === 'failed')) {
        const step = decided.steps[event.index];
        if (step?.kind === 'scale-workload') this.#workload(step, event.status, event.message, desired, objects);
      }
    };
  }

  /** Compares the overrides in force now with those at the last call; says what started and ended. */
  overrides(desired: DesiredView, overrides: readonly Override[], now: number): void {
    const inForce = new Map<string, InForce>();
    for (const section of ['capacity', 'replicas'] as const) {
      for (const [key, source] of Object.entries(desired.sources[section])) {
        if (source.kind !== 'override') continue;
        const o = inForce.get(source.id);
        const set = `${key}=${desired.state[section][key]}`;
        inForce.set(source.id, { until: source.until, reason: source.reason, by: source.by, sets: [...(o?.sets ?? []), set] });
      }
    }
    const before = this.#inForce ?? new Map<string, InForce>();
    this.#inForce = inForce;
    const regarding = this.#configMap(OVERRIDES_CONFIG_MAP);
    for (const [id, o] of inForce) {
      if (before.has(id)) continue;
      this.#emit({ regarding, type: 'Normal', reason: 'OverrideApplied', message: `override ${id} in force until ${new Date(o.until).toISOString()}: ${o.sets.join(', ')} (${o.reason}, by ${o.by})` });
    }
    for (const [id, o] of before) {
      if (inForce.has(id)) continue;
      const stored = overrides.find((x) => x.id === id);
      if (now >= o.until) this.#emit({ regarding, type: 'Normal', reason: 'OverrideExpired', message: `override ${id} ended at ${new Date(o.until).toISOString()}: ${o.sets.join(', ')} back to the schedule` });
      else this.#emit({ regarding, type: 'Normal', reason: 'OverrideCleared', message: `override ${id} is no longer in force (${stored ? 'a newer override or the limits replace it' : 'removed'}): ${o.sets.join(', ')} back to the schedule` });
    }
  }

  /** "scale-up complete: N nodes Ready, M workloads available". */
  scaleUpComplete(message: string): void {
    this.#emit({ regarding: this.#configMap(HISTORY_CONFIG_MAP), type: 'Normal', reason: 'ScaleUpComplete', message });
  }

  /** Waits for the events under way (at stop). */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  #node(event: Extract<ProgressEvent, { kind: 'node' }>, decided: Plan, desired: DesiredView, objects: EventObjects): void {
    const step = decided.steps.find((s): s is Extract<Step, { node: string }> => 'node' in s && s.node === event.node && s.kind !== 'terminate-unjoined');
    const why = step ? `${step.reason}${step.group ? ` (${formatSource(desired.sources.capacity[step.group])})` : ''}` : '';
    const regarding = objects.node(event.node);
    switch (event.phase) {
      case 'cordoned':
        return this.#emit({ regarding, type: 'Normal', reason: 'ScaleDownStarted', message: `tainted and cordoned, ${event.remaining} pods to move: ${why}` });
      case 'drained':
        return this.#emit({ regarding, type: 'Normal', reason: 'NodeDrained', message: `drained: ${event.evicted} pods evicted; ${event.message}` });
      case 'removed':
        return this.#emit({ regarding, type: 'Normal', reason: 'NodeRemoved', message: `instance ${event.instanceId ?? '?'} terminated, node deleted: ${why}` });
      case 'rolled-back':
        return this.#emit({ regarding, type: 'Normal', reason: 'NodeRolledBack', message: `untainted and uncordoned, the node stays: ${event.message}` });
      case 'failed':
        return this.#emit({ regarding, type: 'Warning', reason: 'DrainFailed', message: event.message });
      default:
        return;
    }
  }

  #workload(step: Extract<Step, { kind: 'scale-workload' }>, status: 'done' | 'failed', message: string, desired: DesiredView, objects: EventObjects): void {
    const { workload } = step;
    const regarding = objects.workload(workload);
    const changes = [
      step.replicas ? `replicas ${step.replicas.from}→${step.replicas.to}` : undefined,
      step.hpa?.minReplicas ? `HPA ${step.hpa.name} minReplicas ${step.hpa.minReplicas.from}→${step.hpa.minReplicas.to}` : undefined,
      step.hpa?.maxReplicas ? `HPA ${step.hpa.name} maxReplicas ${step.hpa.maxReplicas.from}→${step.hpa.maxReplicas.to}` : undefined,
    ].filter((c): c is string => c !== undefined);
    if (changes.length === 0) return;
    const because = formatSource(desired.sources.replicas[workload.key]);
    if (status === 'done') this.#emit({ regarding, type: 'Normal', reason: 'Scaled', message: `${changes.join(', ')} (${because})` });
    else this.#emit({ regarding, type: 'Warning', reason: 'ScaleFailed', message: `${changes.join(', ')} (${because}) failed: ${message}` });
  }

  #configMap(name: string): EventObject {
    return { kind: 'ConfigMap', namespace: this.#o.namespace, name };
  }

  #emit(record: EventRecord): void {
    const { sink, log, metrics } = this.#o;
    const sent: Promise<void> = sink.emit(record).catch((error: unknown) => {
      metrics.countError('events');
      const message = error instanceof Error ? error.message : String(error);
      log.warn({ event: 'event-failed', reason: record.reason, regarding: `${record.regarding.kind}/${record.regarding.name}`, err: error }, `could not write the ${record.reason} event on ${record.regarding.kind.toLowerCase()} ${record.regarding.name}: ${message}`);
    }).finally(() => this.#pending.delete(sent));
    this.#pending.add(sent);
  }
}
