// On days without an offset change a cron window's starts are merged in wall time; this
// must give exactly what resolving every start and merging them gives.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wallAtMinuteOfDay } from '../../src/schedule/calendar.js';
import { startsOnDay, windowOccurrences } from '../../src/schedule/occurrences.js';
import type { Occurrence, Window } from '../../src/schedule/types.js';
import { DAY, RANGE_START, schedules } from './arbitrary.js';

/** Every start resolved on its own, then occurrences that overlap or touch (same class) merged. */
function byDefinition(window: Window, from: number, to: number): Occurrence[] {
  if (window.rule.type !== 'cron') throw new Error('cron only');
  const { cron, durationMs } = window.rule;
  const raw: Occurrence[] = [];
  for (let day = Math.floor(from / DAY) - 1; day <= Math.floor(to / DAY) + 1; day++) {
    const cls = startsOnDay(window, day);
    if (cls === undefined) continue;
    for (const h of cron.hours) for (const m of cron.minutes) {
      const start = window.zone.resolveWall(wallAtMinuteOfDay(day, h * 60 + m)).instant;
      raw.push({ window, start, end: start + durationMs, class: cls });
    }
  }
  raw.sort((a, b) => a.start - b.start);
  const merged: Occurrence[] = [];
  for (const o of raw) {
    const last = merged[merged.length - 1];
    if (last && last.class === o.class && o.start <= last.end) merged[merged.length - 1] = { ...last, end: Math.max(last.end, o.end) };
    else merged.push(o);
  }
  return merged;
}

describe('cron occurrences', () => {
  it('merging in wall time on days without an offset change changes nothing', () => {
    fc.assert(
      fc.property(schedules, fc.integer({ min: 0, max: 700 }), fc.integer({ min: 1, max: 40 }), ({ schedule }, day, days) => {
        const from = RANGE_START + day * DAY;
        for (const window of schedule.windows.filter((w) => w.rule.type === 'cron')) {
          expect(windowOccurrences(window, from, from + days * DAY)).toEqual(byDefinition(window, from, from + days * DAY));
        }
      }),
      { numRuns: 300 },
    );
  });
});
