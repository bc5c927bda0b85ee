// What /status and `scalerd status` show: the desired state and the window or override
// behind each field, the observed state, the plan in progress with each node's phase, the
// last reconcile and the next transition. The board is written by the reconciler as it
// goes; document() renders it as plain JSON, every time in it RFC 3339 in UTC (isoSeconds).

import type { ExecutionReport, ProgressEvent } from '../actuate/index.js';
import type { Plan } from '../plan/index.js';
import type { GroupObservation, Observation } from '../ports/observation.js';
import { formatLocal, timeline, type Change, type Schedule } from '../schedule/index.js';
import { isoSeconds } from '../clock.js';
import { nextOverrideChange, type Override } from '../overrides/index.js';
import { desiredView, type DesiredView, type FieldSource } from './desired.js';
import type { HistoryEntry } from './history.js';
import type { ScheduleStatus } from './schedule-source.js';

type NodeProgress = { phase: string; evicted: number; remaining: number; message: string; at: string };

export type LastReconcile = {
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly reasons: readonly string[];
  readonly outcome: ExecutionReport['outcome'] | 'error' | 'standby';
  readonly message: string;
};

const DAY = 86_400_000;

export class StatusBoard {
  role: 'leader' | 'standby' | 'starting' = 'starting';
  leader: string | undefined;
  identity = '';
  desired: DesiredView | undefined;
  observation: Observation | undefined;
  plan: Plan | undefined;
  inProgress = false;
  last: LastReconcile | undefined;
  lastError: { at: number; message: string } | undefined;
  /** A dry run: every plan and outcome here is what would be done; nothing is. */
  dryRun = false;
  /** In a dry run, the history entry the last reconcile would have recorded. */
  wouldRecord: HistoryEntry | undefined;
  readonly #nodes = new Map<string, NodeProgress>();

  startPlan(plan: Plan): void {
    this.plan = plan;
    this.inProgress = true;
    this.#nodes.clear();
  }

  progress(event: ProgressEvent): void {
    if (event.kind !== 'node') return;
    this.#nodes.set(event.node, { phase: event.phase, evicted: event.evicted, remaining: event.remaining, message: event.message, at: isoSeconds(event.at) });
  }

