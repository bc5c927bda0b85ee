// Warnings about a valid schedule: things that are allowed but may not be what the
// author meant. Computed over a horizon starting at `now`, since recurring windows only
// meet on some dates.

import { atMinuteOfDay, formatMinuteOfDay, formatDate, fromEpochDay } from './calendar.js';
import type { Problem } from '../json/document.js';
import type { ScheduleDocument } from './document.js';
import { formatLocal } from './format.js';
import { startsOnDay, windowOccurrences } from './occurrences.js';
import type { Occurrence, Schedule, Window } from './types.js';

const DAY = 86_400_000;
const HORIZON = 366 * DAY;

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

function sharedFields(a: Window, b: Window): string[] {
  const fields: string[] = [];
  for (const section of ['capacity', 'replicas'] as const) {
    for (const key of Object.keys(a.set[section])) if (key in b.set[section]) fields.push(`${section}.${key}`);
  }
  return fields;
}

/** Overlaps that only the order in the file decides: same class, same priority, a field in common. */
function overlaps(schedule: Schedule, now: number): Problem[] {
  const occurrences = new Map<Window, Occurrence[]>(
    schedule.windows.map((w) => [w, windowOccurrences(w, now, now + HORIZON).filter((o) => o.end > now)]),
  );
  const problems: Problem[] = [];
  schedule.windows.forEach((later, j) => {
    for (const earlier of schedule.windows.slice(0, j)) {
      const fields = sharedFields(earlier, later);
      if (fields.length === 0 || earlier.priority !== later.priority) continue;
      const at = firstTie(occurrences.get(earlier)!, occurrences.get(later)!);
      if (at === undefined) continue;
      problems.push({
        code: 'SCALERD_WARN_SCHEDULE_OVERLAP',
        severity: 'warning',
        pointer: `/windows/${later.index}/name`,
        message: `windows "${earlier.name}" (/windows/${earlier.index}) and "${later.name}" overlap from ${formatLocal(later.zone, at)} and both set ${fields.join(', ')}; "${later.name}" wins there only because it comes later in the file`,
        hint: `if that is intended, give "${later.name}" a higher "priority" than "${earlier.name}" to say so; otherwise change their times`,
      });
    }
  });
  return problems;
}

function firstTie(a: readonly Occurrence[], b: readonly Occurrence[]): number | undefined {
  let first: number | undefined;
  for (const x of a) {
    for (const y of b) {
      if (x.class !== y.class || x.start >= y.end || y.start >= x.end) continue;
      const at = Math.max(x.start, y.start);
      if (first === undefined || at < first) first = at;
    }
  }
  return first;
}

/** Weekly boundaries that fall in a DST gap or a repeated hour: the policy decides them. */
function dstBoundaries(schedule: Schedule, now: number): Problem[] {
  const problems: Problem[] = [];
  for (const window of schedule.windows) {
    const rule = window.rule;
    if (rule.type !== 'weekly') continue;
    const firstDay = Math.floor(now / DAY);
    for (const [field, minute] of [['from', rule.fromMinute], ['to', rule.toMinute]] as const) {
      for (let day = firstDay; day < firstDay + HORIZON / DAY; day++) {
        if (startsOnDay(window, day) === undefined) continue;
        const overnight = field === 'to' && rule.toMinute <= rule.fromMinute;
        const resolution = window.zone.resolve(atMinuteOfDay(overnight ? day + 1 : day, minute));
        if (resolution.kind === 'exact') continue;
        const date = formatDate(fromEpochDay((overnight ? day + 1 : day) + Math.floor(minute / 1440)));
        const time = formatMinuteOfDay(minute % 1440);
        problems.push({
          code: 'SCALERD_WARN_SCHEDULE_DST',
          severity: 'warning',
          pointer: `/windows/${window.index}/weekly/${field}`,
          message: resolution.kind === 'gap'
            ? `${time} does not exist on ${date} in ${window.zone.name} (the clocks skip it); on such dates "${window.name}" uses ${formatLocal(window.zone, resolution.instant)}, the first instant after the gap`
            : `${time} happens twice on ${date} in ${window.zone.name}; on such dates "${window.name}" uses the first, ${formatLocal(window.zone, resolution.instant)}`,
          hint: 'this is scalerd\'s DST policy (README, "Daylight saving time"); choose a time outside the change hour to avoid it',
        });
        break;
      }
    }
  }
  return problems;
}
