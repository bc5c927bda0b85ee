// Windows whose boundaries fall on DST change days: none vanishes or doubles, and every
// boundary lands where the policy says (gap → first instant after it; repeat → first).
import { describe, expect, it } from 'vitest';
import { checkScheduleText, timeline } from '../../src/schedule/index.js';
import { doc, iso, scheduleOf, utc } from '../helpers.js';

const DAY = 86_400_000;

function changesBetween(zone: string, window: Record<string, unknown>, from: string, to: string): string[] {
  const schedule = scheduleOf(doc({ timezone: zone, windows: [{ name: 'w', capacity: { workers: 1 }, ...window }] }));
  return timeline(schedule, utc(from), utc(to)).transitions.map((t) => `${iso(t.at)} ${t.changes[0]!.to}`);
}

describe('weekly windows on DST change days', () => {
  it('Amsterdam spring 2026: a window starting in the gap starts at 03:00 CEST, not skipped', () => {
    expect(changesBetween('Europe/Amsterdam', { weekly: { days: 'Sun', from: '02:30', to: '06:00' } }, '2026-03-28T00:00Z', '2026-03-30T00:00Z'))
      .toEqual(['2026-03-29T01:00Z 1', '2026-03-29T04:00Z 10']);
  });

  it('Amsterdam autumn 2026: a window at the repeated hour happens once, from the first 02:30', () => {
    expect(changesBetween('Europe/Amsterdam', { weekly: { days: 'Sun', from: '02:30', to: '03:30' } }, '2026-10-24T00:00Z', '2026-10-26T00:00Z'))
      .toEqual(['2026-10-25T00:30Z 1', '2026-10-25T02:30Z 10']);
  });

  it('Amsterdam 2027 both days: a daily 02:15–02:45 window has one start and one end every day but the spring day', () => {
    const spring = changesBetween('Europe/Amsterdam', { weekly: { days: 'Mon-Sun', from: '02:15', to: '02:45' } }, '2027-03-25T12:00Z', '2027-03-31T12:00Z');
    // 26, 27, 29, 30, 31 March: 5 occurrences; on the 28th the whole window lies in the gap.
    expect(spring).toHaveLength(10);
    expect(spring.some((t) => t.startsWith('2027-03-28'))).toBe(false);
    const autumn = changesBetween('Europe/Amsterdam', { weekly: { days: 'Mon-Sun', from: '02:15', to: '02:45' } }, '2027-10-28T12:00Z', '2027-11-03T12:00Z');
    expect(autumn).toHaveLength(12); // 6 days, once each: the repeated 02:15 does not start it twice
    expect(autumn.filter((t) => t.startsWith('2027-10-31'))).toEqual(['2027-10-31T00:15Z 1', '2027-10-31T00:45Z 10']);
  });

  it('a window wholly inside the gap is reported by validate on every such date, not dropped silently', () => {
    const text = JSON.stringify(doc({ windows: [{ name: 'w', weekly: { days: 'Sun', from: '02:10', to: '02:50' }, capacity: { workers: 1 } }] }));
    const result = checkScheduleText(text, { file: 'x.json', now: utc('2026-01-01T00:00Z') });
    expect(result.ok).toBe(true);
    const dst = result.diagnostics.filter((d) => d.code === 'SCALERD_WARN_SCHEDULE_DST');
    expect(dst.map((d) => d.pointer)).toEqual(['/windows/0/weekly']);
    // Within a year of 2026-01-01: spring 2026-03-29 (wholly skipped), autumn 2026-10-25 (both ends repeated).
    expect(dst[0]!.message).toBe('"w" meets a DST change in Europe/Amsterdam on 2 dates within the next year: '
      + '2026-03-29: 02:10–02:50 lies wholly in the skipped hour, so the window does not occur that day; '
      + '2026-10-25: 02:10 happens twice, it starts at the first, Sun 2026-10-25 02:10 +02:00, and '
      + '02:50 happens twice, it ends at the first, Sun 2026-10-25 02:50 +02:00');
  });

  it('every change date within the year is listed, whichever comes first (issue 21)', () => {
    // From 2026-06-01 the year holds autumn 2026 and spring 2027 in Amsterdam: one warning names both.
    const text = JSON.stringify(doc({ windows: [{ name: 'w', weekly: { days: 'Sun', from: '02:10', to: '02:50' }, capacity: { workers: 1 } }] }));
    const dst = checkScheduleText(text, { file: 'x.json', now: utc('2026-06-01T00:00Z') }).diagnostics.filter((d) => d.code === 'SCALERD_WARN_SCHEDULE_DST');
    expect(dst).toHaveLength(1);
    expect(dst[0]!.message).toContain('2026-10-25: 02:10 happens twice');
    expect(dst[0]!.message).toContain('2027-03-28: 02:10–02:50 lies wholly in the skipped hour');
  });

  it('cron starts and absolute boundaries in a gap are warned about too', () => {
    const text = JSON.stringify(doc({ windows: [
      { name: 'c', cron: { start: '30 2 * * 0', duration: '1h' }, capacity: { workers: 1 } },
      { name: 'a', absolute: { from: '2026-03-29T02:30', to: '2026-03-29T05:00' }, capacity: { workers: 2 } },
      { name: 'quiet', weekly: { days: 'Sun', from: '04:00', to: '05:00' }, capacity: { workers: 3 } },
    ] }));
    const dst = checkScheduleText(text, { file: 'x.json', now: utc('2026-01-01T00:00Z') }).diagnostics.filter((d) => d.code === 'SCALERD_WARN_SCHEDULE_DST');
    expect(dst.map((d) => d.pointer)).toEqual(['/windows/0/cron', '/windows/1/absolute']);
    expect(dst[0]!.message).toContain('2026-03-29: 02:30 does not exist (the clocks skip it), it starts at Sun 2026-03-29 03:00 +02:00');
    expect(dst[0]!.message).toContain('2026-10-25: 02:30 happens twice, it starts at the first, Sun 2026-10-25 02:30 +02:00');
    expect(dst[1]!.message).toBe('"a" meets a DST change in Europe/Amsterdam on 1 date within the next year: 2026-03-29: 02:30 does not exist (the clocks skip it), it starts at Sun 2026-03-29 03:00 +02:00');
  });

  it('New York 2026: overnight window across spring forward keeps its length in local time', () => {
    expect(changesBetween('America/New_York', { weekly: { days: 'Sat', from: '22:00', to: '06:00' } }, '2026-03-07T00:00Z', '2026-03-09T00:00Z'))
      .toEqual(['2026-03-08T03:00Z 1', '2026-03-08T10:00Z 10']); // 22:00 EST → 06:00 EDT: 7 real hours
  });

  it('New York autumn 2026 and 2027: 01:30–02:30 on the fall-back day is one occurrence, two real hours', () => {
    expect(changesBetween('America/New_York', { weekly: { days: 'Sun', from: '01:30', to: '02:30' } }, '2026-10-31T00:00Z', '2026-11-02T00:00Z'))
      .toEqual(['2026-11-01T05:30Z 1', '2026-11-01T07:30Z 10']);
    expect(changesBetween('America/New_York', { weekly: { days: 'Sun', from: '01:30', to: '02:30' } }, '2027-11-06T00:00Z', '2027-11-08T00:00Z'))
      .toEqual(['2027-11-07T05:30Z 1', '2027-11-07T07:30Z 10']);
  });

  it('New York spring 2027: a boundary at 02:30 takes effect at 03:00 EDT', () => {
    expect(changesBetween('America/New_York', { weekly: { days: 'Sun', from: '02:30', to: '08:00' } }, '2027-03-13T00:00Z', '2027-03-15T00:00Z'))
      .toEqual(['2027-03-14T07:00Z 1', '2027-03-14T12:00Z 10']);
  });

  it('Asia/Kolkata: half-hour offset', () => {
    expect(changesBetween('Asia/Kolkata', { weekly: { days: 'Mon', from: '09:00', to: '17:30' } }, '2026-06-01T00:00Z', '2026-06-02T00:00Z'))
      .toEqual(['2026-06-01T03:30Z 1', '2026-06-01T12:00Z 10']);
  });

  it('Australia/Lord_Howe: 30-minute DST shifts both ways', () => {
    expect(changesBetween('Australia/Lord_Howe', { weekly: { days: 'Sun', from: '02:15', to: '04:00' } }, '2026-10-03T00:00Z', '2026-10-04T12:00Z'))
      .toEqual(['2026-10-03T15:30Z 1', '2026-10-03T17:00Z 10']);
    expect(changesBetween('Australia/Lord_Howe', { weekly: { days: 'Sun', from: '01:45', to: '03:00' } }, '2026-04-04T00:00Z', '2026-04-05T12:00Z'))
      .toEqual(['2026-04-04T14:45Z 1', '2026-04-04T16:30Z 10']);
  });

  it('Etc/GMT+2 is UTC-2 all year', () => {
    expect(changesBetween('Etc/GMT+2', { weekly: { days: 'Sun', from: '02:30', to: '03:30' } }, '2026-03-28T00:00Z', '2026-03-30T00:00Z'))
      .toEqual(['2026-03-29T04:30Z 1', '2026-03-29T05:30Z 10']);
  });
});

