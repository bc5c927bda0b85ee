// The example schedule over two years: exactly the transitions an independent reading of
// the file predicts, none missing and none doubled, across four DST changes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { epochDay, fromEpochDay, isoWeekday, parseDate } from '../../src/schedule/calendar.js';
import { checkScheduleText, formatLocal, timeline } from '../../src/schedule/index.js';
import { utc } from '../helpers.js';

const text = readFileSync(new URL('../../schedules/example.json', import.meta.url), 'utf8');
const example = JSON.parse(text) as { dateLists: { holidays: string[] } };
const loaded = checkScheduleText(text, { file: 'schedules/example.json', now: utc('2026-11-25T00:00Z') });
if (!loaded.ok) throw new Error('example.json must be valid');
const schedule = loaded.schedule;

/**
 * The oracle: the example's rules restated in local wall time, with no time zones,
 * occurrences or precedence code. Event > weekend or holiday > weeknight > day.
 */
function oracleState(day: number, minute: number): string {
  const holidays = new Set(example.dateLists.holidays.map((d) => parseDate(d)!));
  const wall = day * 1440 + minute;
  const eventFrom = epochDay({ year: 2026, month: 11, day: 27 }) * 1440 + 6 * 60;
  const eventTo = epochDay({ year: 2026, month: 11, day: 30 }) * 1440 + 9 * 60;
  if (wall >= eventFrom && wall < eventTo) return 'event';
  if (isoWeekday(day) >= 6 || holidays.has(day)) return 'quarter';
  const nightStartsOn = (d: number) => isoWeekday(d) !== 6; // Sun-Fri
  if ((minute >= 20 * 60 && nightStartsOn(day)) || (minute < 7 * 60 && nightStartsOn(day - 1))) return 'half';
  return 'full';
}

function oracleTransitions(firstDay: number, lastDay: number): number {
  let count = 0;
  let previous = oracleState(firstDay, 0);
  for (let day = firstDay; day < lastDay; day++) {
    for (const minute of [0, 6 * 60, 7 * 60, 9 * 60, 20 * 60]) {
      if (day === firstDay && minute === 0) continue;
      const state = oracleState(day, minute);
      if (state !== previous) count++;
      previous = state;
    }
  }
  return count;
}

const localMidnight = (date: string, plusDays = 0) =>
  schedule.zone.resolve({ ...fromEpochDay(parseDate(date)! + plusDays), hour: 0, minute: 0, second: 0 }).instant;

describe('the example schedule', () => {
  it('has exactly the expected number of transitions over two years', () => {
    const [from, to] = ['2026-11-25', '2028-11-25'];
    const tl = timeline(schedule, localMidnight(from), localMidnight(to));
    const expected = oracleTransitions(parseDate(from)!, parseDate(to)!);
    // 104 weeks of 12 changes (Mon 00:00, 07:00 and 20:00 Mon–Fri, Sat 00:00) is 1248;
    // holidays, the two extra days and Black Friday move that a little.
    expect(expected).toBeGreaterThan(1200);
    expect(tl.transitions).toHaveLength(expected);
  });

  const week = [
    'Mon 07:00', 'Mon 20:00', 'Tue 07:00', 'Tue 20:00', 'Wed 07:00', 'Wed 20:00',
    'Thu 07:00', 'Thu 20:00', 'Fri 07:00', 'Fri 20:00', 'Sat 00:00', 'Mon 00:00',
  ];
  it.each([
    // 29 March 2027 is Easter Monday, a holiday: the weekend goes on through Monday.
    ['spring 2027', '2027-03-22', week.slice(0, -1)],
    ['autumn 2027', '2027-10-25', week],
    ['spring 2028', '2028-03-20', week],
  ])('a DST week (%s) has its changes at the local times the file says', (_, monday, expected) => {
    // Through the next Monday 00:00 local, whatever the week's length in real hours.
    const tl = timeline(schedule, localMidnight(monday), localMidnight(monday, 7) + 60_000);
    const times = tl.transitions.map((t) => formatLocal(schedule.zone, t.at).slice(0, 3) + formatLocal(schedule.zone, t.at).slice(14, 20));
    expect(times).toEqual(expected);
  });

  it('treats a holiday as a weekend day: Ascension Thursday 2027 runs at a quarter', () => {
    const tl = timeline(schedule, localMidnight('2027-05-05'), localMidnight('2027-05-07') + 8 * 3_600_000);
    expect(tl.transitions.map((t) => [formatLocal(schedule.zone, t.at), t.desired.state.capacity.workers])).toEqual([
      ['Wed 2027-05-05 07:00 +02:00', 12],
      ['Wed 2027-05-05 20:00 +02:00', 6],
      ['Thu 2027-05-06 00:00 +02:00', 3],
      ['Fri 2027-05-07 00:00 +02:00', 6], // Thursday's night window, started at 20:00, goes on
      ['Fri 2027-05-07 07:00 +02:00', 12],
    ]);
  });
});
