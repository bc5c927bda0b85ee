// Evaluation: the desired state at an instant, the timeline of changes over a range, and
// the next boundary for the daemon's triggers. Pure: time is always an argument.
//
// Precedence, for each field on its own: among the occurrences in force that set the
// field, the strongest class wins (absolute > date-list > recurring); within a class the
// higher `priority`; then the window later in the file. Fields no window sets come from
// `default`. Values are clamped to the limits of their group or workload.

import { dict } from '../records.js';
import { clampState } from './limits.js';
import { occurrencesBetween } from './occurrences.js';
import { CLASS_RANK, type Desired, type Occurrence, type Schedule, type Source, type State } from './types.js';

/** Positive when a outranks b. */
export function compareRank(a: Occurrence, b: Occurrence): number {
  return (
    CLASS_RANK[a.class] - CLASS_RANK[b.class] ||
    a.window.priority - b.window.priority ||
    a.window.index - b.window.index
  );
}

/** The desired state given the occurrences in force (in any order). */
export function resolveState(schedule: Schedule, active: readonly Occurrence[]): Desired {
  const ranked = [...active].sort((a, b) => compareRank(b, a));
  const pick = (section: 'capacity' | 'replicas', key: string, fallback: number): [number, Source] => {
    for (const occurrence of ranked) {
      const value = occurrence.window.set[section][key];
      if (value !== undefined) {
        const { window, start, end } = occurrence;
        return [value, { kind: 'window', window: window.name, class: occurrence.class, start, end }];
      }
    }
    return [fallback, { kind: 'default' }];
  };
  const capacity = dict<number>();
  const replicas = dict<number>();
  const capacitySources = dict<Source>();
  const replicaSources = dict<Source>();
  for (const group of schedule.nodeGroups) {
    [capacity[group.name], capacitySources[group.name]] = pick('capacity', group.name, schedule.defaults.capacity[group.name]!);
  }
  for (const workload of schedule.workloads) {
    [replicas[workload.key], replicaSources[workload.key]] = pick('replicas', workload.key, schedule.defaults.replicas[workload.key]!);
  }
  return {
    state: clampState(schedule, { capacity, replicas }),
    sources: { capacity: capacitySources, replicas: replicaSources },
  };
}

function inForce(occurrences: readonly Occurrence[], instant: number): Occurrence[] {
  return occurrences.filter((o) => o.start <= instant && instant < o.end);
}

export function desiredAt(schedule: Schedule, instant: number): Desired {
  return resolveState(schedule, inForce(occurrencesBetween(schedule, instant, instant + 1), instant));
}

export type Change = {
  readonly section: 'capacity' | 'replicas';
  readonly key: string;
  readonly from: number;
  readonly to: number;
};

export type Transition = {
  readonly at: number;
  readonly desired: Desired;
  readonly changes: readonly Change[];
  /** Windows whose occurrence starts or ends at this instant: the "why". */
  readonly started: readonly string[];
  readonly ended: readonly string[];
};

export type Timeline = {
  readonly from: number;
  readonly to: number;
  /** The desired state at `from`. */
  readonly initial: Desired;
  /** Every instant in (from, to) at which a desired value changes, in order. */
  readonly transitions: readonly Transition[];
};

export function diffStates(before: State, after: State): Change[] {
  const changes: Change[] = [];
  for (const section of ['capacity', 'replicas'] as const) {
    for (const [key, to] of Object.entries(after[section])) {
      const from = before[section][key]!;
      if (from !== to) changes.push({ section, key, from, to });
    }
  }
  return changes;
}

export function timeline(schedule: Schedule, from: number, to: number): Timeline {
  const occurrences = occurrencesBetween(schedule, from, to);
  const initial = resolveState(schedule, inForce(occurrences, from));
  const boundaries = uniqueSorted(
    occurrences.flatMap((o) => [o.start, o.end]).filter((t) => t > from && t < to),
  );
  const transitions: Transition[] = [];
  let previous = initial.state;
  for (const at of boundaries) {
    const desired = resolveState(schedule, inForce(occurrences, at));
    const changes = diffStates(previous, desired.state);
    if (changes.length === 0) continue;
    transitions.push({
      at,
      desired,
      changes,
      started: uniqueNames(occurrences.filter((o) => o.start === at)),
      ended: uniqueNames(occurrences.filter((o) => o.end === at)),
    });
    previous = desired.state;
  }
  return { from, to, initial, transitions };
}

const DAY = 86_400_000;
/** Far enough for any cron that matches at all (29 February comes within 8 years). */
const HORIZONS = [8 * DAY, 64 * DAY, 400 * DAY, 8 * 366 * DAY];

/**
 * The first instant after `instant` at which a window starts or ends, whether or not a
 * value changes there; undefined when no window ever starts or ends again.
 */
export function nextBoundary(schedule: Schedule, instant: number): number | undefined {
  let next: number | undefined;
  for (const horizon of HORIZONS) {
    next = undefined;
    for (const o of occurrencesBetween(schedule, instant, instant + horizon)) {
      for (const t of [o.start, o.end]) {
        if (t > instant && (next === undefined || t < next)) next = t;
      }
    }
    // A boundary past the horizon may hide an earlier one that was not generated.
    if (next !== undefined && next <= instant + horizon) return next;
  }
  return next;
}

function uniqueSorted(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function uniqueNames(occurrences: readonly Occurrence[]): string[] {
  return [...new Set(occurrences.map((o) => o.window.name))];
}
