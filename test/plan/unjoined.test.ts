import { describe, expect, it } from 'vitest';
import { MIN, T0, kinds, planOf, world } from './builders.js';

describe('instances that do not join', () => {
  it('terminates by exact id an instance with no node past its registration deadline, and replaces it', () => {
    const w = world().group('workers').nodes_('n', 2).unjoined('i-0late', { launchedAt: T0 - 20 * MIN });
    const p = planOf(w, { capacity: { workers: 3 } });
    expect(kinds(p)).toEqual(['terminate-unjoined', 'scale-up']);
    expect(p.steps[0]).toEqual({
      kind: 'terminate-unjoined', group: 'workers', asg: 'workers', instanceId: 'i-0late', zone: 'eu-west-1a', cause: 'not-joined',
      node: undefined, launchedAt: T0 - 20 * MIN, deadline: T0 - 5 * MIN,
      reason: 'no node joined for it by 2026-03-02T19:55:00Z (launched 2026-03-02T19:40:00Z)',
    });
    expect(p.steps[1]).toMatchObject({ kind: 'scale-up', add: 1, observedDesired: 3, target: 3 });
  });

  it('waits for an instance still within its deadline', () => {
    const w = world().group('workers').nodes_('n', 2).unjoined('i-0new', { lifecycle: 'Pending', launchedAt: T0 - 5 * MIN });
    const p = planOf(w, { capacity: { workers: 3 } });
    expect(kinds(p)).toEqual([]);
    expect(p.waiting).toEqual(['workers: i-0new (Pending) has no node yet; deadline 2026-03-02T20:10:00Z', 'workers: 2 of 3 nodes Ready']);
  });

  it('never terminates an instance whose launch time is unknown (fail closed)', () => {
    const w = world().group('workers').nodes_('n', 2).unjoined('i-0what');
    (w.groups[0]!.instances[2] as { launchedAt?: number }).launchedAt = undefined;
    const p = planOf(w, { capacity: { workers: 3 } });
    expect(kinds(p)).toEqual([]);
    expect(p.waiting[0]).toContain('launch time is unknown');
  });

  it('terminates a node that never became Ready and holds nothing to move', () => {
    const w = world().group('workers').nodes_('n', 2).node('n3', { ready: false, createdAt: T0 - 30 * MIN, launchedAt: T0 - 32 * MIN })
      .daemonSet('kube-system/logs');
    const p = planOf(w, { capacity: { workers: 3 } });
    expect(kinds(p)).toEqual(['terminate-unjoined', 'scale-up']);
    expect(p.steps[0]).toMatchObject({ cause: 'never-ready', node: 'n3', instanceId: 'i-n3' });
  });

  it('counts the terminations toward a scale-down instead of removing more nodes', () => {
    const w = world().group('workers').nodes_('n', 3).unjoined('i-0late', { launchedAt: T0 - 60 * MIN });
    const p = planOf(w, { capacity: { workers: 2 } });
    expect(kinds(p)).toEqual(['terminate-unjoined', 'drain-node']);
  });

  it('never takes the group below MinSize with them', () => {
    const w = world().group('workers', { minSize: 3 }).nodes_('n', 2).unjoined('i-0late', { launchedAt: T0 - 60 * MIN });
    const p = planOf(w, { capacity: { workers: 3 } });
    expect(kinds(p)).toEqual([]);
    expect(p.blocked).toEqual([{ code: 'unjoined-min-size', group: 'workers', message: 'workers: i-0late did not join, but terminating it would take workers below MinSize 3' }]);
  });

  it('terminates at most the cap per reconcile', () => {
    const w = world().group('workers').nodes_('n', 1)
      .unjoined('i-0a', { launchedAt: T0 - 60 * MIN }).unjoined('i-0b', { launchedAt: T0 - 50 * MIN }).unjoined('i-0c', { launchedAt: T0 - 40 * MIN });
    const p = planOf(w, { capacity: { workers: 4 } }, { maxUnjoinedTerminations: 2 });
    expect(p.steps.flatMap((s) => (s.kind === 'terminate-unjoined' ? [s.instanceId] : []))).toEqual(['i-0a', 'i-0b']);
    expect(p.blocked.map((b) => b.code)).toEqual(['unjoined-cap']);
  });
});
