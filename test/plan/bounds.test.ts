import { describe, expect, it } from 'vitest';
import { plan } from '../../src/plan/index.js';
import { kinds, nodesOf, planOf, world } from './builders.js';

describe('group bounds and the per-reconcile cap', () => {
  it('refuses up front below the ASG’s MinSize', () => {
    const w = world().group('workers', { asg: 'shop-workers', minSize: 2 }).nodes_('n', 2);
    const p = planOf(w, { capacity: { workers: 1 } });
    expect(nodesOf(p, 'drain-node')).toEqual([]);
    expect(p.blocked).toEqual([{ code: 'min-size', group: 'workers', message: 'workers: ASG shop-workers at MinSize 2 (the schedule asks 1)' }]);
  });

  it('stops at MinSize when the schedule asks for less', () => {
    const w = world().group('workers', { asg: 'shop-workers', minSize: 2 }).nodes_('n', 4);
    const p = planOf(w, { capacity: { workers: 0 } });
    expect(nodesOf(p, 'drain-node')).toHaveLength(2);
    expect(p.groups[0]).toMatchObject({ floor: 2, target: 2, removing: 2 });
    expect(p.blocked[0]!.message).toBe('workers: stops at MinSize 2 of ASG shop-workers (the schedule asks 0)');
  });

  it('stops at the schedule’s min when the desired state is below it', () => {
    const w = world().group('workers', { scheduleMin: 3 }).nodes_('n', 5);
    const p = planOf(w, { capacity: { workers: 1 } });
    expect(nodesOf(p, 'drain-node')).toHaveLength(2);
    expect(p.blocked).toEqual([{ code: 'schedule-min', group: 'workers', message: "workers: stops at the schedule's min 3 (asked 1)" }]);
  });

  it('never scales above MaxSize', () => {
    const w = world().group('workers', { asg: 'shop-workers', maxSize: 4 }).nodes_('n', 3);
    const p = planOf(w, { capacity: { workers: 9 } });
    expect(p.steps.find((s) => s.kind === 'scale-up')).toMatchObject({ add: 1, observedDesired: 3, target: 4, maxSize: 4 });
    expect(p.blocked.map((b) => b.code)).toEqual(['max-size']);
  });

  it('removes at most the cap of new victims per reconcile, and says the rest come next time', () => {
    const w = world().group('workers').nodes_('n', 8);
    const p = planOf(w, { capacity: { workers: 2 } }, { maxNodeRemovals: 3 });
    expect(nodesOf(p, 'drain-node')).toHaveLength(3);
    expect(p.notChosen.map((n) => [n.node, n.code])).toEqual([['n4', 'cap'], ['n5', 'cap'], ['n6', 'cap'], ['n7', 'not-needed'], ['n8', 'not-needed']]);
    expect(p.blocked).toEqual([{ code: 'cap', group: 'workers', message: 'workers: removing 3 of 6 nodes: at most 3 new removals per reconcile; the rest next time' }]);
  });

  it('the cap is shared by all groups, in schedule order', () => {
    const w = world().group('a').nodes_('a', 3).group('b').nodes_('b', 3);
    const p = planOf(w, { capacity: { a: 1, b: 1 } }, { maxNodeRemovals: 3 });
    expect(nodesOf(p, 'drain-node')).toEqual(['a1', 'a2', 'b1']);
  });

  it('a floor above the ceiling changes nothing and says why', () => {
    const w = world().group('workers', { minSize: 5, scheduleMax: 3 }).nodes_('n', 5);
    const p = planOf(w, { capacity: { workers: 3 } });
    expect(kinds(p)).toEqual([]);
    expect(p.blocked.map((b) => b.code)).toEqual(['bounds-conflict']);
    expect(p.groups[0]!.direction).toBe('hands-off');
  });

  it('a group missing from the cloud is reported, not guessed', () => {
    const w = world().group('workers').nodes_('n', 2);
    const p = planOf(w, { capacity: { workers: 1 } });
    const gone = { ...w.schedule(), nodeGroups: [...w.schedule().nodeGroups, { name: 'gpu', asg: 'gpu-asg', min: 0, max: 4 }] };
    expect(p.blocked).toEqual([]);
    const again = plan({ observation: w.build(), schedule: gone, desired: { capacity: { workers: 1, gpu: 2 }, replicas: {} }, now: p.at });
    expect(again.blocked).toEqual([{ code: 'group-not-found', group: 'gpu', message: 'gpu: Auto Scaling group gpu-asg not found' }]);
  });
});
