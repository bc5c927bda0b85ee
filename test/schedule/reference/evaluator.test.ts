/**
 * The reference evaluator against hand-computed expectations from README.md. Every instant
 * below was checked with `TZ=<zone> date -d @<epoch>` (GNU date, the system's tzdata), not
 * derived from the evaluator or from src/.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ReferenceEvaluator, type RefDesired, type RefInterval } from './evaluator.js';

const Z = (iso: string): number => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad test instant ${iso}`);
  return t;
};
const iso = (t: number): string => new Date(t).toISOString();
/** Intervals as readable, sortable strings. */
const spans = (ivs: readonly RefInterval[]): string[] =>
  ivs.map((i) => `${i.window}#${i.index} ${i.class} ${iso(i.start)} ${iso(i.end)}`).sort();

const example = JSON.parse(readFileSync(new URL('../../../schedules/example.json', import.meta.url), 'utf8')) as unknown;

/** A one-group schedule ("workers", min 1, max 40, default 10) in `timezone` with these windows. */
function doc(windows: unknown[], extra: Record<string, unknown> = {}, timezone = 'Europe/Amsterdam'): unknown {
  return {
    version: 1,
    timezone,
    nodeGroups: { workers: { asg: 'w', min: 1, max: 40 } },
    workloads: {},
    default: { capacity: { workers: 10 }, replicas: {} },
    windows,
    ...extra,
  };
}

function workers(d: RefDesired): [number, string] {
  const s = d.sources.capacity.workers!;
  return [d.capacity.workers!, s.kind === 'default' ? 'default' : `${s.window}/${s.class}`];
}

describe('README example (schedules/example.json, Europe/Amsterdam, CET = UTC+1 in winter)', () => {
  const ev = new ReferenceEvaluator(example, Z('2026-11-01T00:00Z'), Z('2027-01-15T00:00Z'));
  const state = (t: string) => {
    const d = ev.at(Z(t));
    return { workers: workers(d), web: d.replicas['shop/web'], search: d.replicas['shop/search'] };
  };

  it('a weekday daytime is the default', () => {
    // Wed 2026-12-02 12:00 CET
    expect(state('2026-12-02T11:00Z')).toEqual({ workers: [12, 'default'], web: 6, search: 3 });
  });

  it('a weeknight runs at half size', () => {
    // Wed 2026-12-02 23:00 CET; Thu 2026-12-03 06:59 CET is still the same night
    expect(state('2026-12-02T22:00Z')).toEqual({ workers: [6, 'weeknights/recurring'], web: 3, search: 2 });
    expect(state('2026-12-03T05:59Z')).toEqual({ workers: [6, 'weeknights/recurring'], web: 3, search: 2 });
    expect(state('2026-12-03T06:00Z')).toEqual({ workers: [12, 'default'], web: 6, search: 3 });
  });

  it('a weekend runs at a quarter, and wins where Friday night meets it', () => {
    // Fri 2026-12-04 23:30 CET: the weekend has not started yet
    expect(state('2026-12-04T22:30Z')).toEqual({ workers: [6, 'weeknights/recurring'], web: 3, search: 2 });
    // Sat 2026-12-05 01:00 CET: both in force, weekends has priority 1
    expect(state('2026-12-05T00:00Z')).toEqual({ workers: [3, 'weekends/recurring'], web: 2, search: 1 });
    // Sat 2026-12-05 12:00 CET
    expect(state('2026-12-05T11:00Z')).toEqual({ workers: [3, 'weekends/recurring'], web: 2, search: 1 });
  });

  it('a holiday on a weekday is brought in by the date list', () => {
    // Fri 2026-12-25 12:00 CET and Fri 2027-01-01 12:00 CET
    expect(state('2026-12-25T11:00Z')).toEqual({ workers: [3, 'weekends/date-list'], web: 2, search: 1 });
    expect(state('2027-01-01T11:00Z')).toEqual({ workers: [3, 'weekends/date-list'], web: 2, search: 1 });
    // Fri 2026-12-25 01:00 CET: Thursday's weeknight is also in force; date-list > recurring
    expect(state('2026-12-25T00:00Z')).toEqual({ workers: [3, 'weekends/date-list'], web: 2, search: 1 });
    // Thu 2026-12-24 12:00 CET is no holiday
    expect(state('2026-12-24T11:00Z')).toEqual({ workers: [12, 'default'], web: 6, search: 3 });
  });

  it('Black Friday to Cyber Monday runs at double size, whatever the day', () => {
    // Fri 2026-11-27 05:59 CET: still Thursday's weeknight; 06:00 CET: black-friday
    expect(state('2026-11-27T04:59Z')).toEqual({ workers: [6, 'weeknights/recurring'], web: 3, search: 2 });
    expect(state('2026-11-27T05:00Z')).toEqual({ workers: [24, 'black-friday/absolute'], web: 12, search: 4 });
    // Sat 2026-11-28 12:00 CET: absolute beats the weekend (priority 1)
    expect(state('2026-11-28T11:00Z')).toEqual({ workers: [24, 'black-friday/absolute'], web: 12, search: 4 });
    // Mon 2026-11-30 08:59 CET, then 09:00 CET: over
    expect(state('2026-11-30T07:59Z')).toEqual({ workers: [24, 'black-friday/absolute'], web: 12, search: 4 });
    expect(state('2026-11-30T08:00Z')).toEqual({ workers: [12, 'default'], web: 6, search: 3 });
    expect(ev.intervals().filter((i) => i.window === 'black-friday')).toEqual([
      { window: 'black-friday', index: 2, class: 'absolute', start: Z('2026-11-27T05:00Z'), end: Z('2026-11-30T08:00Z') },
    ]);
  });

  it('lists boundaries in the range and no offset change in winter', () => {
    const b = ev.boundaries();
    expect(b).toContain(Z('2026-11-27T05:00Z'));
    expect(b).toContain(Z('2026-12-24T23:00Z')); // the holiday starts Fri 00:00 CET
    expect([...b].sort((x, y) => x - y)).toEqual(b);
    expect(new Set(b).size).toBe(b.length);
    expect(ev.offsetChanges()).toEqual([]);
  });
});