  /** `next`: the schedule's next change (nextTransition); undefined while it is being worked out. */
  document(schedule: Schedule, scheduleStatus: ScheduleStatus, next: NextTransition | null | undefined): Record<string, unknown> {
    const desired = this.desired;
    const field = (section: 'capacity' | 'replicas') =>
      desired ? Object.fromEntries(Object.entries(desired.state[section]).map(([key, value]) => [key, { value, source: sourceJson(desired.sources[section][key]) }])) : {};
    return {
      role: this.role,
      dryRun: this.dryRun,
      identity: this.identity,
      leader: this.leader ?? null,
      schedule: {
        path: scheduleStatus.path,
        loadedAt: isoSeconds(scheduleStatus.loadedAt),
        stale: scheduleStatus.rejected ? { since: isoSeconds(scheduleStatus.rejected.at), diagnostics: scheduleStatus.rejected.diagnostics } : null,
      },
      desired: desired ? { at: isoSeconds(desired.at), capacity: field('capacity'), replicas: field('replicas'), notes: desired.notes } : null,
      observed: this.observation ? observed(this.observation, schedule) : null,
      plan: this.plan ? {
        at: isoSeconds(this.plan.at),
        inProgress: this.inProgress,
        steps: this.plan.steps.map((s) => ({ kind: s.kind, ...('node' in s ? { node: s.node } : {}), reason: 'reason' in s ? s.reason : undefined })),
        blocked: this.plan.blocked,
        waiting: this.plan.waiting,
        nodes: Object.fromEntries(this.#nodes),
      } : null,
      last: this.last ? { ...this.last, startedAt: isoSeconds(this.last.startedAt), finishedAt: isoSeconds(this.last.finishedAt) } : null,
      lastError: this.lastError ? { at: isoSeconds(this.lastError.at), message: this.lastError.message } : null,
      next: next ?? null,
      ...(this.dryRun ? { wouldRecord: this.wouldRecord ?? null } : {}),
    };
  }
}

/** A field's source for JSON: its end as RFC 3339, as every time in /status. */
function sourceJson(source: FieldSource | undefined): Record<string, unknown> {
  if (source === undefined || source.kind === 'default') return { kind: 'default' };
  return { ...source, until: isoSeconds(source.until) };
}

function observed(o: Observation, schedule: Schedule): Record<string, unknown> {
  const groups = Object.fromEntries(schedule.nodeGroups.map((g) => {
    const asg = o.groups.find((x) => x.name === g.asg);
    if (!asg) return [g.name, { asg: g.asg, found: false }];
    return [g.name, { asg: g.asg, desiredCapacity: asg.desiredCapacity, minSize: asg.minSize, maxSize: asg.maxSize, ...serving(o, asg) }];
  }));
  const workloads = Object.fromEntries(o.workloads.map((w) => [`${w.namespace}/${w.name}`, { kind: w.kind, replicas: w.replicas, available: w.availableReplicas, hpa: w.hpa ? w.hpa.name : null }]));
  return { at: isoSeconds(o.at), groups, workloads };
}

/** A group's InService instances and the Ready, schedulable nodes among them. */
export function serving(o: Observation, asg: GroupObservation): { inService: number; readyNodes: number } {
  const ids = new Set(asg.instances.filter((i) => i.lifecycleState === 'InService').map((i) => i.id));
  return { inService: ids.size, readyNodes: o.nodes.filter((n) => n.instanceId !== undefined && ids.has(n.instanceId) && n.ready && !n.unschedulable).length };
}

/** The next instant a desired value changes, within 400 days. */
export type NextTransition = { at: string; local: string; started: readonly string[]; ended: readonly string[]; changes: readonly Change[] };

export function nextTransition(schedule: Schedule, now: number): NextTransition | null {
  // The timeline is made as it is read: asking 400 days ahead costs what lies before the first change.
  const next = timeline(schedule, now, now + 400 * DAY, 1).transitions[0];
  return next ? { at: isoSeconds(next.at), local: formatLocal(schedule.zone, next.at), started: next.started, ended: next.ended, changes: next.changes } : null;
}

/**
 * The next change of what is wanted, overrides included: the schedule's next transition
 * (`scheduled`, from nextTransition) or an override's start or end, whichever comes first.
 * Its changes are those of the values in force, so a window boundary an override masks
 * changes nothing it covers, and an override's end shows what the schedule gives back.
 * Overrides that start or end then are named `override <id>` among `started`/`ended`.
 * Without an override ahead, `scheduled` as it is (no evaluation here).
 */
export function nextChange(schedule: Schedule, now: number, overrides: readonly Override[], scheduled: NextTransition | null): NextTransition | null {
  const overrideAt = nextOverrideChange(overrides, now);
  if (overrideAt === undefined) return scheduled;
  const scheduleAt = scheduled ? Date.parse(scheduled.at) : Number.POSITIVE_INFINITY;
  const at = Math.min(overrideAt, scheduleAt);
  const before = desiredView(schedule, now, overrides).state;
  const after = desiredView(schedule, at, overrides).state;
  const changes: Change[] = (['capacity', 'replicas'] as const).flatMap((section) =>
    Object.entries(after[section]).flatMap(([key, to]) => {
      const from = before[section][key];
      return from === undefined || from === to ? [] : [{ section, key, from, to }];
    }));
  const named = (pick: (o: Override) => number) => overrides.filter((o) => pick(o) === at).map((o) => `override ${o.id}`);
  const fromSchedule = scheduled && at === scheduleAt ? scheduled : undefined;
  return {
    at: isoSeconds(at),
    local: formatLocal(schedule.zone, at),
    started: [...(fromSchedule?.started ?? []), ...named((o) => o.from)],
    ended: [...(fromSchedule?.ended ?? []), ...named((o) => o.until)],
    changes,
  };
}
