// What /status and `scalerd status` show: the desired state and the window or override
// behind each field, the observed state, the plan in progress with each node's phase, the
// last reconcile and the next transition. The board is written by the reconciler as it
// goes; document() renders it as plain JSON.

import type { ExecutionReport, ProgressEvent } from '../actuate/index.js';
import type { Plan } from '../plan/index.js';
import type { GroupObservation, Observation } from '../ports/observation.js';
import { formatLocal, formatUtc, timeline, type Change, type Schedule } from '../schedule/index.js';
import type { DesiredView } from './desired.js';
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
    this.#nodes.set(event.node, { phase: event.phase, evicted: event.evicted, remaining: event.remaining, message: event.message, at: formatUtc(event.at) });
  }

  /** `next`: the schedule's next change (nextTransition); undefined while it is being worked out. */
  document(schedule: Schedule, scheduleStatus: ScheduleStatus, next: NextTransition | null | undefined): Record<string, unknown> {
    const desired = this.desired;
    const field = (section: 'capacity' | 'replicas') =>
      desired ? Object.fromEntries(Object.entries(desired.state[section]).map(([key, value]) => [key, { value, source: desired.sources[section][key] ?? { kind: 'default' } }])) : {};
    return {
      role: this.role,
      dryRun: this.dryRun,
      identity: this.identity,
      leader: this.leader ?? null,
      schedule: {
        path: scheduleStatus.path,
        loadedAt: formatUtc(scheduleStatus.loadedAt),
        stale: scheduleStatus.rejected ? { since: formatUtc(scheduleStatus.rejected.at), diagnostics: scheduleStatus.rejected.diagnostics } : null,
      },
      desired: desired ? { at: formatUtc(desired.at), capacity: field('capacity'), replicas: field('replicas'), notes: desired.notes } : null,
      observed: this.observation ? observed(this.observation, schedule) : null,
      plan: this.plan ? {
        at: formatUtc(this.plan.at),
        inProgress: this.inProgress,
        steps: this.plan.steps.map((s) => ({ kind: s.kind, ...('node' in s ? { node: s.node } : {}), reason: 'reason' in s ? s.reason : undefined })),
        blocked: this.plan.blocked,
        waiting: this.plan.waiting,
        nodes: Object.fromEntries(this.#nodes),
      } : null,
      last: this.last ? { ...this.last, startedAt: formatUtc(this.last.startedAt), finishedAt: formatUtc(this.last.finishedAt) } : null,
      lastError: this.lastError ? { at: formatUtc(this.lastError.at), message: this.lastError.message } : null,
      next: next ?? null,
      ...(this.dryRun ? { wouldRecord: this.wouldRecord ?? null } : {}),
    };
  }
}

function observed(o: Observation, schedule: Schedule): Record<string, unknown> {
  const groups = Object.fromEntries(schedule.nodeGroups.map((g) => {
    const asg = o.groups.find((x) => x.name === g.asg);
    if (!asg) return [g.name, { asg: g.asg, found: false }];
    return [g.name, { asg: g.asg, desiredCapacity: asg.desiredCapacity, minSize: asg.minSize, maxSize: asg.maxSize, ...serving(o, asg) }];
  }));
  const workloads = Object.fromEntries(o.workloads.map((w) => [`${w.namespace}/${w.name}`, { kind: w.kind, replicas: w.replicas, available: w.availableReplicas, hpa: w.hpa ? w.hpa.name : null }]));
  return { at: formatUtc(o.at), groups, workloads };
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
  return next ? { at: formatUtc(next.at), local: formatLocal(schedule.zone, next.at), started: next.started, ended: next.ended, changes: next.changes } : null;
}
