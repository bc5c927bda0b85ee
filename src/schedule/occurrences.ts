// Turns windows into concrete occurrences: stretches of absolute time [start, end).
// Recurring windows are expanded per local date in the window's zone; every local
// boundary goes through Zone.resolve, so the DST policy holds everywhere.

import { fromEpochDay, isoWeekday, wallAtMinuteOfDay } from './calendar.js';
import { cronMatchesDate } from './cron.js';
import type { CronRule, Occurrence, Rule, Schedule, WeeklyRule, Window, WindowClass } from './types.js';

const MS_PER_DAY = 86_400_000;
/** A weekly occurrence lasts at most 24 h plus a DST shift. */
const MAX_WEEKLY_MS = 26 * 3_600_000;

/** How long one occurrence of the window can last: how far back one in force at an instant may have started. */
export function longestOccurrenceMs(window: Window): number {
  const rule = window.rule;
  return rule.type === 'cron' ? rule.durationMs : rule.type === 'weekly' ? MAX_WEEKLY_MS : 0;
}

/** At most how many occurrences occurrencesBetween(schedule, from, to) makes: what a timeline of that range costs. */
export function occurrencesEstimate(schedule: Schedule, from: number, to: number): number {
  const days = Math.max(0, to - from) / MS_PER_DAY;
  return schedule.windows.reduce((sum, w) => {
    const rule = w.rule;
    if (rule.type === 'absolute') return sum + 1;
    const perDay = rule.type === 'cron' ? rule.cron.hours.length * rule.cron.minutes.length : 1;
    return sum + perDay * Math.ceil(days + longestOccurrenceMs(w) / MS_PER_DAY + 3);
  }, 0);
}

/** Every occurrence of the schedule's windows that overlaps [from, to), sorted by start. */
export function occurrencesBetween(schedule: Schedule, from: number, to: number): Occurrence[] {
  const result: Occurrence[] = [];
  for (const window of schedule.windows) {
    // Each window looks back as far as its own occurrences last, not the longest of all:
    // one 31-day cron window would otherwise make every weekly window expand 31 days more.
    for (const occurrence of windowOccurrences(window, from - longestOccurrenceMs(window), to)) {
      if (occurrence.end > from && occurrence.start < to) result.push(occurrence);
    }
  }
  return result.sort((a, b) => a.start - b.start || a.window.index - b.window.index);
}

/** Occurrences of one window that start in roughly [from, to) (a day's slack either side). */
export function windowOccurrences(window: Window, from: number, to: number): Occurrence[] {
  const rule = window.rule;
  if (rule.type === 'absolute') {
    const start = window.zone.resolve(rule.from).instant;
    const end = window.zone.resolve(rule.to).instant;
    return end > start ? [{ window, start, end, class: 'absolute' }] : [];
  }
  // Local dates are within ±14 h of UTC dates; one day of slack each side covers that.
  const firstDay = Math.floor(from / MS_PER_DAY) - 1;
  const lastDay = Math.floor(to / MS_PER_DAY) + 1;
  const raw: Occurrence[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const cls: WindowClass | undefined = startsOnDay(window, day);
    if (cls === undefined) continue;
    if (rule.type === 'weekly') raw.push(...weeklyOnDay(window, rule, day, cls));
    else raw.push(...cronOnDay(window, rule, day, cls));
  }
  return mergeOverlapping(raw);
}

/**
 * The occurrences of one window in order of start, lazily, a local day at a time: first
 * any that may still be in force at `from` (the caller drops those already over), none
 * that starts at or after `to`. Overlapping ones merge as in windowOccurrences, so a
 * timeline costs what it produces and stops where its consumer stops.
 */
export function* windowStream(window: Window, from: number, to: number): Generator<Occurrence, void, undefined> {
  const rule = window.rule;
  if (rule.type === 'absolute') {
    for (const o of windowOccurrences(window, from, to)) if (o.start < to) yield o;
    return;
  }
  const lastDay = Math.floor(to / MS_PER_DAY) + 1;
  let pending: Occurrence | undefined;
  for (let day = Math.floor((from - longestOccurrenceMs(window)) / MS_PER_DAY) - 1; day <= lastDay; day++) {
    const cls = startsOnDay(window, day);
    if (cls === undefined) continue;
    for (const o of rule.type === 'weekly' ? weeklyOnDay(window, rule, day, cls) : cronOnDay(window, rule, day, cls)) {
      if (o.start >= to) break;
      if (pending && pending.class === o.class && o.start <= pending.end) {
        if (o.end > pending.end) pending = { ...pending, end: o.end };
        continue;
      }
      if (pending) yield pending;
      pending = o;
    }
  }
  if (pending) yield pending;
}

