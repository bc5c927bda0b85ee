// A schedule that crosses between threads (structured clone of its plain data) evaluates
// exactly as the one compiled on this thread.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { desiredAt, nextBoundary, timeline } from '../../src/schedule/index.js';
import { scheduleFromData, scheduleToData } from '../../src/schedule/transfer.js';
import { DAY, RANGE_START, schedules } from './arbitrary.js';

describe('schedule transfer', () => {
  it('desiredAt, timeline and nextBoundary agree after a structured clone', () => {
    fc.assert(
      fc.property(schedules, fc.integer({ min: 0, max: 700 }), ({ schedule }, day) => {
        const copy = scheduleFromData(structuredClone(scheduleToData(schedule)));
        const from = RANGE_START + day * DAY;
        expect(desiredAt(copy, from)).toEqual(desiredAt(schedule, from));
        expect(nextBoundary(copy, from)).toBe(nextBoundary(schedule, from));
        expect(timeline(copy, from, from + 10 * DAY)).toEqual(timeline(schedule, from, from + 10 * DAY));
      }),
      { numRuns: 100 },
    );
  });

  it('records keep no prototype after the crossing: a group named constructor is still a key', () => {
    const copy = scheduleFromData(structuredClone(scheduleToData({ ...schedulesSample(), })));
    expect(Object.getPrototypeOf(copy.defaults.capacity)).toBeNull();
    expect(Object.getPrototypeOf(copy.windows[0]!.set.capacity)).toBeNull();
  });
});

function schedulesSample() {
  return fc.sample(schedules.filter(({ schedule }) => schedule.windows.length > 0), { numRuns: 1, seed: 7 })[0]!.schedule;
}