describe('class by cause', () => {
  const brief = doc(
    [
      { name: 'weekends', weekly: { days: ['Sat', 'Sun'], from: '00:00', to: '24:00' }, alsoOn: ['holidays'], capacity: { workers: 3 } },
      { name: 'sunday-batch', weekly: { days: ['Sun'], from: '02:00', to: '04:00' }, priority: 5, capacity: { workers: 20 } },
    ],
    { dateLists: { holidays: ['2027-04-25'] } },
  );

  it('a holiday that falls on a day the window has anyway stays recurring', () => {
    // Sun 2027-04-25 is both a Sunday and a holiday: weekends is recurring there, so the
    // priority-5 sunday-batch wins at 03:00 CEST; at 05:00 CEST weekends is alone.
    const ev = new ReferenceEvaluator(brief, Z('2027-04-20T00:00Z'), Z('2027-04-30T00:00Z'));
    expect(workers(ev.at(Z('2027-04-25T01:00Z')))).toEqual([20, 'sunday-batch/recurring']);
    expect(workers(ev.at(Z('2027-04-25T03:00Z')))).toEqual([3, 'weekends/recurring']);
    expect(spans(ev.intervals().filter((i) => i.window === 'weekends'))).toEqual([
      'weekends#0 recurring 2027-04-23T22:00:00.000Z 2027-04-24T22:00:00.000Z',
      'weekends#0 recurring 2027-04-24T22:00:00.000Z 2027-04-25T22:00:00.000Z',
    ]);
  });

  it('a holiday on a weekday is date-list and beats a higher-priority recurring window', () => {
    const d = doc(
      [
        { name: 'weekends', weekly: { days: 'Sat,Sun', from: '00:00', to: '24:00' }, alsoOn: ['holidays'], capacity: { workers: 3 } },
        { name: 'office', weekly: { days: 'Mon-Fri', from: '08:00', to: '18:00' }, priority: 100, capacity: { workers: 30 } },
      ],
      { dateLists: { holidays: ['2027-04-27'] } },
    );
    const ev = new ReferenceEvaluator(d, Z('2027-04-26T00:00Z'), Z('2027-04-29T00:00Z'));
    // Tue 2027-04-27 12:00 CEST (holiday), Wed 2027-04-28 12:00 CEST (not)
    expect(workers(ev.at(Z('2027-04-27T10:00Z')))).toEqual([3, 'weekends/date-list']);
    expect(workers(ev.at(Z('2027-04-28T10:00Z')))).toEqual([30, 'office/recurring']);
  });

  it('a window with overlapping occurrences of two classes competes with the stronger', () => {
    // cron Mondays 00:00 for 3 days (Mon–Thu 00:00), and Tue 2026-12-01 by alsoOn (Tue–Fri 00:00)
    const d = doc(
      [
        { name: 'batch', cron: { start: '0 0 * * 1', duration: '3d' }, alsoOn: ['extra'], capacity: { workers: 5 } },
        { name: 'office', weekly: { days: 'Mon-Fri', from: '00:00', to: '24:00' }, priority: 10, capacity: { workers: 30 } },
      ],
      { dateLists: { extra: ['2026-12-01'] } },
    );
    const ev = new ReferenceEvaluator(d, Z('2026-11-29T00:00Z'), Z('2026-12-06T00:00Z'));
    expect(spans(ev.intervals().filter((i) => i.window === 'batch'))).toEqual([
      'batch#0 date-list 2026-11-30T23:00:00.000Z 2026-12-03T23:00:00.000Z',
      'batch#0 recurring 2026-11-29T23:00:00.000Z 2026-12-02T23:00:00.000Z',
    ]);
    expect(workers(ev.at(Z('2026-11-30T11:00Z')))).toEqual([30, 'office/recurring']); // Mon: batch only recurring
    expect(workers(ev.at(Z('2026-12-02T11:00Z')))).toEqual([5, 'batch/date-list']); // Wed: both, date-list counts
    expect(workers(ev.at(Z('2026-12-03T11:00Z')))).toEqual([5, 'batch/date-list']); // Thu: date-list only
    expect(workers(ev.at(Z('2026-12-04T11:00Z')))).toEqual([30, 'office/recurring']); // Fri
  });

  it('a cron on an alsoOn date takes its times from the minute and hour fields', () => {
    const d = doc([{ name: 'mon', cron: { start: '0 9 * * 1', duration: '2h' }, alsoOn: ['x'], capacity: { workers: 7 } }], {
      dateLists: { x: ['2026-12-02'] },
    });
    const ev = new ReferenceEvaluator(d, Z('2026-11-30T00:00Z'), Z('2026-12-06T00:00Z'));
    expect(spans(ev.intervals())).toEqual([
      'mon#0 date-list 2026-12-02T08:00:00.000Z 2026-12-02T10:00:00.000Z',
      'mon#0 recurring 2026-11-30T08:00:00.000Z 2026-11-30T10:00:00.000Z',
    ]);
  });
});

