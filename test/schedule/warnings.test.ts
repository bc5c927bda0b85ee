// The overlap warning's sweep against the definition, checked pair by pair: for each window,
// the earliest instant at which it ties (same class, same priority, a field in common) with
// a window earlier in the file, and of the windows tied with it then, the first.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSchedule } from '../../src/schedule/compile.js';
import type { ScheduleDocument } from '../../src/schedule/document.js';
import { longestOccurrenceMs, windowOccurrences } from '../../src/schedule/occurrences.js';
import type { Schedule, Window } from '../../src/schedule/types.js';
import { overlapTies, WARNING_HORIZON_MS } from '../../src/schedule/warnings.js';
import { doc, utc } from '../helpers.js';
import { DAY, RANGE_DAYS, RANGE_START, schedules } from './arbitrary.js';

function fields(w: Window): string[] {
  return (['capacity', 'replicas'] as const).flatMap((s) => Object.keys(w.set[s]).map((k) => `${s}.${k}`));
}

/** Every pair of windows, every pair of their occurrences within [now, now + horizon). */
function byDefinition(schedule: Schedule, now: number): Map<string, { earlier: string; at: number }> {
  const end = now + WARNING_HORIZON_MS;
  const occurrences = schedule.windows.map((w) =>
    windowOccurrences(w, now - longestOccurrenceMs(w), end)
      .map((o) => ({ ...o, start: Math.max(o.start, now), end: Math.min(o.end, end) }))
      .filter((o) => o.start < o.end));
  const result = new Map<string, { earlier: string; at: number }>();
  schedule.windows.forEach((later, j) => {
    let best: { earlier: Window; at: number } | undefined;
    for (const earlier of schedule.windows.slice(0, j)) {
      if (earlier.priority !== later.priority || !fields(earlier).some((f) => fields(later).includes(f))) continue;
      for (const x of occurrences[earlier.index]!) {
        for (const y of occurrences[j]!) {
          if (x.class !== y.class || x.start >= y.end || y.start >= x.end) continue;
          const at = Math.max(x.start, y.start);
          if (!best || at < best.at || (at === best.at && earlier.index < best.earlier.index)) best = { earlier, at };
        }
      }
    }
    if (best) result.set(later.name, { earlier: best.earlier.name, at: best.at });
  });
  return result;
}

const named = (ties: ReturnType<typeof overlapTies>) =>
  new Map([...ties].map(([w, t]) => [w.name, { earlier: t.earlier.name, at: t.at }]));

describe('overlap warnings', () => {
  it('the sweep finds exactly the ties the definition finds, at the same instant, naming the same window', () => {
    fc.assert(
      fc.property(schedules, fc.integer({ min: 0, max: RANGE_DAYS - 400 }), ({ schedule }, day) => {
        const now = RANGE_START + day * DAY;
        expect(named(overlapTies(schedule, now))).toEqual(byDefinition(schedule, now));
      }),
      { numRuns: 150 },
    );
  });

  it('10,000 windows that all overlap: one warning per window that loses, not one per pair', () => {
    const windows = Array.from({ length: 10_000 }, (_, i) => ({ name: `w${i}`, absolute: { from: '2026-03-01T00:00', to: '2026-04-01T00:00' }, capacity: { workers: 5 } }));
    const compiled = compileSchedule(doc({ windows }) as unknown as ScheduleDocument);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    const ties = overlapTies(compiled.schedule, utc('2026-01-01T00:00Z'));
    expect(ties.size).toBe(9_999);
    // Each names the first window in the file: tied with all at once, the first decides.
    expect(new Set([...ties.values()].map((t) => t.earlier.name))).toEqual(new Set(['w0']));
  });
});
