// Warnings about a valid schedule: things that are allowed but may not be what the
// author meant. Computed over a horizon starting at `now`, since recurring windows only
// meet on some dates. Every check here is near-linear in the size of the schedule: a
// schedule is untrusted input, and the daemon checks each new one while it runs.

import { formatMinuteOfDay, formatDate, fromEpochDay, wallAtMinuteOfDay, wallMs } from './calendar.js';
import type { Problem } from '../json/document.js';
import type { ScheduleDocument } from './document.js';
import { formatLocal } from './format.js';
import { Heap } from '../heap.js';
import { longestOccurrenceMs, startsOnDay, windowOccurrences } from './occurrences.js';
import { CLASS_RANK, type Schedule, type Window, type WindowClass } from './types.js';
import type { Zone } from './zone.js';

const DAY = 86_400_000;
/** How far ahead warnings look: recurring windows meet on some dates only. */
export const WARNING_HORIZON_MS = 366 * DAY;
const HORIZON = WARNING_HORIZON_MS;
/** The overlap sweep works through the horizon a slice at a time, so its memory does not grow with it. */
const SLICE = 7 * DAY;

export function scheduleWarnings(schedule: Schedule, doc: ScheduleDocument, now: number): Problem[] {
  return [...unusedDateLists(doc), ...overlaps(schedule, now), ...dstBoundaries(schedule, now)];
}

function unusedDateLists(doc: ScheduleDocument): Problem[] {
  const used = new Set((doc.windows ?? []).flatMap((w) => [...(w.alsoOn ?? []), ...(w.exceptOn ?? [])]));
  return Object.keys(doc.dateLists ?? {})
    .filter((name) => !used.has(name))
    .map((name) => ({
      code: 'SCALERD_WARN_SCHEDULE_UNUSED_DATE_LIST',
      severity: 'warning',
      pointer: `/dateLists/${name}`,
      atKey: true,
      message: `date list "${name}" is not used by any window`,
      hint: 'use it in a window\'s alsoOn or exceptOn, or remove it',
    }));
}

function fieldsOf(window: Window): string[] {
  return (['capacity', 'replicas'] as const).flatMap((section) => Object.keys(window.set[section]).map((key) => `${section}.${key}`));
}

/** A stretch of one occurrence within one slice of the horizon. */
type Piece = { readonly window: Window; readonly start: number; readonly end: number; readonly class: WindowClass };

export type Tie = { readonly earlier: Window; readonly at: number };

/**
 * Overlaps that only the order in the file decides: same class, same priority, a field in
 * common. One warning per window that loses such a tie to the file order, naming the
 * earliest tie (and of the windows tied with then, the first in the file): a sweep through
 * the occurrences in time order, O(n log n), where comparing every pair of windows grew
 * with n² (1,000 windows took 48 s and 1.4 GB).
 */
function overlaps(schedule: Schedule, now: number): Problem[] {
  const fields = new Map(schedule.windows.map((w) => [w, fieldsOf(w)]));
  return [...overlapTies(schedule, now)]
    .sort(([a], [b]) => a.index - b.index)
    .map(([later, { earlier, at }]) => ({
      code: 'SCALERD_WARN_SCHEDULE_OVERLAP',
      severity: 'warning',
      pointer: `/windows/${later.index}/name`,
      message: `windows "${earlier.name}" (/windows/${earlier.index}) and "${later.name}" overlap from ${formatLocal(later.zone, at)} and both set ${sharedFields(fields, earlier, later).join(', ')}; "${later.name}" wins there only because it comes later in the file`,
      hint: `if that is intended, give "${later.name}" a higher "priority" than "${earlier.name}" to say so; otherwise change their times`,
    }));
}

/** For each window that loses a tie to the file order, its earliest tie and the first window in the file tied with it then. */
export function overlapTies(schedule: Schedule, now: number): Map<Window, Tie> {
  const fields = new Map(schedule.windows.map((w) => [w, fieldsOf(w)]));
  const ties = new Map<Window, Tie>();
  const open = new OpenWindows(schedule.windows, fields);
  for (let from = now; from < now + HORIZON && open.any(); from += SLICE) {
    sweepSlice(schedule, fields, from, Math.min(from + SLICE, now + HORIZON), ties, open);
  }
  return ties;
}

function sharedFields(fields: Map<Window, string[]>, a: Window, b: Window): string[] {
  const other = new Set(fields.get(b));
  return fields.get(a)!.filter((field) => other.has(field));
}

/**
 * The windows that can still take part in a tie not yet found. Per priority and field, the
 * windows that set it: all but the first in the file may still lose a tie there until they
 * have lost one. A window none of whose groups has such a window left can neither lose a
 * tie nor be the earlier window of one still to find, so its occurrences need not be made;
 * when no group has one, the sweep ends. 10,000 windows that all overlap are all tied in
 * the first slice, instead of being followed for a year.
 */
class OpenWindows {
  readonly #groups = new Map<Window, string[]>();
  readonly #first = new Map<string, Window>();
  readonly #waiting = new Map<string, number>();
  #open = 0;

