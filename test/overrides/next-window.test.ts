// --until-next-window ends at the first instant the schedule's desired state changes:
// across a DST change, past boundaries that change nothing, and never when nothing will.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyOverrides, nextWindowChange } from '../../src/overrides/index.js';
import { desiredAt, loadScheduleFile, nextBoundary, type Schedule } from '../../src/schedule/index.js';
import { doc, scheduleOf, utc } from '../helpers.js';

async function example(): Promise<Schedule> {
  const loaded = await loadScheduleFile(fileURLToPath(new URL('../../schedules/example.json', import.meta.url)), utc('2026-01-01T00:00Z'));
  if (!loaded.ok) throw new Error('schedules/example.json does not load');
  return loaded.schedule;
}

describe('nextWindowChange on schedules/example.json (Europe/Amsterdam)', () => {
  it('across the end of summer time: Saturday night ends Monday 00:00 CET, 26 hours of wall time later', async () => {
    const schedule = await example();
    const now = utc('2026-10-24T21:00Z'); // Saturday 23:00 CEST, the weekend window (workers 3)
    // Sunday 20:00 CET the weeknight window starts under the stronger weekend one: a
    // boundary, but no change. Monday 00:00 CET (clocks went back at 03:00 on Sunday)
    // the weekend ends and the weeknight window takes over: 6 workers.
    expect(nextBoundary(schedule, now)).toBe(utc('2026-10-25T19:00Z'));
    const until = nextWindowChange(schedule, now)!;
    expect(until).toBe(utc('2026-10-25T23:00Z'));
    expect(until - now).toBe(26 * 3_600_000);
    expect(desiredAt(schedule, until).state.capacity.workers).toBe(6);
  });

  it('across the start of summer time, and past a public holiday the weekend window covers', async () => {
    const schedule = await example();
    const now = utc('2027-03-27T11:00Z'); // Saturday 12:00 CET
    // Easter Monday 2027-03-29 is in the holidays list: the weekend lasts to Tuesday 00:00 CEST.
    expect(nextWindowChange(schedule, now)).toBe(utc('2027-03-29T22:00Z'));
  });

  it('an override set with it is over exactly at the change', async () => {
    const schedule = await example();
    const now = utc('2026-10-24T21:00Z');
    const until = nextWindowChange(schedule, now)!;
    const wake = { id: 'wake01', capacity: { workers: 12 }, from: now, until, untilNextWindow: true, reason: 'wake', by: 'alice', createdAt: now };
    expect(applyOverrides(schedule, desiredAt(schedule, until - 1), [wake], until - 1).state.capacity.workers).toBe(12);
    const after = applyOverrides(schedule, desiredAt(schedule, until), [wake], until);
    expect(after.state.capacity.workers).toBe(6);
    expect(after.sources.capacity.workers).toMatchObject({ kind: 'window', window: 'weeknights' });
  });
});

describe('nextWindowChange when the schedule never changes again', () => {
  it('is undefined without windows', () => {
    expect(nextWindowChange(scheduleOf(doc()), utc('2026-06-01T00:00Z'))).toBeUndefined();
  });

  it('is undefined after the last absolute window', () => {
    const schedule = scheduleOf(doc({ windows: [{ name: 'sale', absolute: { from: '2026-01-10T00:00', to: '2026-01-11T00:00' }, capacity: { workers: 20 } }] }));
    expect(nextWindowChange(schedule, utc('2026-01-10T12:00Z'))).toBe(utc('2026-01-10T23:00Z'));
    expect(nextWindowChange(schedule, utc('2026-02-01T00:00Z'))).toBeUndefined();
  });

  it('is undefined when windows keep starting but change no value', () => {
    const schedule = scheduleOf(doc({ windows: [{ name: 'same', weekly: { days: 'Mon-Fri', from: '08:00', to: '18:00' }, capacity: { workers: 10 } }] }));
    const now = utc('2026-06-01T00:00Z');
    expect(nextBoundary(schedule, now)).toBeDefined();
    expect(nextWindowChange(schedule, now)).toBeUndefined();
  });
});