describe('cron windows on DST change days', () => {
  const cron = { cron: { start: '30 2 * * *', duration: '1h' } };

  it('a start inside the spring gap fires at the end of the gap, not skipped', () => {
    const changes = changesBetween('Europe/Amsterdam', cron, '2026-03-28T12:00Z', '2026-03-29T12:00Z');
    expect(changes).toEqual(['2026-03-29T01:00Z 1', '2026-03-29T02:00Z 10']);
  });

  it('a start at the repeated hour fires once', () => {
    const changes = changesBetween('Europe/Amsterdam', cron, '2026-10-24T12:00Z', '2026-10-25T12:00Z');
    expect(changes).toEqual(['2026-10-25T00:30Z 1', '2026-10-25T01:30Z 10']);
  });

  it('duration is elapsed time: 20:00 + 11h ends at 06:00 local on the fall-back night', () => {
    const changes = changesBetween('Europe/Amsterdam', { cron: { start: '0 20 * * 6', duration: '11h' } }, '2026-10-24T00:00Z', '2026-10-26T00:00Z');
    expect(changes).toEqual(['2026-10-24T18:00Z 1', '2026-10-25T05:00Z 10']);
  });
});

describe('a year of daily windows across both changes', () => {
  it.each(['Europe/Amsterdam', 'America/New_York', 'Australia/Lord_Howe'])('%s: every day exactly one start and one end', (zone) => {
    const schedule = scheduleOf(doc({ timezone: zone, windows: [{ name: 'w', weekly: { days: 'Mon-Sun', from: '01:30', to: '03:15' }, capacity: { workers: 1 } }] }));
    const from = utc('2026-01-01T12:00Z');
    const tl = timeline(schedule, from, from + 365 * DAY);
    expect(tl.transitions).toHaveLength(2 * 365);
  });
});
