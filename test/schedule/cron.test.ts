import { describe, expect, it } from 'vitest';
import { cronMatchesDate, parseCron } from '../../src/schedule/cron.js';

function parsed(expr: string) {
  const result = parseCron(expr);
  if (!result.ok) throw new Error(result.message);
  return result.cron;
}

describe('parseCron', () => {
  it('expands lists, ranges, steps and names', () => {
    const cron = parsed('*/15 8-18/5 1,15 JAN-mar MON-FRI');
    expect(cron.minutes).toEqual([0, 15, 30, 45]);
    expect(cron.hours).toEqual([8, 13, 18]);
    expect([...cron.daysOfMonth]).toEqual([1, 15]);
    expect([...cron.months]).toEqual([1, 2, 3]);
    expect([...cron.daysOfWeek]).toEqual([1, 2, 3, 4, 5]);
  });

  it('folds day-of-week 7 into Sunday (0)', () => {
    expect([...parsed('0 0 * * 5-7').daysOfWeek].sort()).toEqual([0, 5, 6]);
  });

  it('a single value with a step runs to the end of the range', () => {
    expect(parsed('50/5 * * * *').minutes).toEqual([50, 55]);
  });

  it.each([
    ['0 25 * * *', '25 is outside 0-23 in the hour field'],
    ['0 20 * *', 'has 4 fields, expected 5'],
    ['0 20 * * 1-5 *', 'has 6 fields, expected 5'],
    ['x 20 * * *', '"x" is not a number in the minute field'],
    ['0 20 * * 5-1', 'range 5-1 in the day of week field runs backwards'],
    ['*/0 * * * *', 'step "0" in the minute field must be a positive number'],
    ['0 0 30 2 *', 'never matches'],
    ['0 0 31 4,6,9,11 *', 'never matches'],
    ['0 0 1,,2 * *', 'is not a valid day of month item'],
  ])('rejects %j', (expr, message) => {
    const result = parseCron(expr);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain(message);
      expect(result.hint.length).toBeGreaterThan(0);
    }
  });

  it('accepts 29 February (it comes every four years)', () => {
    expect(parseCron('0 0 29 2 *').ok).toBe(true);
  });
});

describe('cronMatchesDate (Vixie semantics)', () => {
  it('with both day fields restricted, either matches', () => {
    const cron = parsed('0 0 13 * 5'); // the 13th, or any Friday
    expect(cronMatchesDate(cron, 11, 13, 1)).toBe(true); // a Monday the 13th
    expect(cronMatchesDate(cron, 11, 27, 5)).toBe(true); // a Friday the 27th
    expect(cronMatchesDate(cron, 11, 26, 4)).toBe(false);
  });

  it('with one day field a star, only the other counts', () => {
    const weekdays = parsed('0 20 * * 1-5');
    expect(cronMatchesDate(weekdays, 11, 28, 6)).toBe(false); // Saturday
    expect(cronMatchesDate(weekdays, 11, 27, 5)).toBe(true);
    const firsts = parsed('0 0 1 * *');
    expect(cronMatchesDate(firsts, 12, 1, 2)).toBe(true);
    expect(cronMatchesDate(firsts, 12, 2, 3)).toBe(false);
  });

  it('ISO Sunday (7) matches cron Sunday (0)', () => {
    expect(cronMatchesDate(parsed('0 0 * * 0'), 11, 29, 7)).toBe(true);
  });

  it('respects the month field', () => {
    expect(cronMatchesDate(parsed('0 0 * 12 *'), 11, 29, 7)).toBe(false);
  });
});
