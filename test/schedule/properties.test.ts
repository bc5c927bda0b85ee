// Property tests: for random valid schedules and instants, the three views of the
// engine agree and keep their promises.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { desiredAt, nextBoundary, timeline, type Schedule, type State } from '../../src/schedule/index.js';
import { occurrencesBetween } from '../../src/schedule/occurrences.js';
import { DAY, RANGE_DAYS, RANGE_START, schedules } from './arbitrary.js';

function withinLimits(schedule: Schedule, state: State): boolean {
  return schedule.nodeGroups.every((g) => state.capacity[g.name]! >= g.min && state.capacity[g.name]! <= g.max)
    && schedule.workloads.every((w) => state.replicas[w.key]! >= w.min && state.replicas[w.key]! <= w.max);
}

const span = fc.record({ startDay: fc.integer({ min: 0, max: RANGE_DAYS - 20 }), offsetMinutes: fc.integer({ min: 0, max: 1439 }), days: fc.integer({ min: 1, max: 16 }) })
  .map(({ startDay, offsetMinutes, days }) => {
    const from = RANGE_START + startDay * DAY + offsetMinutes * 60_000;
    return { from, to: from + days * DAY };
  });

describe('schedule engine properties', () => {
  it('desiredAt(t) equals the state of the last timeline transition at or before t', () => {
    fc.assert(
      fc.property(schedules, span, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }), ({ schedule }, { from, to }, fractions) => {
        const tl = timeline(schedule, from, to);
        const stateAt = (t: number): State => {
          let state = tl.initial.state;
          for (const transition of tl.transitions) if (transition.at <= t) state = transition.desired.state;
          return state;
        };
        // Random instants, and the instants at and just before every transition.
        const instants = [
          from,
          ...fractions.map((f) => Math.floor(from + f * (to - from - 1))),
          ...tl.transitions.flatMap((t) => [t.at, t.at - 1]),
        ];
        for (const t of instants) expect(desiredAt(schedule, t).state).toEqual(stateAt(t));
      }),
      { numRuns: 120 },
    );
  });

  it('no state crosses the limits', () => {
    fc.assert(
      fc.property(schedules, span, ({ schedule }, { from, to }) => {
        const tl = timeline(schedule, from, to);
        expect(withinLimits(schedule, tl.initial.state)).toBe(true);
        for (const t of tl.transitions) expect(withinLimits(schedule, t.desired.state)).toBe(true);
      }),
      { numRuns: 80 },
    );
  });

  it('transitions lie inside the range, strictly increase, and each changes something', () => {
    fc.assert(
      fc.property(schedules, span, ({ schedule }, { from, to }) => {
        const tl = timeline(schedule, from, to);
        let previous = tl.initial.state;
        let last = from;
        for (const t of tl.transitions) {
          expect(t.at).toBeGreaterThan(last);
          expect(t.at).toBeLessThan(to);
          expect(t.changes.length).toBeGreaterThan(0);
          expect(t.desired.state).not.toEqual(previous);
          for (const c of t.changes) {
            expect(previous[c.section][c.key]).toBe(c.from);
            expect(t.desired.state[c.section][c.key]).toBe(c.to);
          }
          [previous, last] = [t.desired.state, t.at];
        }
      }),
      { numRuns: 80 },
    );
  });

  it('splitting a range in two gives the same transitions', () => {
    fc.assert(
      fc.property(schedules, span, fc.double({ min: 0.05, max: 0.95, noNaN: true }), ({ schedule }, { from, to }, f) => {
        const mid = Math.floor(from + f * (to - from));
        const whole = timeline(schedule, from, to).transitions.map((t) => [t.at, t.desired.state]);
        const first = timeline(schedule, from, mid);
        const second = timeline(schedule, mid, to);
        const stitched = [...first.transitions.map((t) => [t.at, t.desired.state])];
        const lastState = first.transitions.at(-1)?.desired.state ?? first.initial.state;
        // A change exactly at `mid` shows in the second half's initial state, not as a transition.
        const midState = second.initial.state;
        if (JSON.stringify(midState) !== JSON.stringify(lastState)) stitched.push([mid, midState]);
        stitched.push(...second.transitions.map((t) => [t.at, t.desired.state]));
        expect(stitched).toEqual(whole);
      }),
      { numRuns: 60 },
    );
  });

  it('nextBoundary is the first start or end after the instant among all occurrences, and within a limit only when inside it', () => {
    fc.assert(
      fc.property(schedules, span, fc.integer({ min: 1, max: 30 }), ({ schedule }, { from }, days) => {
        const occurrences = occurrencesBetween(schedule, from, from + 3 * 366 * DAY);
        const ends = occurrences.flatMap((o) => [o.start, o.end]).filter((t) => t > from && t < from + 2 * 366 * DAY);
        const first = ends.length > 0 ? Math.min(...ends) : undefined;
        const next = nextBoundary(schedule, from);
        if (first !== undefined) expect(next).toBe(first);
        const within = days * DAY;
        expect(nextBoundary(schedule, from, within)).toBe(first !== undefined && first <= from + within ? first : undefined);
      }),
      { numRuns: 120 },
    );
  });
});
