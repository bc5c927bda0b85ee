// Evaluation: the desired state at an instant, the timeline of changes over a range, and
// the next boundary for the daemon's triggers. Pure: time is always an argument.
//
// Precedence, for each field on its own: among the occurrences in force that set the
// field, the strongest class wins (absolute > date-list > recurring); within a class the
// higher `priority`; then the window later in the file. Fields no window sets come from
// `default`. Values are clamped to the limits of their group or workload.

import { dict } from '../records.js';
import { Heap } from '../heap.js';
import { clamp, clampState } from './limits.js';
import { longestOccurrenceMs, occurrencesBetween, windowOccurrences, windowStream } from './occurrences.js';
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
 * changes when given. Collects timelineStream: for a range too long to hold, iterate that.
 */
export function timeline(schedule: Schedule, from: number, to: number, limit = Infinity): Timeline {
  const stream = timelineStream(schedule, from, to);
  const transitions: Transition[] = [];
  if (limit > 0) {
    for (const transition of stream.transitions) {
      transitions.push(transition);
      if (transitions.length >= limit) break;
    }
  }
  return { from, to, initial: stream.initial, transitions };
}

export type TimelineStream = {
  readonly from: number;
  readonly to: number;
  readonly initial: Desired;
  /** The changes in (from, to), made as they are asked for; iterate once. */
  readonly transitions: Iterable<Transition>;
};

type Upcoming = { head: Occurrence; readonly rest: Iterator<Occurrence, void> };

/**
 * A sweep through the boundaries, lazily: each window's occurrences come in order of start
 * (windowStream) and are merged by a heap; those in force wait in a heap by end. Each field
 * keeps the occurrences in force that set it in a heap by rank (Lanes), and only the fields
 * an occurrence starting or ending at a boundary touches are looked at again. The cost is
 * the occurrences up to the last change asked for, however far the range reaches; memory
 * is what is in force at once. (Materialising every occurrence of the range first made a
 * two-year plan of a large schedule take 30 s and 650 MB, and "the next change" 400 days.)
 */
export function timelineStream(schedule: Schedule, from: number, to: number): TimelineStream {
  const upcoming = new Heap<Upcoming>((a, b) => a.head.start < b.head.start || (a.head.start === b.head.start && a.head.window.index < b.head.window.index));
  const lanes = new Lanes(schedule);
  const ending = new Heap<Occurrence>((a, b) => a.end < b.end);
  for (const window of schedule.windows) {
    const rest = windowStream(window, from, to);
    for (let next = rest.next(); !next.done; next = rest.next()) {
      const o = next.value;
      if (o.start > from) {
        upcoming.push({ head: o, rest });
        break;
      }
      if (o.end > from) {
        lanes.add(o);
        ending.push(o);
      }
    }
  }
  lanes.settleAll(from);
  const initial = lanes.snapshot();

  function* transitions(): Generator<Transition, void, undefined> {
    for (;;) {
      const at = Math.min(upcoming.peek()?.head.start ?? Infinity, ending.peek()?.end ?? Infinity);
      if (!(at < to)) return;
      const ended: Occurrence[] = [];
      while (ending.size > 0 && ending.peek()!.end === at) ended.push(ending.pop()!);
      const started: Occurrence[] = [];
      while (upcoming.size > 0 && upcoming.peek()!.head.start === at) {
        const source = upcoming.pop()!;
        started.push(source.head);
        const next = source.rest.next();
        if (!next.done) upcoming.push({ head: next.value, rest: source.rest });
      }
      for (const o of started) {
        lanes.add(o);
        ending.push(o);
      }
      const changes = lanes.settle(ended, started, at);
      if (changes.length === 0) continue;
      ended.sort((a, b) => a.start - b.start || a.window.index - b.window.index);
      yield { at, desired: lanes.snapshot(), changes, started: uniqueNames(started), ended: uniqueNames(ended) };
    }
  }
  let iterated = false;
  const once = (): Iterator<Transition> => {
    // The heaps are consumed as it goes: a second pass would silently see nothing.
    if (iterated) throw new Error('a timeline stream can be iterated once');
    iterated = true;
    return transitions();
  };
  return { from, to, initial, transitions: { [Symbol.iterator]: once } };
}

type Section = 'capacity' | 'replicas';

/** A field of the schedule (a group's capacity, a workload's replicas), numbered: node groups first, then workloads, each in the schedule's order. */
type Slot = { readonly section: Section; readonly key: string; readonly min: number; readonly max: number; readonly fallback: number };

function slotsOf(schedule: Schedule): Slot[] {
  return [
    ...schedule.nodeGroups.map((g) => ({ section: 'capacity' as const, key: g.name, min: g.min, max: g.max, fallback: schedule.defaults.capacity[g.name]! })),
    ...schedule.workloads.map((w) => ({ section: 'replicas' as const, key: w.key, min: w.min, max: w.max, fallback: schedule.defaults.replicas[w.key]! })),
  ];
}

