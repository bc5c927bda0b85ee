// What the schedule chart's past days show as done: the history's operations as steps of
// each group's Auto Scaling group capacity and each workload's replicas. Pure: no server.

import { describe, expect, it } from 'vitest';
import { doneSteps } from '../../src/console/done.js';
import type { HistoryEntry } from '../../src/daemon/history.js';
import { utc } from '../helpers.js';

const entry = (id: string, start: string, end: string, fields: Partial<HistoryEntry>): HistoryEntry => ({
  id, start, end, direction: 'down', outcome: 'done', message: '', groups: {}, added: 0, nodes: [], workloads: {}, reason: 'window nights', by: 'scalerd-0', ...fields,
});

const night = entry('n1', '2026-03-02T21:00:00.000Z', '2026-03-02T21:04:00.000Z', {
  groups: { workers: { from: 12, to: 6 } }, workloads: { 'shop/web': { from: 6, to: 3 } },
});
const morning = entry('m1', '2026-03-03T05:00:00.000Z', '2026-03-03T05:03:00.000Z', {
  direction: 'up', outcome: 'complete', groups: { workers: { from: 6, to: 12 } }, workloads: { 'shop/web': { from: 3, to: 6 } },
});

describe('doneSteps', () => {
  it('each operation: its from at its start, its to at its end; newest-first input, steps in time order', () => {
    const done = doneSteps([morning, night], utc('2026-03-02T00:00Z'), utc('2026-03-04T00:00Z'));
    expect(done.capacity['workers']!.map((s) => [s.at, s.value, s.entry])).toEqual([
      ['2026-03-02T21:00:00Z', 12, 'n1'], ['2026-03-02T21:04:00Z', 6, 'n1'],
      ['2026-03-03T05:00:00Z', 6, 'm1'], ['2026-03-03T05:03:00Z', 12, 'm1'],
    ]);
    expect(done.replicas['shop/web']!.map((s) => s.value)).toEqual([6, 3, 3, 6]);
    expect(done.capacity['workers']!.at(-1)!.outcome).toBe('complete');
  });

  it('a range starting after an operation opens with the value then in force, at its start', () => {
    const done = doneSteps([morning, night], utc('2026-03-03T00:00Z'), utc('2026-03-04T00:00Z'));
    expect(done.capacity['workers']!.map((s) => [s.at, s.value])).toEqual([['2026-03-03T00:00:00Z', 6], ['2026-03-03T05:00:00Z', 6], ['2026-03-03T05:03:00Z', 12]]);
    // Before the oldest entry nothing is known: no step there.
    expect(doneSteps([night], utc('2026-03-01T00:00Z'), utc('2026-03-02T12:00Z'))).toEqual({ capacity: {}, replicas: {} });
  });

  it('a scale-down that failed got as far as the nodes it removed; a scale-up that failed, unknown: no end step', () => {
    const failedDown = entry('f1', '2026-03-02T21:00:00.000Z', '2026-03-02T21:09:00.000Z', {
      outcome: 'failed', groups: { workers: { from: 12, to: 6 } },
      nodes: [
        { node: 'a', group: 'workers', result: 'removed', reason: '' },
        { node: 'b', group: 'workers', result: 'removed', reason: '' },
        { node: 'c', group: 'workers', result: 'rolled-back', reason: 'budget' },
        { node: 'd', group: 'other', result: 'removed', reason: '' },
      ],
    });
    const stoppedUp = entry('s1', '2026-03-03T05:00:00.000Z', '2026-03-03T05:01:00.000Z', { direction: 'up', outcome: 'stopped', groups: { workers: { from: 10, to: 12 } } });
    const done = doneSteps([stoppedUp, failedDown], utc('2026-03-02T00:00Z'), utc('2026-03-04T00:00Z'));
    expect(done.capacity['workers']!.map((s) => [s.at, s.value, s.outcome])).toEqual([
      ['2026-03-02T21:00:00Z', 12, 'failed'], ['2026-03-02T21:09:00Z', 10, 'failed'], ['2026-03-03T05:00:00Z', 10, 'stopped'],
    ]);
  });

  it('an entry edited by hand into nonsense gives no step, and does not throw', () => {
    const hand = { ...entry('h1', 'yesterday', '2026-03-02T22:00:00.000Z', {}), groups: { workers: { from: 'twelve', to: 6 } } } as unknown as HistoryEntry;
    const noFields = { id: 'h2', start: '2026-03-02T22:00:00.000Z', end: '2026-03-02T22:01:00.000Z', groups: { workers: null }, workloads: 'none' } as unknown as HistoryEntry;
    expect(() => doneSteps([hand, noFields, night], utc('2026-03-02T00:00Z'), utc('2026-03-04T00:00Z'))).not.toThrow();
    const done = doneSteps([hand, noFields, night], utc('2026-03-02T00:00Z'), utc('2026-03-04T00:00Z'));
    expect(done.capacity['workers']!.map((s) => s.entry)).toEqual(['n1', 'n1']);
  });
});
