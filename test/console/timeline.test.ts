// The console's schedule data: the timeline `scalerd plan` computes, with the overrides the
// daemon applies on top, and the marks a chart draws (DST changes, override periods, the
// stretches a date list put a window in force). Pure: no server.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { consoleTimeline } from '../../src/console/timeline.js';
import { desiredView } from '../../src/daemon/desired.js';
import type { Override } from '../../src/overrides/index.js';
import { timeline } from '../../src/schedule/index.js';
import { scheduleOf, utc } from '../helpers.js';

const example = scheduleOf(JSON.parse(readFileSync('schedules/example.json', 'utf8')) as Record<string, unknown>, utc('2026-03-01T00:00Z'));
const DAY = 86_400_000;

const override = (id: string, from: string, until: string, capacity: Record<string, number>): Override => ({
  id, capacity, from: utc(from), until: utc(until), reason: `test ${id}`, by: 'test', createdAt: utc(from),
});

describe('the console\'s timeline', () => {
  it('without overrides: the points are plan\'s transitions, the state at each as plan gives it', () => {
    const from = utc('2026-03-02T00:00Z');
    const to = from + 7 * DAY;
    const t = consoleTimeline(example, from, to, []);
    const plan = timeline(example, from, to);
    expect(t.points.map((p) => p.at)).toEqual([from, ...plan.transitions.map((x) => x.at)].map((ms) => new Date(ms).toISOString().replace('.000Z', 'Z')));
    expect(t.points.slice(1).map((p) => p.state)).toEqual(plan.transitions.map((x) => x.desired.state));
    expect(t.points[0]!.state).toEqual(plan.initial.state);
    expect(t.timezone).toBe('Europe/Amsterdam');
    expect(t.groups).toEqual([{ name: 'workers', min: 2, max: 40 }]);
  });

  it('an override changes the values it covers for its period, named where it starts and ends, and is marked', () => {
    const from = utc('2026-03-04T11:00Z'); // Wednesday noon in Amsterdam: 12 workers
    const o = override('abc234', '2026-03-04T12:00Z', '2026-03-04T15:00Z', { workers: 20 });
    const t = consoleTimeline(example, from, from + DAY, [o]);
    const at = (iso: string) => t.points.find((p) => p.at === iso);
    expect(at('2026-03-04T12:00:00Z')).toMatchObject({ state: { capacity: { workers: 20 } }, started: ['override abc234'], sources: { capacity: { workers: { kind: 'override', id: 'abc234' } } } });
    expect(at('2026-03-04T15:00:00Z')).toMatchObject({ state: { capacity: { workers: 12 } }, ended: ['override abc234'] });
    expect(t.marks.overrides).toEqual([{ id: 'abc234', from: '2026-03-04T12:00:00Z', until: '2026-03-04T15:00:00Z', reason: 'test abc234', by: 'test', draft: false }]);
    // Every point's state is what the daemon would want then.
    for (const p of t.points) expect(p.state).toEqual(desiredView(example, Date.parse(p.at), [o]).state);
  });

  it('an override across a window boundary keeps its value there; the schedule\'s value comes back at its end', () => {
    const from = utc('2026-03-04T11:00Z');
    const o = override('xyz234', '2026-03-04T18:00Z', '2026-03-04T21:00Z', { workers: 9 }); // weeknights start at 19:00Z (20:00 local)
    const t = consoleTimeline(example, from, from + DAY, [o]);
    const eight = t.points.find((p) => p.at === '2026-03-04T19:00:00Z');
    // The window starts (named), but workers stays the override's 9 while the replicas change.
    expect(eight).toMatchObject({ started: ['weeknights'], state: { capacity: { workers: 9 }, replicas: { 'shop/web': 3 } } });
    expect(t.points.find((p) => p.at === '2026-03-04T21:00:00Z')).toMatchObject({ state: { capacity: { workers: 6 } }, ended: ['override xyz234'] });
  });

  it('a draft override is shown as if stored, and marked as the draft', () => {
    const from = utc('2026-03-04T11:00Z');
    const draft = { ...override('preview', '2026-03-04T11:00Z', '2026-03-04T13:00Z', { workers: 15 }) };
    const t = consoleTimeline(example, from, from + DAY, [], draft);
    expect(t.points[0]!.state.capacity.workers).toBe(15);
    expect(t.marks.overrides).toEqual([expect.objectContaining({ id: 'preview', draft: true })]);
  });

  it('a draft wins over a stored override it overlaps, as it would once stored, even made in the same millisecond', () => {
    const from = utc('2026-03-04T11:00Z');
    // Same createdAt; an id that sorts after "preview", which alone would decide a tie.
    const stored = override('zzzzzz', '2026-03-04T11:00Z', '2026-03-04T13:00Z', { workers: 14 });
    const draft = override('preview', '2026-03-04T11:00Z', '2026-03-04T13:00Z', { workers: 20 });
    const t = consoleTimeline(example, from, from + DAY, [stored], draft);
    expect(t.points[0]!.state.capacity.workers).toBe(20);
    expect(t.points[0]!.sources.capacity['workers']).toMatchObject({ kind: 'override', id: 'preview' });
    expect(t.marks.overrides.map((o) => [o.id, o.draft])).toEqual([['zzzzzz', false], ['preview', true]]);
  });

  it('marks the DST change in the range, with the offset after it', () => {
    const t = consoleTimeline(example, utc('2026-03-27T00:00Z'), utc('2026-03-31T00:00Z'), []);
    expect(t.marks.dst).toEqual([{ at: '2026-03-29T01:00:00Z', local: expect.stringContaining('2026-03-29'), offsetMinutes: 120 }]);
  });

  it('marks the stretch a date list (a holiday) put a window in force', () => {
    const t = consoleTimeline(example, utc('2027-04-25T00:00Z'), utc('2027-04-29T00:00Z'), []);
    // King's Day, Tuesday 27 April 2027: in the example's holidays, so the weekend window runs all that day.
    expect(t.marks.dateLists).toEqual([{ window: 'weekends', from: '2027-04-26T22:00:00Z', until: '2027-04-27T22:00:00Z' }]);
    expect(t.points.find((p) => p.at === '2027-04-26T22:00:00Z')?.sources.capacity.workers).toMatchObject({ kind: 'window', window: 'weekends', class: 'date-list' });
  });
});
