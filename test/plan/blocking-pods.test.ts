import { describe, expect, it } from 'vitest';
import { nodesOf, planOf, world, type PodOpts } from './builders.js';

/** n1 is the cheapest victim (one pod) unless that pod blocks it; n2 has two ordinary pods. */
function cluster(odd: PodOpts) {
  return world().group('workers').node('n1').node('n2').node('n3')
    .pod('shop/odd', { node: 'n1', ...odd })
    .deployment('shop/web', 2, ['n2']).deployment('shop/api', 5, ['n3']);
}

describe('a pod that blocks its node: the node is skipped and another chosen', () => {
  it.each<[string, PodOpts, string]>([
    ['an unreplicated pod', { bare: true }, 'not managed by a controller'],
    ['a pod with local storage', { localStorage: true, deploy: 'cache' }, 'uses local storage'],
    ['a pod annotated safe-to-evict=false', { deploy: 'batch', annotations: { 'scalerd.io/safe-to-evict': 'false' } }, 'safe-to-evict=false'],
  ])('%s', (_, odd, why) => {
    const p = planOf(cluster(odd), { capacity: { workers: 2 } });
    expect(nodesOf(p, 'drain-node')).toEqual(['n2']);
    const skipped = p.notChosen.find((n) => n.node === 'n1')!;
    expect(skipped.code).toBe('blocking-pods');
    expect(skipped.reason).toContain(`pod shop/odd`);
    expect(skipped.reason).toContain(why);
  });

  it('a pod selected by two budgets (fail fast: the eviction API would answer 500)', () => {
    const w = cluster({ deploy: 'odd' }).pdb('shop/odd-a', { app: 'odd' }).pdb('shop/odd-b', { app: 'odd' });
    const p = planOf(w, { capacity: { workers: 2 } });
    expect(nodesOf(p, 'drain-node')).toEqual(['n2']);
    expect(p.notChosen.find((n) => n.node === 'n1')!.reason).toContain('selected by 2 PodDisruptionBudgets (shop/odd-a, shop/odd-b)');
  });

  it('unless the policy allows evicting such pods', () => {
    const p = planOf(cluster({ bare: true }), { capacity: { workers: 2 } }, { pods: { evictUnreplicated: true } });
    expect(nodesOf(p, 'drain-node')).toEqual(['n1']);
  });

  it('when every node is blocked, the plan says so', () => {
    const w = world().group('workers').node('n1').node('n2').pod('shop/a', { node: 'n1', bare: true }).pod('shop/b', { node: 'n2', localStorage: true });
    const p = planOf(w, { capacity: { workers: 1 } });
    expect(nodesOf(p, 'drain-node')).toEqual([]);
    expect(p.blocked).toEqual([{ code: 'no-candidate', group: 'workers', message: 'workers: removing 0 of 1 nodes: no other node can go (2 blocking-pods)' }]);
  });
});