describe('exceptOn and date lists', () => {
  it('exceptOn stops starts on its dates only, and wins over alsoOn', () => {
    const d = doc(
      [
        { name: 'nights', weekly: { days: 'Mon-Fri', from: '20:00', to: '07:00' }, exceptOn: ['freeze'], capacity: { workers: 4 } },
        { name: 'sat', weekly: { days: 'Sat', from: '10:00', to: '12:00' }, alsoOn: ['freeze'], exceptOn: ['freeze'], capacity: { workers: 9 } },
      ],
      // Wed 2026-12-02, and Sat 2026-12-05 as a one-day range
      { dateLists: { freeze: ['2026-12-02', '2026-12-05..2026-12-05'] } },
    );
    const ev = new ReferenceEvaluator(d, Z('2026-11-30T00:00Z'), Z('2026-12-07T00:00Z'));
    // Tue night runs into Wed 07:00 CET; no Wed night; Thu night as usual
    expect(workers(ev.at(Z('2026-12-02T05:59Z')))).toEqual([4, 'nights/recurring']);
    expect(workers(ev.at(Z('2026-12-02T21:00Z')))).toEqual([10, 'default']);
    expect(workers(ev.at(Z('2026-12-03T21:00Z')))).toEqual([4, 'nights/recurring']);
    // neither Wed (alsoOn, excepted) nor Sat (own day, excepted)
    expect(ev.intervals().filter((i) => i.window === 'sat')).toEqual([]);
  });

  it('a date range includes both ends', () => {
    const d = doc([{ name: 'xmas', weekly: { days: 'Sun', from: '09:00', to: '10:00' }, alsoOn: ['hol'], capacity: { workers: 2 } }], {
      dateLists: { hol: ['2026-12-24..2026-12-26'] },
    });
    const ev = new ReferenceEvaluator(d, Z('2026-12-22T00:00Z'), Z('2026-12-29T00:00Z'));
    expect(spans(ev.intervals())).toEqual([
      'xmas#0 date-list 2026-12-24T08:00:00.000Z 2026-12-24T09:00:00.000Z',
      'xmas#0 date-list 2026-12-25T08:00:00.000Z 2026-12-25T09:00:00.000Z',
      'xmas#0 date-list 2026-12-26T08:00:00.000Z 2026-12-26T09:00:00.000Z',
      'xmas#0 recurring 2026-12-27T08:00:00.000Z 2026-12-27T09:00:00.000Z',
    ]);
  });
});

