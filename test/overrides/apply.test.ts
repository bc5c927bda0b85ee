// Overrides on top of the schedule: the newest active override wins per field, expired and
// pending ones are ignored, and the schedule's limits bind them, with the clamping reported.

import { describe, expect, it } from 'vitest';
import { activeOverrides, applyOverrides, expired, nextOverrideChange, type Override } from '../../src/overrides/index.js';
import { desiredAt } from '../../src/schedule/index.js';
import { doc, scheduleOf, utc } from '../helpers.js';

const NOW = utc('2026-11-25T11:00Z'); // Wednesday 12:00 in Amsterdam

const schedule = scheduleOf(doc({
  nodeGroups: { workers: { min: 2, max: 40 }, gpu: { min: 0, max: 4 } },
  workloads: { 'shop/web': { min: 1, max: 20 } },
  default: { capacity: { workers: 10, gpu: 0 }, replicas: { 'shop/web': 5 } },
  windows: [{ name: 'office', weekly: { days: 'Mon-Fri', from: '08:00', to: '18:00' }, capacity: { workers: 12 } }],
}));

const HOUR = 3_600_000;
function override(id: string, fields: Partial<Override> = {}): Override {
  return { id, from: NOW - HOUR, until: NOW + HOUR, reason: 'test', by: 'alice', createdAt: NOW - HOUR, ...fields };
}

describe('applyOverrides', () => {
  const desired = desiredAt(schedule, NOW);

  it('without overrides, is the schedule\'s state with its sources', () => {
    const applied = applyOverrides(schedule, desired, [], NOW);
    expect(applied.state).toEqual({ capacity: { workers: 12, gpu: 0 }, replicas: { 'shop/web': 5 } });
    expect(applied.sources.capacity.workers).toMatchObject({ kind: 'window', window: 'office' });
    expect(applied.sources.capacity.gpu).toEqual({ kind: 'default' });
    expect(applied).toMatchObject({ clamped: [], ignored: [], active: [] });
  });

  it('the newest active override wins per field; others keep the fields it does not set', () => {
    const older = override('older', { capacity: { workers: 20 }, replicas: { 'shop/web': 7 }, createdAt: NOW - 2 * HOUR });
    const newer = override('newer', { capacity: { workers: 30 }, createdAt: NOW - HOUR });
    for (const order of [[older, newer], [newer, older]]) {
      const applied = applyOverrides(schedule, desired, order, NOW);
      expect(applied.state).toEqual({ capacity: { workers: 30, gpu: 0 }, replicas: { 'shop/web': 7 } });
      expect(applied.sources.capacity.workers).toEqual({ kind: 'override', id: 'newer', until: NOW + HOUR, by: 'alice', reason: 'test' });
      expect(applied.sources.replicas['shop/web']).toMatchObject({ kind: 'override', id: 'older' });
      expect(applied.sources.capacity.gpu).toEqual({ kind: 'default' });
      expect(applied.active.map((o) => o.id)).toEqual(['newer', 'older']);
    }
  });

  it('ties on createdAt are broken the same way whatever the order read', () => {
    const a = override('aaaaaa', { capacity: { workers: 20 } });
    const b = override('bbbbbb', { capacity: { workers: 25 } });
    expect(applyOverrides(schedule, desired, [a, b], NOW).state.capacity.workers).toBe(25);
    expect(applyOverrides(schedule, desired, [b, a], NOW).state.capacity.workers).toBe(25);
  });

  it('ignores expired overrides (until is exclusive) and pending ones', () => {
    const gone = override('gone', { capacity: { workers: 30 }, until: NOW, createdAt: NOW - HOUR / 2 });
    const later = override('later', { capacity: { workers: 35 }, from: NOW + 1, createdAt: NOW });
    const applied = applyOverrides(schedule, desired, [gone, later], NOW);
    expect(applied.state.capacity.workers).toBe(12);
    expect(applied.sources.capacity.workers).toMatchObject({ kind: 'window', window: 'office' });
    expect(applyOverrides(schedule, desired, [later], NOW + 1).state.capacity.workers).toBe(35);
  });

  it('clamps to the schedule\'s limits and says so', () => {
    const applied = applyOverrides(schedule, desired, [override('big', { capacity: { workers: 60, gpu: 0 }, replicas: { 'shop/web': 0 } })], NOW);
    expect(applied.state).toEqual({ capacity: { workers: 40, gpu: 0 }, replicas: { 'shop/web': 1 } });
    expect(applied.sources.capacity.workers).toMatchObject({ kind: 'override', id: 'big' });
    expect(applied.clamped).toEqual([
      expect.objectContaining({ code: 'SCALERD_WARN_OVERRIDE_CLAMPED', id: 'big', section: 'capacity', key: 'workers', asked: 60, applied: 40, min: 2, max: 40 }),
      expect.objectContaining({ id: 'big', section: 'replicas', key: 'shop/web', asked: 0, applied: 1 }),
    ]);
    expect(applied.clamped[0]!.message).toBe('override big: capacity 60 for "workers" is above its max 40 in the schedule; 40 is applied');
    expect(applied.clamped[1]!.message).toContain('below its min 1');
  });

  it('does not report the clamping of a value a newer override shadows', () => {
    const old = override('old', { capacity: { workers: 99 }, createdAt: NOW - 2 * HOUR });
    const fresh = override('fresh', { capacity: { workers: 15 } });
    const applied = applyOverrides(schedule, desired, [old, fresh], NOW);
    expect(applied.state.capacity.workers).toBe(15);
    expect(applied.clamped).toEqual([]);
  });

  it('ignores, with a warning, values for node groups and workloads the schedule no longer declares', () => {
    const applied = applyOverrides(schedule, desired, [override('stale', { capacity: { workers: 20, old: 3 }, replicas: { 'shop/cart': 2 } })], NOW);
    expect(applied.state).toEqual({ capacity: { workers: 20, gpu: 0 }, replicas: { 'shop/web': 5 } });
    expect(applied.ignored).toEqual([
      expect.objectContaining({ code: 'SCALERD_WARN_OVERRIDE_IGNORED', id: 'stale', section: 'capacity', key: 'old' }),
      expect.objectContaining({ id: 'stale', section: 'replicas', key: 'shop/cart' }),
    ]);
    expect(applied.ignored[0]!.message).toContain('the schedule declares no node group "old"');
  });
});

describe('activeOverrides, expired, nextOverrideChange', () => {
  const past = override('past', { from: NOW - 2 * HOUR, until: NOW - HOUR });
  const edge = override('edge', { until: NOW });
  const now = override('now', { createdAt: NOW - 3 * HOUR });
  const soon = override('soon', { from: NOW + HOUR, until: NOW + 2 * HOUR });
  const all = [past, edge, now, soon];

  it('splits by phase at the instant', () => {
    expect(activeOverrides(all, NOW).map((o) => o.id)).toEqual(['now']);
    expect(expired(all, NOW).map((o) => o.id)).toEqual(['past', 'edge']);
  });

  it('gives the daemon the next instant an override starts or ends', () => {
    expect(nextOverrideChange(all, NOW)).toBe(NOW + HOUR);
    expect(nextOverrideChange(all, NOW + 2 * HOUR)).toBeUndefined();
  });
});
