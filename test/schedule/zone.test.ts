import { describe, expect, it } from 'vitest';
import { Zone } from '../../src/schedule/zone.js';
import { iso } from '../helpers.js';

const at = (y: number, mo: number, d: number, h: number, mi: number) => ({ year: y, month: mo, day: d, hour: h, minute: mi, second: 0 });

function resolve(zone: string, local: ReturnType<typeof at>) {
  const r = Zone.find(zone)!.resolve(local);
  return { kind: r.kind, instant: iso(r.instant), ...(r.kind === 'ambiguous' ? { later: iso(r.later) } : {}) };
}

describe('Zone.resolve: the DST policy', () => {
  // Spring forward: a local time in the gap takes effect at the first instant after it.
  // Fall back: a repeated local time takes effect at its first occurrence.
  it.each([
    ['Europe/Amsterdam', at(2026, 3, 29, 2, 30), { kind: 'gap', instant: '2026-03-29T01:00Z' }],
    ['Europe/Amsterdam', at(2026, 3, 29, 2, 0), { kind: 'gap', instant: '2026-03-29T01:00Z' }],
    ['Europe/Amsterdam', at(2026, 3, 29, 3, 0), { kind: 'exact', instant: '2026-03-29T01:00Z' }],
    ['Europe/Amsterdam', at(2026, 3, 29, 1, 59), { kind: 'exact', instant: '2026-03-29T00:59Z' }],
    ['Europe/Amsterdam', at(2026, 10, 25, 2, 30), { kind: 'ambiguous', instant: '2026-10-25T00:30Z', later: '2026-10-25T01:30Z' }],
    ['Europe/Amsterdam', at(2026, 10, 25, 3, 0), { kind: 'exact', instant: '2026-10-25T02:00Z' }],
    ['Europe/Amsterdam', at(2027, 3, 28, 2, 15), { kind: 'gap', instant: '2027-03-28T01:00Z' }],
    ['Europe/Amsterdam', at(2027, 10, 31, 2, 15), { kind: 'ambiguous', instant: '2027-10-31T00:15Z', later: '2027-10-31T01:15Z' }],
    ['America/New_York', at(2026, 3, 8, 2, 30), { kind: 'gap', instant: '2026-03-08T07:00Z' }],
    ['America/New_York', at(2026, 11, 1, 1, 30), { kind: 'ambiguous', instant: '2026-11-01T05:30Z', later: '2026-11-01T06:30Z' }],
    ['America/New_York', at(2027, 3, 14, 2, 15), { kind: 'gap', instant: '2027-03-14T07:00Z' }],
    ['America/New_York', at(2027, 11, 7, 1, 15), { kind: 'ambiguous', instant: '2027-11-07T05:15Z', later: '2027-11-07T06:15Z' }],
    ['Asia/Kolkata', at(2026, 6, 1, 9, 0), { kind: 'exact', instant: '2026-06-01T03:30Z' }],
    // Lord Howe moves its clocks by 30 minutes: 02:00 → 02:30 in October, 02:00 → 01:30 in April.
    ['Australia/Lord_Howe', at(2026, 10, 4, 2, 15), { kind: 'gap', instant: '2026-10-03T15:30Z' }],
    ['Australia/Lord_Howe', at(2026, 4, 5, 1, 45), { kind: 'ambiguous', instant: '2026-04-04T14:45Z', later: '2026-04-04T15:15Z' }],
    ['Australia/Lord_Howe', at(2027, 10, 3, 2, 0), { kind: 'gap', instant: '2027-10-02T15:30Z' }],
    // Etc/GMT+2 is two hours *behind* UTC: the POSIX sign is inverted.
    ['Etc/GMT+2', at(2026, 6, 1, 9, 0), { kind: 'exact', instant: '2026-06-01T11:00Z' }],
    ['Etc/GMT-14', at(2026, 6, 1, 9, 0), { kind: 'exact', instant: '2026-05-31T19:00Z' }],
  ])('%s %o', (zone, local, expected) => {
    expect(resolve(zone, local)).toEqual(expected);
  });

  it('maps back: toLocal of an exact resolution gives the same wall time', () => {
    const zone = Zone.find('America/New_York')!;
    const local = at(2026, 7, 4, 12, 34);
    expect(zone.toLocal(zone.resolve(local).instant)).toEqual(local);
  });
});

describe('Zone.find', () => {
  it.each(['Europe/Amsterdam', 'UTC', 'Etc/GMT+2', 'America/Argentina/Buenos_Aires', 'Australia/Lord_Howe'])('knows %s', (name) => {
    expect(Zone.find(name)?.name).toBe(name);
  });

  it.each(['Europe/Amsterdm', 'Mars/Olympus', '+02:00', 'GMT+2:00', '', 'Europe/../etc'])('rejects %j', (name) => {
    expect(Zone.find(name)).toBeUndefined();
  });

  it('labels offsets, including half hours and negative ones', () => {
    expect(Zone.find('Asia/Kolkata')!.offsetLabel(0)).toBe('+05:30');
    expect(Zone.find('Etc/GMT+2')!.offsetLabel(0)).toBe('-02:00');
    expect(Zone.find('Australia/Lord_Howe')!.offsetLabel(Date.parse('2026-01-01T00:00Z'))).toBe('+11:00');
  });
});
