import { describe, expect, it } from 'vitest';
import { kinds, nodesOf, planOf, scalerdMark, world } from './builders.js';

describe('AZRebalance', () => {
  it('is suspended before any instance leaves, when the policy says suspend (the default)', () => {
    const w = world().group('workers', { asg: 'shop-workers', suspended: [] }).nodes_('n', 3);
    const p = planOf(w, { capacity: { workers: 2 } });
    expect(p.steps[0]).toEqual({
      kind: 'suspend-processes', group: 'workers', asg: 'shop-workers', processes: ['AZRebalance'],
      reason: 'instances leave shop-workers: AZRebalance would launch and terminate to even out zones, without a drain',
    });
  });

  it('is not touched when nothing leaves, or when it is already suspended', () => {
    expect(kinds(planOf(world().group('workers', { suspended: [] }).nodes_('n', 3), { capacity: { workers: 4 } }))).toEqual(['scale-up']);
    expect(kinds(planOf(world().group('workers').nodes_('n', 3), { capacity: { workers: 2 } }))).toEqual(['drain-node']);
  });

  it('refuses to remove nodes when not suspended and the policy is refuse, and rolls its marks back', () => {
    const w = world().group('workers', { asg: 'shop-workers', suspended: [] }).nodes_('n', 3).node('n4', scalerdMark('cordoned'));
    const p = planOf(w, { capacity: { workers: 2 } }, { azRebalance: 'refuse' });
    expect(kinds(p)).toEqual(['rollback-node']);
    expect(p.blocked).toEqual([{ code: 'az-rebalance', group: 'workers', message: 'workers: AZRebalance not suspended on shop-workers and policy is refuse' }]);
    expect(p.notChosen.every((n) => n.code === 'az-rebalance')).toBe(true);
  });

  it('goes ahead without suspending when the policy is ignore', () => {
    const w = world().group('workers', { suspended: [] }).nodes_('n', 3);
    expect(kinds(planOf(w, { capacity: { workers: 2 } }, { azRebalance: 'ignore' }))).toEqual(['drain-node']);
  });
});

describe('an unhealthy cluster', () => {
  it('removes no node while more than 45 % (and more than 3) of the managed nodes are not Ready', () => {
    const w = world().group('workers').nodes_('ok', 4).nodes_('bad', 4, { ready: false }).deployment('shop/web', 4, ['bad1', 'bad2', 'bad3', 'bad4']);
    const p = planOf(w, { capacity: { workers: 6 } });
    expect(nodesOf(p, 'drain-node')).toEqual([]);
    expect(p.blocked).toEqual([{ code: 'cluster-unhealthy', group: 'workers', message: 'workers: cluster unhealthy: 4 of 8 managed nodes are not Ready; no node is removed' }]);
  });

  it('a few unready nodes do not stop it', () => {
    const w = world().group('workers').nodes_('ok', 2).nodes_('bad', 3, { ready: false }).deployment('shop/web', 3, ['bad1', 'bad2', 'bad3']);
    expect(nodesOf(planOf(w, { capacity: { workers: 4 } }), 'drain-node')).toEqual(['ok1']);
  });
});