/**
 * Per field, the occurrences in force that set it, strongest on top, and the value and
 * winner they give, in arrays by slot: a snapshot is two array copies, and the records a
 * Desired is made of are built only when someone reads it.
 */
class Lanes {
  readonly #slots: readonly Slot[];
  readonly #slotByField: Map<string, number>;
  /** The slots each window sets, worked out once per window. */
  readonly #windowSlots = new Map<Window, readonly number[]>();
  readonly #heaps: (Heap<Occurrence> | undefined)[];
  readonly #values: number[];
  readonly #winners: (Occurrence | undefined)[];
  /** settle() looks at a slot once per boundary: the boundary's number marks it seen. */
  readonly #seen: Int32Array;
  #round = 0;

  constructor(readonly schedule: Schedule) {
    this.#slots = slotsOf(schedule);
    this.#slotByField = new Map(this.#slots.map((slot, i) => [`${slot.section}/${slot.key}`, i]));
    this.#heaps = this.#slots.map(() => undefined);
    this.#values = this.#slots.map((slot) => clamp(slot.fallback, slot.min, slot.max));
    this.#winners = this.#slots.map(() => undefined);
    this.#seen = new Int32Array(this.#slots.length);
  }

  #slotsOf(window: Window): readonly number[] {
    let slots = this.#windowSlots.get(window);
    if (!slots) {
      const found: number[] = [];
      for (const section of ['capacity', 'replicas'] as const) {
        for (const key of Object.keys(window.set[section])) {
          const slot = this.#slotByField.get(`${section}/${key}`);
          if (slot !== undefined) found.push(slot);
        }
      }
      this.#windowSlots.set(window, (slots = found));
    }
    return slots;
  }

  add(o: Occurrence): void {
    for (const slot of this.#slotsOf(o.window)) {
      let heap = this.#heaps[slot];
      if (!heap) this.#heaps[slot] = heap = new Heap((a, b) => compareRank(a, b) > 0);
      heap.push(o);
    }
  }

  /** Every field decided afresh at `at`: the state at the start of a timeline. */
  settleAll(at: number): void {
    this.#round++;
    for (let slot = 0; slot < this.#slots.length; slot++) this.#decide(slot, at);
  }

  /** Decides again the fields these occurrences set, at `at`; returns what changed, in slot order. */
  settle(ended: readonly Occurrence[], started: readonly Occurrence[], at: number): Change[] {
    const round = ++this.#round;
    const touched: number[] = [];
    for (const list of [ended, started]) {
      for (const o of list) {
        for (const slot of this.#slotsOf(o.window)) {
          if (this.#seen[slot] === round) continue;
          this.#seen[slot] = round;
          touched.push(slot);
        }
      }
    }
    touched.sort((a, b) => a - b);
    const changes: Change[] = [];
    for (const slot of touched) {
      const from = this.#values[slot]!;
      const to = this.#decide(slot, at);
      if (to !== from) changes.push({ section: this.#slots[slot]!.section, key: this.#slots[slot]!.key, from, to });
    }
    return changes;
  }

  #decide(slot: number, at: number): number {
    const heap = this.#heaps[slot];
    while (heap && heap.size > 0 && heap.peek()!.end <= at) heap.pop();
    const top = heap?.peek();
    const { section, key, min, max, fallback } = this.#slots[slot]!;
    const value = clamp(top ? top.window.set[section][key]! : fallback, min, max);
    this.#values[slot] = value;
    this.#winners[slot] = top;
    return value;
  }

  snapshot(): Desired {
    return lazyDesired(this.#slots, this.#values.slice(), this.#winners.slice());
  }
}

/** A Desired whose records are made on first read: most transitions of a long timeline are only counted or diffed. */
function lazyDesired(slots: readonly Slot[], values: readonly number[], winners: readonly (Occurrence | undefined)[]): Desired {
  let made: Desired | undefined;
  const make = (): Desired => {
    if (made) return made;
    const capacity = dict<number>();
    const replicas = dict<number>();
    const capacitySources = dict<Source>();
    const replicaSources = dict<Source>();
    slots.forEach((slot, i) => {
      const winner = winners[i];
      const source: Source = winner ? { kind: 'window', window: winner.window.name, class: winner.class, start: winner.start, end: winner.end } : { kind: 'default' };
      if (slot.section === 'capacity') {
        capacity[slot.key] = values[i]!;
        capacitySources[slot.key] = source;
      } else {
        replicas[slot.key] = values[i]!;
        replicaSources[slot.key] = source;
      }
    });
    return (made = { state: { capacity, replicas }, sources: { capacity: capacitySources, replicas: replicaSources } });
  };
  return {
    get state() { return make().state; },
    get sources() { return make().sources; },
  };
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