/**
 * Whether a recurring window starts on a local date (epoch day), and in which class. The
 * class is its cause: `recurring` when the window's own rule (weekly days, cron date
 * fields) starts it on that date, `date-list` only when an `alsoOn` list alone brings it
 * in. A Sunday that is also a listed holiday is still an ordinary Sunday for a weekend
 * window, so a higher-priority Sunday window keeps beating it there.
 */
export function startsOnDay(window: Window, day: number): WindowClass | undefined {
  if (window.exceptOn.has(day)) return undefined;
  if (ruleStartsOnDay(window.rule, day)) return 'recurring';
  return window.alsoOn.has(day) ? 'date-list' : undefined;
}

function ruleStartsOnDay(rule: Rule, day: number): boolean {
  if (rule.type === 'weekly') return rule.days.has(isoWeekday(day));
  if (rule.type === 'cron') {
    const date = fromEpochDay(day);
    return cronMatchesDate(rule.cron, date.month, date.day, isoWeekday(day));
  }
  return false;
}

function weeklyOnDay(window: Window, rule: WeeklyRule, day: number, cls: WindowClass): Occurrence[] {
  const overnight = rule.toMinute <= rule.fromMinute;
  const start = window.zone.resolveWall(wallAtMinuteOfDay(day, rule.fromMinute)).instant;
  const end = window.zone.resolveWall(wallAtMinuteOfDay(overnight ? day + 1 : day, rule.toMinute)).instant;
  // Both boundaries inside one DST gap resolve to the same instant: nothing to occur.
  return end > start ? [{ window, start, end, class: cls }] : [];
}

function cronOnDay(window: Window, rule: CronRule, day: number, cls: WindowClass): Occurrence[] {
  const zone = window.zone;
  const wallStart = wallAtMinuteOfDay(day, 0);
  const offset = zone.fixedOffsetBetween(wallStart - MS_PER_DAY, wallStart + 2 * MS_PER_DAY);
  if (offset !== undefined) {
    // No offset change near this day: local time is UTC shifted, so starts that overlap or
    // touch make one occurrence, found in wall time. A cron every minute is then one
    // occurrence a day instead of 1,440 (the same result as generating and merging each).
    const result: Occurrence[] = [];
    let runStart = Number.NaN;
    let runEnd = Number.NaN;
    for (const hour of rule.cron.hours) {
      for (const minute of rule.cron.minutes) {
        const start = wallAtMinuteOfDay(day, hour * 60 + minute) - offset * 60_000;
        if (start > runEnd) result.push({ window, start: runStart, end: runEnd, class: cls });
        if (!(start <= runEnd)) runStart = start;
        runEnd = start + rule.durationMs;
      }
    }
    if (!Number.isNaN(runStart)) result.push({ window, start: runStart, end: runEnd, class: cls });
    return result;
  }
  const result: Occurrence[] = [];
  for (const hour of rule.cron.hours) {
    for (const minute of rule.cron.minutes) {
      const start = window.zone.resolveWall(wallAtMinuteOfDay(day, hour * 60 + minute)).instant;
      result.push({ window, start, end: start + rule.durationMs, class: cls });
    }
  }
  return result;
}

/** Occurrences of one window that overlap or touch, and have the same class, become one. */
function mergeOverlapping(occurrences: Occurrence[]): Occurrence[] {
  const sorted = occurrences.sort((a, b) => a.start - b.start);
  const merged: Occurrence[] = [];
  for (const occurrence of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.class === occurrence.class && occurrence.start <= last.end) {
      merged[merged.length - 1] = { ...last, end: Math.max(last.end, occurrence.end) };
    } else {
      merged.push(occurrence);
    }
  }
  return merged;
}