describe('daylight saving time, Europe/Amsterdam (2026-03-29 02:00 CET → 03:00 CEST at 01:00Z; 2026-10-25 03:00 CEST → 02:00 CET at 01:00Z)', () => {
  const spring = [Z('2026-03-27T00:00Z'), Z('2026-03-31T00:00Z')] as const;
  const fall = [Z('2026-10-23T00:00Z'), Z('2026-10-27T00:00Z')] as const;

  it('a window starting in the gap starts at the first instant after it', () => {
    const ev = new ReferenceEvaluator(doc([{ name: 'w', weekly: { days: 'Sun', from: '02:30', to: '03:30' }, capacity: { workers: 5 } }]), ...spring);
    expect(spans(ev.intervals())).toEqual(['w#0 recurring 2026-03-29T01:00:00.000Z 2026-03-29T01:30:00.000Z']);
    expect(workers(ev.at(Z('2026-03-29T00:59Z')))).toEqual([10, 'default']);
    expect(workers(ev.at(Z('2026-03-29T01:00Z')))).toEqual([5, 'w/recurring']);
    expect(workers(ev.at(Z('2026-03-29T01:30Z')))).toEqual([10, 'default']);
    expect(ev.offsetChanges()).toEqual([Z('2026-03-29T01:00Z')]);
  });

  it('a window wholly inside the gap has no instant that day', () => {
    const ev = new ReferenceEvaluator(doc([{ name: 'w', weekly: { days: 'Sun', from: '02:10', to: '02:40' }, capacity: { workers: 5 } }]), ...spring);
    expect(ev.intervals()).toEqual([]);
    expect(ev.boundaries()).toEqual([]);
    expect(workers(ev.at(Z('2026-03-29T01:00Z')))).toEqual([10, 'default']);
  });

  it('a window across spring forward keeps its local times (22:00–06:00 lasts 7 hours)', () => {
    const ev = new ReferenceEvaluator(doc([{ name: 'n', weekly: { days: 'Sat', from: '22:00', to: '06:00' }, capacity: { workers: 5 } }]), ...spring);
    expect(spans(ev.intervals())).toEqual(['n#0 recurring 2026-03-28T21:00:00.000Z 2026-03-29T04:00:00.000Z']);
  });

  it('a repeated local time takes effect at its first occurrence, once', () => {
    const ev = new ReferenceEvaluator(
      doc([
        { name: 'w', weekly: { days: 'Sun', from: '02:30', to: '04:00' }, capacity: { workers: 5 } },
        { name: 'c', cron: { start: '30 2 * * 0', duration: '10m' }, capacity: { workers: 6 } },
      ]),
      ...fall,
    );
    expect(spans(ev.intervals())).toEqual([
      'c#1 recurring 2026-10-25T00:30:00.000Z 2026-10-25T00:40:00.000Z', // 02:30 CEST, not again at 02:30 CET
      'w#0 recurring 2026-10-25T00:30:00.000Z 2026-10-25T03:00:00.000Z', // 02:30 CEST to 04:00 CET: 2.5 h
    ]);
    expect(ev.offsetChanges()).toEqual([Z('2026-10-25T01:00Z')]);
  });

  it('a cron duration is elapsed time: 20:00 + 11h ends at 06:00 on the night the clocks go back', () => {
    const ev = new ReferenceEvaluator(doc([{ name: 'c', cron: { start: '0 20 * * 6', duration: '11h' }, capacity: { workers: 6 } }]), ...fall);
    // Sat 2026-10-24 20:00 CEST = 18:00Z; + 11 h = 05:00Z = Sun 06:00 CET
    expect(spans(ev.intervals())).toEqual(['c#0 recurring 2026-10-24T18:00:00.000Z 2026-10-25T05:00:00.000Z']);
    expect(workers(ev.at(Z('2026-10-25T04:59Z')))).toEqual([6, 'c/recurring']);
    expect(workers(ev.at(Z('2026-10-25T05:00Z')))).toEqual([10, 'default']);
  });

  it('cron starts inside the gap all take effect when it ends', () => {
    const ev = new ReferenceEvaluator(doc([{ name: 'c', cron: { start: '*/15 2 * * *', duration: '10m' }, capacity: { workers: 6 } }]), ...spring);
    const sunday = ev.intervals().filter((i) => i.start >= Z('2026-03-29T00:00Z') && i.start < Z('2026-03-30T00:00Z'));
    // 02:00, 02:15, 02:30, 02:45 do not exist: each happens at 03:00 CEST (the same interval, kept once)
    expect(spans(sunday)).toEqual(['c#0 recurring 2026-03-29T01:00:00.000Z 2026-03-29T01:10:00.000Z']);
  });

  it('absolute local date-times follow the same policy, also far outside the range', () => {
    const ev = new ReferenceEvaluator(
      doc([
        { name: 'gap', absolute: { from: '2026-03-29T02:30', to: '2026-03-29T05:00' }, capacity: { workers: 5 } },
        { name: 'decade', absolute: { from: '2020-01-01T00:00', to: '2030-01-01T00:00' }, capacity: { workers: 2 } },
      ]),
      ...spring,
    );
    expect(spans(ev.intervals())).toEqual([
      'decade#1 absolute 2019-12-31T23:00:00.000Z 2029-12-31T23:00:00.000Z',
      'gap#0 absolute 2026-03-29T01:00:00.000Z 2026-03-29T03:00:00.000Z',
    ]);
    // Both absolute: the later in the file wins
    expect(workers(ev.at(Z('2026-03-29T02:00Z')))).toEqual([2, 'decade/absolute']);
  });
});

