// Evaluation: the desired state at an instant, the timeline of changes over a range, and
// the next boundary for the daemon's triggers. Pure: time is always an argument.
//
// Precedence, for each field on its own: among the occurrences in force that set the
// field, the strongest class wins (absolute > date-list > recurring); within a class the
// higher `priority`; then the window later in the file. Fields no window sets come from
// `default`. Values are clamped to the limits of their group or workload.

import { copyDict, dict } from '../records.js';
import { Heap } from '../heap.js';
import { clamp, clampState } from './limits.js';
import { longestOccurrenceMs, occurrencesBetween, windowOccurrences } from './occurrences.js';
import { CLASS_RANK, type Desired, type Occurrence, type Schedule, type Source, type State, type Window } from './types.js';

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

/**
 * The desired state at `from` and every change in (from, to), in order; at most `limit`
 * changes when given. A sweep through the boundaries: each field keeps the occurrences in
 * force that set it in a heap by rank, and only the fields an occurrence starting or ending
 * at a boundary touches are looked at again, so the cost grows with the occurrences and
 * not with occurrences × boundaries (10,000 overlapping windows once took 12 s for a week).
 */
export function timeline(schedule: Schedule, from: number, to: number, limit = Infinity): Timeline {
  const occurrences = occurrencesBetween(schedule, from, to);
  const active = occurrences.filter((o) => o.start <= from && from < o.end);
  const initial = resolveState(schedule, active);
  const lanes = new Lanes(schedule, initial);
  for (const o of active) lanes.add(o);

  const starting = occurrences.filter((o) => o.start > from && o.start < to);
  const ending = occurrences.filter((o) => o.end > from && o.end < to).sort((a, b) => a.end - b.end || a.start - b.start || a.window.index - b.window.index);
  const transitions: Transition[] = [];
  let s = 0;
  let e = 0;
  while ((s < starting.length || e < ending.length) && transitions.length < limit) {
    const at = Math.min(starting[s]?.start ?? Infinity, ending[e]?.end ?? Infinity);
    const ended: Occurrence[] = [];
    const started: Occurrence[] = [];
    for (; e < ending.length && ending[e]!.end === at; e++) ended.push(ending[e]!);
    for (; s < starting.length && starting[s]!.start === at; s++) started.push(starting[s]!);
    for (const o of started) lanes.add(o);
    const changes = lanes.settle([...ended, ...started], at);
    if (changes.length === 0) continue;
    transitions.push({ at, desired: lanes.snapshot(), changes, started: uniqueNames(started), ended: uniqueNames(ended) });
  }
  return { from, to, initial, transitions };
}

type Section = 'capacity' | 'replicas';

/** Per field, the occurrences in force that set it, strongest on top; and the values they give. */
class Lanes {
  readonly #heaps = new Map<string, Heap<Occurrence>>();
  readonly #state: Record<Section, Record<string, number>>;
  readonly #sources: Record<Section, Record<string, Source>>;
  readonly #order: Record<Section, Map<string, number>>;
  readonly #limits: Record<Section, Map<string, { min: number; max: number }>>;

  constructor(readonly schedule: Schedule, initial: Desired) {
    this.#state = { capacity: copyDict(initial.state.capacity), replicas: copyDict(initial.state.replicas) };
    this.#sources = { capacity: copyDict(initial.sources.capacity), replicas: copyDict(initial.sources.replicas) };
    this.#order = { capacity: new Map(schedule.nodeGroups.map((g, i) => [g.name, i])), replicas: new Map(schedule.workloads.map((w, i) => [w.key, i])) };
    this.#limits = { capacity: new Map(schedule.nodeGroups.map((g) => [g.name, g])), replicas: new Map(schedule.workloads.map((w) => [w.key, w])) };
  }

  add(o: Occurrence): void {
    for (const [section, key] of fieldsOf(o)) {
      const id = `${section}/${key}`;
      let heap = this.#heaps.get(id);
      if (!heap) this.#heaps.set(id, (heap = new Heap((a, b) => compareRank(a, b) > 0)));
      heap.push(o);
    }
  }

