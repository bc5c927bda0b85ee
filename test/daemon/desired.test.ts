// What /status, `scalerd status` and the logs say a value comes from: the window and the
// class that put it in force, as README's precedence names it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { desiredView, formatSource } from '../../src/daemon/desired.js';
import { scheduleOf, utc } from '../helpers.js';

const example = scheduleOf(JSON.parse(readFileSync('schedules/example.json', 'utf8')) as Record<string, unknown>, utc('2026-12-01T00:00Z'));

describe('the source of a desired value', () => {
  it('a holiday on a weekday is the date list\'s doing; a listed Saturday is an ordinary weekend day', () => {
    const christmas = desiredView(example, utc('2026-12-25T11:00Z')); // Friday, in holidays
    expect(christmas.sources.capacity.workers).toMatchObject({ kind: 'window', window: 'weekends', class: 'date-list', until: utc('2026-12-25T23:00Z') });
    expect(formatSource(christmas.sources.capacity.workers)).toBe('window weekends (date list)');
    const boxingDay = desiredView(example, utc('2026-12-26T11:00Z')); // Saturday, also in holidays
    expect(boxingDay.sources.capacity.workers).toMatchObject({ kind: 'window', window: 'weekends', class: 'recurring' });
    expect(formatSource(boxingDay.sources.capacity.workers)).toBe('window weekends');
  });
});