describe('daylight saving time, Australia/Lord_Howe (30-minute DST)', () => {
  // 2026-04-05 02:00 +11 → 01:30 +10:30 at 2026-04-04T15:00Z (01:30–02:00 happens twice);
  // 2026-10-04 02:00 +10:30 → 02:30 +11 at 2026-10-03T15:30Z (02:00–02:30 does not exist).
  const lh = (windows: unknown[], from: string, to: string) =>
    new ReferenceEvaluator(doc(windows, {}, 'Australia/Lord_Howe'), Z(from), Z(to));

  it('a window starting in the 30-minute gap starts at 02:30 +11', () => {
    const ev = lh(
      [
        { name: 'w', weekly: { days: 'Sun', from: '02:10', to: '03:00' }, capacity: { workers: 5 } },
        { name: 'inside', weekly: { days: 'Sun', from: '02:00', to: '02:30' }, capacity: { workers: 6 } },
      ],
      '2026-10-01T00:00Z',
      '2026-10-06T00:00Z',
    );
    expect(spans(ev.intervals())).toEqual(['w#0 recurring 2026-10-03T15:30:00.000Z 2026-10-03T16:00:00.000Z']);
    expect(ev.offsetChanges()).toEqual([Z('2026-10-03T15:30Z')]);
  });

  it('a repeated half hour takes effect the first time', () => {
    const ev = lh([{ name: 'w', weekly: { days: 'Sun', from: '01:45', to: '03:00' }, capacity: { workers: 5 } }], '2026-04-02T00:00Z', '2026-04-07T00:00Z');
    // 01:45 +11 = 14:45Z (not 01:45 +10:30 = 15:15Z); 03:00 +10:30 = 16:30Z
    expect(spans(ev.intervals())).toEqual(['w#0 recurring 2026-04-04T14:45:00.000Z 2026-04-04T16:30:00.000Z']);
    expect(workers(ev.at(Z('2026-04-04T15:15Z')))).toEqual([5, 'w/recurring']);
  });

  it('lists both offset changes of 2026', () => {
    const ev = lh([], '2026-01-01T00:00Z', '2027-01-01T00:00Z');
    expect(ev.offsetChanges()).toEqual([Z('2026-04-04T15:00Z'), Z('2026-10-03T15:30Z')]);
  });
});