  constructor(windows: readonly Window[], fields: Map<Window, string[]>) {
    for (const w of windows) {
      const groups = fields.get(w)!.map((field) => `${w.priority} ${field}`);
      this.#groups.set(w, groups);
      for (const group of groups) {
        if (!this.#first.has(group)) this.#first.set(group, w);
        else this.#add(group, 1);
      }
    }
  }

  tied(w: Window): void {
    for (const group of this.#groups.get(w)!) if (this.#first.get(group) !== w) this.#add(group, -1);
  }

  active(w: Window): boolean {
    return this.#groups.get(w)!.some((group) => (this.#waiting.get(group) ?? 0) > 0);
  }

  any(): boolean {
    return this.#open > 0;
  }

  #add(group: string, n: number): void {
    const before = this.#waiting.get(group) ?? 0;
    this.#waiting.set(group, before + n);
    if (before === 0 && n > 0) this.#open++;
    if (before > 0 && before + n === 0) this.#open--;
  }
}

/** The pieces in force of one class, priority and field: see sweepSlice. */
type Lane = { readonly first: Heap<Piece>; readonly untied: Heap<Piece> };

function sweepSlice(schedule: Schedule, fields: Map<Window, string[]>, from: number, to: number, ties: Map<Window, Tie>, open: OpenWindows): void {
  const pieces: Piece[] = [];
  const tie = (window: Window, earlier: Window, at: number) => {
    ties.set(window, { earlier, at });
    open.tied(window);
  };
  for (const window of schedule.windows) {
    if (!open.active(window)) continue;
    for (const o of windowOccurrences(window, from - longestOccurrenceMs(window), to)) {
      const start = Math.max(o.start, from);
      const end = Math.min(o.end, to);
      if (start < end) pieces.push({ window, start, end, class: o.class });
    }
  }
  // Within one instant, earlier windows first: a window tied with several at once names the first.
  pieces.sort((a, b) => a.start - b.start || a.window.index - b.window.index);

  // Per class, priority and field (a lane), the pieces in force: the one of the first window
  // in the file on top of `first`, and those of windows not yet known to lose a tie, last
  // window first, in `untied`. Pieces that ended are dropped when they come to the top; all
  // end with the slice.
  const lanes = new Map<string, Lane>();
  // Per window, per class (by rank), the lanes of its fields: looked up once per piece.
  const lanesOf: (Lane[] | undefined)[][] = schedule.windows.map(() => []);
  const lanesFor = (piece: Piece): Lane[] => {
    const byClass = lanesOf[piece.window.index]!;
    const rank = CLASS_RANK[piece.class];
    let found = byClass[rank];
    if (found) return found;
    found = fields.get(piece.window)!.map((field) => {
      const key = `${piece.class} ${piece.window.priority} ${field}`;
      let lane = lanes.get(key);
      if (!lane) lanes.set(key, (lane = { first: new Heap((a, b) => a.window.index < b.window.index), untied: new Heap((a, b) => a.window.index > b.window.index) }));
      return lane;
    });
    byClass[rank] = found;
    return found;
  };
  for (const piece of pieces) {
    const { window, start } = piece;
    let earliest: Window | undefined;
    for (const { first, untied } of lanesFor(piece)) {
      for (let top = first.peek(); top && top.end <= start; top = first.peek()) first.pop();
      const top = first.peek();
      if (top && top.window.index < window.index && (!earliest || top.window.index < earliest.index)) earliest = top.window;
      // Windows later in the file, in force now and not tied before: this piece ties them now.
      for (let last = untied.peek(); last; last = untied.peek()) {
        if (last.end <= start || ties.has(last.window)) untied.pop();
        else if (last.window.index > window.index) {
          tie(last.window, window, start);
          untied.pop();
        } else break;
      }
      first.push(piece);
      if (!ties.has(window)) untied.push(piece);
    }
    if (earliest && !ties.has(window)) tie(window, earliest, start);
  }
}

/**
 * One warning per window that meets a DST change within the horizon, listing every such
 * date: a start or end that falls in a gap or a repeated hour, and an occurrence that lies
 * wholly in a gap (it has no instant on that date: the warning is how its author learns).
 * Only the few days around each change of a zone's offset are looked at.
 */
function dstBoundaries(schedule: Schedule, now: number): Problem[] {
  const problems: Problem[] = [];
  const firstDay = Math.floor(now / DAY);
  const lastDay = firstDay + HORIZON / DAY;
  const daysByZone = new Map<Zone, number[]>();
  for (const window of schedule.windows) {
    let days = daysByZone.get(window.zone);
    if (!days) daysByZone.set(window.zone, (days = daysNearTransitions(window.zone, firstDay, lastDay)));
    const phrases = dstPhrases(window, window.rule.type === 'absolute' ? absoluteDays(window, firstDay, lastDay) : days);
    const byDate = new Map<string, string[]>();
    for (const [date, phrase] of phrases) byDate.set(date, [...(byDate.get(date) ?? []), phrase]);
    const dates = [...byDate].map(([date, list]) => `${date}: ${list.join(', and ')}`);
    if (dates.length === 0) continue;
    problems.push({
      code: 'SCALERD_WARN_SCHEDULE_DST',
      severity: 'warning',
      pointer: `/windows/${window.index}/${window.rule.type}`,
      message: `"${window.name}" meets a DST change in ${window.zone.name} on ${dates.length === 1 ? '1 date' : `${dates.length} dates`} within the next year: ${dates.join('; ')}`,
      hint: 'this is scalerd\'s DST policy (README, "Daylight saving time"): a skipped time takes effect at the first instant after the gap, a repeated one at its first occurrence; choose times outside the change hour to avoid it',
    });
  }
  return problems;
}

/** What happens on the dates the window meets a DST change: [date, phrase], in date order. */
function dstPhrases(window: Window, days: readonly number[]): [string, string][] {
  const zone = window.zone;
  const rule = window.rule;
  const phrases: [string, string][] = [];
  const boundary = (what: 'starts' | 'ends', wall: number): string | undefined => {
    const resolution = zone.resolveWall(wall);
    if (resolution.kind === 'exact') return undefined;
    const time = formatMinuteOfDay(Math.floor((wall - Math.floor(wall / DAY) * DAY) / 60_000));
    return resolution.kind === 'gap'
      ? `${time} does not exist (the clocks skip it), it ${what} at ${formatLocal(zone, resolution.instant)}`
      : `${time} happens twice, it ${what} at the first, ${formatLocal(zone, resolution.instant)}`;
  };
  const dateOf = (wall: number): string => formatDate(fromEpochDay(Math.floor(wall / DAY)));
  if (rule.type === 'absolute') {
    const from = wallMs(rule.from);
    const to = wallMs(rule.to);
    if (zone.resolveWall(to).instant <= zone.resolveWall(from).instant) return !days.includes(Math.floor(from / DAY)) ? [] : [[dateOf(from), 'it lies wholly in the skipped hour and has no instant at all']];
    for (const [what, wall] of [['starts', from], ['ends', to]] as const) {
      const phrase = boundary(what, wall);
      if (phrase && days.includes(Math.floor(wall / DAY))) phrases.push([dateOf(wall), phrase]);
    }
    return phrases;
  }
  for (const day of days) {
    if (startsOnDay(window, day) === undefined) continue;
    if (rule.type === 'weekly') {
      const startWall = wallAtMinuteOfDay(day, rule.fromMinute);
      const endWall = wallAtMinuteOfDay(rule.toMinute <= rule.fromMinute ? day + 1 : day, rule.toMinute);
      if (zone.resolveWall(endWall).instant <= zone.resolveWall(startWall).instant) {
        phrases.push([dateOf(startWall), `${formatMinuteOfDay(rule.fromMinute)}–${formatMinuteOfDay(rule.toMinute % 1440)} lies wholly in the skipped hour, so the window does not occur that day`]);
        continue;
      }
      const start = boundary('starts', startWall);
      if (start) phrases.push([dateOf(startWall), start]);
      const end = boundary('ends', endWall);
      if (end) phrases.push([dateOf(endWall), end]);
    } else {
      const affected: string[] = [];
      for (const hour of rule.cron.hours) {
        for (const minute of rule.cron.minutes) {
          const phrase = boundary('starts', wallAtMinuteOfDay(day, hour * 60 + minute));
          if (phrase) affected.push(phrase);
        }
      }
      const shown = affected.slice(0, MAX_CRON_PHRASES).join(', ');
      if (affected.length > 0) phrases.push([formatDate(fromEpochDay(day)), `${shown}${affected.length > MAX_CRON_PHRASES ? ` and ${affected.length - MAX_CRON_PHRASES} more starts` : ''}`]);
    }
  }
  return phrases;
}

/** A cron every minute has 60 starts in a gap: a few say what happens. */
const MAX_CRON_PHRASES = 3;

/** An absolute window's boundary dates within the horizon. */
function absoluteDays(window: Window, firstDay: number, lastDay: number): number[] {
  const rule = window.rule;
  if (rule.type !== 'absolute') return [];
  return [wallMs(rule.from), wallMs(rule.to)].map((w) => Math.floor(w / DAY)).filter((d) => d >= firstDay && d < lastDay);
}

/**
 * The days in [firstDay, lastDay) on which a local time may be skipped or repeated, in
 * order: those within two days of a change of the zone's offset (local dates lie within a
 * day of UTC dates, and an overnight boundary falls on the next day). A zone changes its
 * offset a few times a year, so the check looks at a few days instead of every day.
 */
function daysNearTransitions(zone: Zone, firstDay: number, lastDay: number): number[] {
  const days = new Set<number>();
  let offset = zone.offsetMinutes((firstDay - 2) * DAY);
  for (let day = firstDay - 1; day <= lastDay + 2; day++) {
    const next = zone.offsetMinutes(day * DAY);
    if (next !== offset) for (let d = day - 3; d <= day + 1; d++) days.add(d);
    offset = next;
  }
  return [...days].filter((d) => d >= firstDay && d < lastDay).sort((a, b) => a - b);
}
