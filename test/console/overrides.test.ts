// Overrides sent by the console: the same checks as `override set`, with the refusals naming
// the form's fields; whole seconds; who set it. Pure: no server.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { overrideDraft } from '../../src/console/overrides.js';
import { ApiError } from '../../src/http/reply.js';
import { scheduleOf, utc } from '../helpers.js';

const example = scheduleOf(JSON.parse(readFileSync('schedules/example.json', 'utf8')) as Record<string, unknown>, utc('2026-03-01T00:00Z'));
const NOW = utc('2026-03-04T11:00Z') + 123; // Wednesday noon in Amsterdam, with milliseconds
const draft = (body: unknown) => overrideDraft(example, 'schedules/example.json', body, 'console', NOW);
const refusal = (body: unknown): ApiError => {
  try {
    draft(body);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('not refused');
};

describe('an override from the console', () => {
  it('becomes the draft `override set` would store: whole seconds, for / until / until the next window', () => {
    const at = utc('2026-03-04T11:00Z');
    expect(draft({ capacity: { workers: 14 }, for: '3h', reason: ' load test ' })).toEqual({ capacity: { workers: 14 }, from: at, until: at + 3 * 3_600_000, reason: 'load test', by: 'console', createdAt: at });
    expect(draft({ replicas: { 'shop/search': 5 }, until: '2026-03-04T18:30', reason: 'x' })).toMatchObject({ replicas: { 'shop/search': 5 }, until: utc('2026-03-04T17:30Z') });
    // Weeknights start at 20:00 local (19:00Z).
    expect(draft({ capacity: { workers: 8 }, untilNextWindow: true, reason: 'x' })).toMatchObject({ until: utc('2026-03-04T19:00Z'), untilNextWindow: true });
  });

  it('is refused with 422 naming the field and why, as the form shows it', () => {
    const cases: [unknown, RegExp][] = [
      [{ capacity: { workers: 99 }, for: '1h', reason: 'x' }, /^capacity workers=99 is outside the limits of workers in schedules\/example\.json: min 2, max 40$/],
      [{ capacity: { nope: 3 }, for: '1h', reason: 'x' }, /^capacity nope: schedules\/example\.json has no such node group \(it has workers\)$/],
      [{ replicas: { 'shop/cart': 3 }, for: '1h', reason: 'x' }, /^replicas shop\/cart: .* declares no such workload/],
      [{ for: '1h', reason: 'x' }, /^an override needs at least one capacity NAME=N or replicas NAMESPACE\/NAME=N$/],
      [{ capacity: { workers: 5 }, reason: 'x' }, /^an override needs exactly one of for <duration>, until <time>, until next window$/],
      [{ capacity: { workers: 5 }, for: '1h', until: '2026-03-05', reason: 'x' }, /needs exactly one of .* \(got for, until\)$/],
      [{ capacity: { workers: 5 }, for: '1h' }, /^an override needs a reason/],
      [{ capacity: { workers: 5 }, for: '400d', reason: 'x' }, /^for "400d": .*outside the range from 1m to 366d$/],
      [{ capacity: { workers: 5 }, until: '2026-03-01T00:00', reason: 'x' }, /^until 2026-03-01T00:00 .* is not in the future/],
      [{ capacity: { workers: 5 }, until: 'tomorrow', reason: 'x' }, /^until "tomorrow" is not a time/],
      [{ capacity: { workers: 2.5 }, for: '1h', reason: 'x' }, /^capacity workers: 2\.5 is not a whole number of 0 or more$/],
      [{ capacity: { workers: 5 }, for: '1h', reason: 'x', by: 'someone else' }, /^unknown field "by"/],
      [[1, 2], /is not a JSON object/],
    ];
    for (const [body, message] of cases) {
      const error = refusal(body);
      expect(error.status, JSON.stringify(body)).toBe(422);
      expect(error.code).toBe('SCALERD_ERR_OVERRIDE_INVALID');
      expect(error.message, JSON.stringify(body)).toMatch(message);
    }
  });
});