describe('zones, cron fields, clamping, names', () => {
  it('a window uses its own timezone (Asia/Kolkata, UTC+5:30) over the schedule’s', () => {
    const d = doc([{ name: 'k', timezone: 'Asia/Kolkata', weekly: { days: 'Mon', from: '09:00', to: '17:00' }, capacity: { workers: 5 } }], {}, 'UTC');
    const ev = new ReferenceEvaluator(d, Z('2026-12-06T00:00Z'), Z('2026-12-09T00:00Z'));
    expect(spans(ev.intervals())).toEqual(['k#0 recurring 2026-12-07T03:30:00.000Z 2026-12-07T11:30:00.000Z']);
  });

  it('cron: Vixie day matching, ranges, steps and Sunday as 7', () => {
    const starts = (start: string) => {
      const ev = new ReferenceEvaluator(doc([{ name: 'c', cron: { start, duration: '1h' }, capacity: { workers: 5 } }]), Z('2026-11-01T00:00Z'), Z('2026-12-01T00:00Z'));
      return ev
        .intervals()
        .map((i) => iso(i.start).slice(0, 16))
        .filter((s) => s >= '2026-11-01')
        .sort();
    };
    // Fridays in November 2026: 6, 13, 20, 27; the 13th is one of them
    expect(starts('0 12 13 * 5')).toEqual(['2026-11-06T11:00', '2026-11-13T11:00', '2026-11-20T11:00', '2026-11-27T11:00']);
    expect(starts('0 12 13 * *')).toEqual(['2026-11-13T11:00']);
    expect(starts('0 12 * 11 5')).toEqual(['2026-11-06T11:00', '2026-11-13T11:00', '2026-11-20T11:00', '2026-11-27T11:00']);
    // 1st or Sunday (7): Sundays 1, 8, 15, 22, 29
    expect(starts('0 12 1 * 7')).toEqual(['2026-11-01T11:00', '2026-11-08T11:00', '2026-11-15T11:00', '2026-11-22T11:00', '2026-11-29T11:00']);
    // hours 8–12 step 2, minute list, on the 2nd only
    expect(starts('0,30 8-12/2 2 * *')).toEqual([
      '2026-11-02T07:00', '2026-11-02T07:30', '2026-11-02T09:00', '2026-11-02T09:30', '2026-11-02T11:00', '2026-11-02T11:30',
    ]);
    // README: a day field starting with `*` is no restriction (Vixie), so `*/10` with a
    // day of week means both: a Saturday that is the 1st, 11th, 21st or 31st.
    expect(starts('0 12 */10 * 6')).toEqual(['2026-11-21T11:00']);
    // `1-31` is a restriction: either matches, every day of the month.
    expect(starts('0 12 1-31 * 6')).toHaveLength(30);
  });

  it('clamps windows and the default to the limits', () => {
    const d = {
      version: 1,
      timezone: 'UTC',
      nodeGroups: { workers: { min: 2, max: 40 }, spare: { min: 3, max: 5 } },
      workloads: { 'ns/free': {}, 'ns/capped': { kind: 'Deployment', min: 2, max: 6 } },
      default: { capacity: { workers: 12, spare: 1 }, replicas: { 'ns/free': 150000, 'ns/capped': 1 } },
      windows: [{ name: 'big', weekly: { days: 'Mon', from: '00:00', to: '24:00' }, capacity: { workers: 100 }, replicas: { 'ns/free': 0, 'ns/capped': 10 } }],
    };
    const ev = new ReferenceEvaluator(d, Z('2026-12-06T00:00Z'), Z('2026-12-09T00:00Z'));
    const sun = ev.at(Z('2026-12-06T12:00Z'));
    expect([sun.capacity, sun.replicas]).toEqual([{ workers: 12, spare: 3 }, { 'ns/free': 150000, 'ns/capped': 2 }]);
    const mon = ev.at(Z('2026-12-07T12:00Z'));
    expect([mon.capacity, mon.replicas]).toEqual([{ workers: 40, spare: 3 }, { 'ns/free': 0, 'ns/capped': 6 }]);
    expect(mon.sources.capacity.spare).toEqual({ kind: 'default' });
  });

  it('names like constructor and toString are ordinary keys', () => {
    const d = {
      version: 1,
      timezone: 'UTC',
      nodeGroups: { constructor: { min: 0, max: 10 }, toString: { min: 0, max: 10 } },
      default: { capacity: { constructor: 1, toString: 2 } },
      windows: [{ name: 'constructor', weekly: { days: 'Mon', from: '00:00', to: '24:00' }, capacity: { constructor: 7 } }],
    };
    const m = new ReferenceEvaluator(d, Z('2026-12-06T00:00Z'), Z('2026-12-09T00:00Z')).at(Z('2026-12-07T12:00Z'));
    expect(m.capacity).toEqual({ constructor: 7, toString: 2 });
    expect(m.replicas).toEqual({});
    expect(m.sources.capacity.toString).toEqual({ kind: 'default' });
  });

  it('ties in class and priority go to the later window, higher priority first', () => {
    const d = doc([
      { name: 'a', weekly: { days: 'Mon', from: '00:00', to: '24:00' }, priority: 1, capacity: { workers: 1 } },
      { name: 'b', weekly: { days: 'Mon', from: '00:00', to: '24:00' }, capacity: { workers: 2 } },
      { name: 'c', weekly: { days: 'Mon', from: '00:00', to: '24:00' }, priority: 1, capacity: { workers: 3 } },
    ], {}, 'UTC');
    const ev = new ReferenceEvaluator(d, Z('2026-12-06T00:00Z'), Z('2026-12-09T00:00Z'));
    expect(workers(ev.at(Z('2026-12-07T12:00Z')))).toEqual([3, 'c/recurring']);
  });

  it('boundaries are the starts and ends strictly inside (from, to)', () => {
    const d = doc([{ name: 'd', weekly: { days: 'Mon-Sun', from: '00:00', to: '12:00' }, capacity: { workers: 5 } }], {}, 'UTC');
    const ev = new ReferenceEvaluator(d, Z('2026-12-07T00:00Z'), Z('2026-12-09T00:00Z'));
    expect(ev.boundaries().map(iso)).toEqual(['2026-12-07T12:00:00.000Z', '2026-12-08T00:00:00.000Z', '2026-12-08T12:00:00.000Z']);
    expect(ev.intervals()).toHaveLength(2);
  });
});
