import { describe, expect, it } from 'vitest';
import { clampState, desiredAt, nextBoundary, timeline } from '../../src/schedule/index.js';
import { doc, iso, scheduleOf, utc } from '../helpers.js';

// 2026-11-23 is a Monday. Europe/Amsterdam is UTC+1 in winter.
const night = { name: 'night', weekly: { days: 'Mon-Fri', from: '20:00', to: '07:00' }, capacity: { workers: 5 }, replicas: { 'shop/web': 2 } };
const weekend = { name: 'weekend', weekly: { days: 'Sat,Sun', from: '00:00', to: '24:00' }, capacity: { workers: 3 } };

describe('desiredAt', () => {
  const schedule = scheduleOf(doc({ windows: [night, weekend] }));

  it('outside every window the default holds, and says so', () => {
    const d = desiredAt(schedule, utc('2026-11-25T12:00Z'));
    expect(d.state).toEqual({ capacity: { workers: 10 }, replicas: { 'shop/web': 5 } });
    expect(d.sources.capacity.workers).toEqual({ kind: 'default' });
  });

  it('an overnight window covers both sides of midnight in one entry', () => {
    expect(desiredAt(schedule, utc('2026-11-25T19:00Z')).state.capacity.workers).toBe(5); // Wed 20:00
    expect(desiredAt(schedule, utc('2026-11-26T05:59Z')).state.capacity.workers).toBe(5); // Thu 06:59
    expect(desiredAt(schedule, utc('2026-11-26T06:00Z')).state.capacity.workers).toBe(10); // Thu 07:00: end is exclusive
  });

  it('a window that sets only capacity leaves replicas to lower-ranked windows', () => {
    // Saturday 03:00: Friday's night (sets both) and the weekend (capacity only) overlap;
    // the weekend is later in the file so it wins capacity, the night still sets replicas.
    const d = desiredAt(schedule, utc('2026-11-28T02:00Z'));
    expect(d.state).toEqual({ capacity: { workers: 3 }, replicas: { 'shop/web': 2 } });
    expect(d.sources.capacity.workers).toMatchObject({ kind: 'window', window: 'weekend' });
    expect(d.sources.replicas['shop/web']).toMatchObject({ kind: 'window', window: 'night', start: utc('2026-11-27T19:00Z'), end: utc('2026-11-28T06:00Z') });
  });
});

describe('precedence', () => {
  it('within a class, priority beats file order', () => {
    const schedule = scheduleOf(doc({ windows: [{ ...weekend, priority: 2 }, night] }));
    expect(desiredAt(schedule, utc('2026-11-28T02:00Z')).state.capacity.workers).toBe(3);
  });

  it('an absolute window beats recurring ones whatever their priority', () => {
    const event = { name: 'event', absolute: { from: '2026-11-27T06:00', to: '2026-11-30T09:00' }, capacity: { workers: 40 } };
    const schedule = scheduleOf(doc({ windows: [event, { ...weekend, priority: 100 }] }));
    expect(desiredAt(schedule, utc('2026-11-28T12:00Z')).state.capacity.workers).toBe(40);
    expect(desiredAt(schedule, utc('2026-11-30T08:00Z')).state.capacity.workers).toBe(10); // Mon 09:00 local: over
  });

  it('a date brought in by a date list beats a recurring window, and only on that date', () => {
    const holidayAsWeekend = { ...weekend, alsoOn: ['holidays'] };
    const schedule = scheduleOf(doc({ dateLists: { holidays: ['2026-12-25'] }, windows: [holidayAsWeekend, night] }));
    // Christmas Friday 21:00: without the list the night window (later in the file) would win.
    const d = desiredAt(schedule, utc('2026-12-25T20:00Z'));
    expect(d.state.capacity.workers).toBe(3);
    expect(d.sources.capacity.workers).toMatchObject({ window: 'weekend', class: 'date-list' });
    // Thursday 24 December 21:00: an ordinary night.
    expect(desiredAt(schedule, utc('2026-12-24T20:00Z')).state.capacity.workers).toBe(5);
  });

  it('a listed date that is one of the window\'s own days stays recurring: priority decides (issue 21)', () => {
    // 2027-04-25 is a Sunday and a holiday: the weekend window would start then anyway.
    const schedule = scheduleOf(doc({
      dateLists: { holidays: ['2027-04-25'] },
      windows: [
        { ...weekend, name: 'weekends', alsoOn: ['holidays'] },
        { name: 'sunday-batch', weekly: { days: ['Sun'], from: '02:00', to: '04:00' }, priority: 5, capacity: { workers: 20 } },
      ],
    }));
    const batch = desiredAt(schedule, utc('2027-04-25T01:00Z')); // 03:00 CEST
    expect(batch.state.capacity.workers).toBe(20);
    expect(batch.sources.capacity.workers).toMatchObject({ window: 'sunday-batch', class: 'recurring' });
    const after = desiredAt(schedule, utc('2027-04-25T03:00Z')); // 05:00 CEST
    expect(after.state.capacity.workers).toBe(3);
    expect(after.sources.capacity.workers).toMatchObject({ window: 'weekends', class: 'recurring' });
    // A Sunday that is not listed behaves the same.
    expect(desiredAt(schedule, utc('2027-04-18T01:00Z')).sources.capacity.workers).toMatchObject({ window: 'sunday-batch' });
  });

  it('a cron window is date-list only on listed dates its own date fields do not match', () => {
    const batch = { name: 'batch', cron: { start: '0 2 * * 1-5', duration: '2h' }, alsoOn: ['extra'], capacity: { workers: 7 } };
    const schedule = scheduleOf(doc({ dateLists: { extra: ['2026-11-25', '2026-11-28'] }, windows: [batch] })); // Wed, Sat
    expect(desiredAt(schedule, utc('2026-11-25T01:30Z')).sources.capacity.workers).toMatchObject({ class: 'recurring' });
    expect(desiredAt(schedule, utc('2026-11-28T01:30Z')).sources.capacity.workers).toMatchObject({ class: 'date-list' });
  });

  it('exceptOn: no occurrence starts on listed dates; date ranges include both ends', () => {
    const schedule = scheduleOf(doc({ dateLists: { freeze: ['2026-12-21..2026-12-23'] }, windows: [{ ...night, exceptOn: ['freeze'] }] }));
    expect(desiredAt(schedule, utc('2026-12-18T20:00Z')).state.capacity.workers).toBe(5); // Fri 18th
    expect(desiredAt(schedule, utc('2026-12-21T20:00Z')).state.capacity.workers).toBe(10); // Mon 21st
    expect(desiredAt(schedule, utc('2026-12-23T20:00Z')).state.capacity.workers).toBe(10); // Wed 23rd
    expect(desiredAt(schedule, utc('2026-12-24T20:00Z')).state.capacity.workers).toBe(5); // Thu 24th
  });

  it('per-window time zones', () => {
    const ny = { name: 'ny-evening', timezone: 'America/New_York', weekly: { days: 'Mon-Sun', from: '18:00', to: '19:00' }, capacity: { workers: 7 } };
    const schedule = scheduleOf(doc({ windows: [ny] }));
    expect(desiredAt(schedule, utc('2026-11-25T23:30Z')).state.capacity.workers).toBe(7); // 18:30 EST
    expect(desiredAt(schedule, utc('2026-11-25T17:30Z')).state.capacity.workers).toBe(10); // 18:30 in Amsterdam
  });
});