  /** Looks again at the fields these occurrences touch, at `at`; returns what changed, in the schedule's order. */
  settle(touching: readonly Occurrence[], at: number): Change[] {
    const changes: Change[] = [];
    const seen = new Set<string>();
    for (const o of touching) {
      for (const [section, key] of fieldsOf(o)) {
        const id = `${section}/${key}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const heap = this.#heaps.get(id);
        while (heap && heap.size > 0 && heap.peek()!.end <= at) heap.pop();
        const top = heap?.peek();
        const limit = this.#limits[section].get(key);
        if (!limit) continue;
        const raw = top ? top.window.set[section][key]! : this.schedule.defaults[section][key]!;
        const to = clamp(raw, limit.min, limit.max);
        this.#sources[section][key] = top ? { kind: 'window', window: top.window.name, class: top.class, start: top.start, end: top.end } : { kind: 'default' };
        const from = this.#state[section][key]!;
        if (to === from) continue;
        this.#state[section][key] = to;
        changes.push({ section, key, from, to });
      }
    }
    return changes.sort((a, b) => (a.section === b.section ? this.#order[a.section].get(a.key)! - this.#order[b.section].get(b.key)! : a.section === 'capacity' ? -1 : 1));
  }

  snapshot(): Desired {
    return {
      state: { capacity: copyDict(this.#state.capacity), replicas: copyDict(this.#state.replicas) },
      sources: { capacity: copyDict(this.#sources.capacity), replicas: copyDict(this.#sources.replicas) },
    };
  }
}

function fieldsOf(o: Occurrence): [Section, string][] {
  return (['capacity', 'replicas'] as const).flatMap((section) => Object.keys(o.window.set[section]).map((key): [Section, string] => [section, key]));
}

const DAY = 86_400_000;
/** How far ahead a window's next boundary is looked for, widening only while none is found. */
const HORIZONS = [DAY, 8 * DAY, 64 * DAY, 400 * DAY, 8 * 366 * DAY];
/** Far enough for any cron that matches at all (29 February comes within 8 years). */
export const FURTHEST_BOUNDARY_MS = HORIZONS[HORIZONS.length - 1]!;

/**
 * The first instant after `instant` at which a window starts or ends, whether or not a
 * value changes there; undefined when no window starts or ends again within `withinMs`
 * (by default: ever). Window by window, each searched only as far as it must: a window
 * whose next boundary lies further than one already found is not expanded further.
 */
export function nextBoundary(schedule: Schedule, instant: number, withinMs = FURTHEST_BOUNDARY_MS): number | undefined {
  let next: number | undefined;
  for (const window of schedule.windows) {
    const t = windowNextBoundary(window, instant, Math.min(withinMs, (next ?? Infinity) - instant));
    if (t !== undefined && (next === undefined || t < next)) next = t;
  }
  return next !== undefined && next <= instant + withinMs ? next : undefined;
}

function windowNextBoundary(window: Window, instant: number, withinMs: number): number | undefined {
  const after = (occurrences: readonly Occurrence[]): number | undefined => {
    let next: number | undefined;
    for (const o of occurrences) for (const t of [o.start, o.end]) if (t > instant && (next === undefined || t < next)) next = t;
    return next;
  };
  // An absolute window has one occurrence: its boundaries are known however far ahead.
  if (window.rule.type === 'absolute') return after(windowOccurrences(window, instant, instant));
  for (const horizon of HORIZONS) {
    const h = Math.min(horizon, withinMs);
    // A boundary past the horizon may be an edge of what was generated, not of the window.
    const next = after(windowOccurrences(window, instant - longestOccurrenceMs(window), instant + h));
    if (next !== undefined && next <= instant + h) return next;
    if (h >= withinMs) return undefined;
  }
  return undefined;
}

function uniqueNames(occurrences: readonly Occurrence[]): string[] {
  return [...new Set(occurrences.map((o) => o.window.name))];
}