describe('timeline', () => {
  const schedule = scheduleOf(doc({ windows: [night, weekend] }));

  it('lists value changes in order with the windows that caused them', () => {
    const tl = timeline(schedule, utc('2026-11-27T12:00Z'), utc('2026-11-30T12:00Z')); // Fri noon → Mon noon
    expect(tl.initial.state.capacity.workers).toBe(10);
    expect(tl.transitions.map((t) => [iso(t.at), t.desired.state.capacity.workers, t.desired.state.replicas['shop/web'], t.started, t.ended])).toEqual([
      ['2026-11-27T19:00Z', 5, 2, ['night'], []],
      ['2026-11-27T23:00Z', 3, 2, ['weekend'], []],
      ['2026-11-28T06:00Z', 3, 5, [], ['night']],
      // Monday 00:00: the weekend ends and Monday's night has not begun.
      ['2026-11-29T23:00Z', 10, 5, [], ['weekend']],
    ]);
  });

  it('skips boundaries where nothing changes', () => {
    // Two windows with the same values back to back: one change in, one change out.
    const a = { name: 'a', weekly: { days: 'Wed', from: '10:00', to: '12:00' }, capacity: { workers: 4 } };
    const b = { name: 'b', weekly: { days: 'Wed', from: '12:00', to: '14:00' }, capacity: { workers: 4 } };
    const tl = timeline(scheduleOf(doc({ windows: [a, b] })), utc('2026-11-25T00:00Z'), utc('2026-11-26T00:00Z'));
    expect(tl.transitions.map((t) => iso(t.at))).toEqual(['2026-11-25T09:00Z', '2026-11-25T13:00Z']);
  });

  it('clampState brings values within the limits (overrides go through it)', () => {
    const tight = scheduleOf(doc({ nodeGroups: { workers: { min: 2, max: 20 } }, workloads: { 'shop/web': { min: 1, max: 8 } } }));
    expect(clampState(tight, { capacity: { workers: 50 }, replicas: { 'shop/web': 0 } })).toEqual({ capacity: { workers: 20 }, replicas: { 'shop/web': 1 } });
    expect(clampState(tight, { capacity: { workers: 1 }, replicas: { 'shop/web': 9 } })).toEqual({ capacity: { workers: 2 }, replicas: { 'shop/web': 8 } });
  });
});

describe('nextBoundary', () => {
  const schedule = scheduleOf(doc({ windows: [night, weekend] }));

  it('is the next start or end of any window, strictly after the instant', () => {
    expect(iso(nextBoundary(schedule, utc('2026-11-25T12:00Z'))!)).toBe('2026-11-25T19:00Z');
    expect(iso(nextBoundary(schedule, utc('2026-11-25T19:00Z'))!)).toBe('2026-11-26T06:00Z');
  });

  it('finds rare cron starts years away', () => {
    const leap = { name: 'leap', cron: { start: '0 12 29 2 *', duration: '1h' }, capacity: { workers: 1 } };
    expect(iso(nextBoundary(scheduleOf(doc({ windows: [leap] })), utc('2026-11-25T00:00Z'))!)).toBe('2028-02-29T11:00Z');
  });

  it('does not skip a near cron start hidden behind a long absolute window', () => {
    const event = { name: 'event', absolute: { from: '2026-11-01T00:00', to: '2027-06-01T00:00' }, capacity: { workers: 50 } };
    const monthly = { name: 'monthly', cron: { start: '0 3 15 * *', duration: '2h' }, capacity: { workers: 1 } };
    const schedule = scheduleOf(doc({ windows: [event, monthly] }));
    expect(iso(nextBoundary(schedule, utc('2026-11-25T00:00Z'))!)).toBe('2026-12-15T02:00Z');
  });

  it('is undefined when no window starts or ends again', () => {
    const past = { name: 'past', absolute: { from: '2020-01-01T00:00', to: '2020-01-02T00:00' }, capacity: { workers: 1 } };
    expect(nextBoundary(scheduleOf(doc({ windows: [past] })), utc('2026-11-25T00:00Z'))).toBeUndefined();
  });
});
