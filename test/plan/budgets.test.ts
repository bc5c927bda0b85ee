import { describe, expect, it } from 'vitest';
import { computeBudgets } from '../../src/plan/index.js';
import { planOf, world } from './builders.js';

describe('budgets as numbers', () => {
  it('allowedNow is disruptionsAllowed, never below 0 (fail closed)', () => {
    const o = world().pdb('shop/a', { allowed: 2 }).pdb('shop/b', { allowed: -1 }).build();
    expect(computeBudgets(o.pdbs).all.map((b) => [b.key, b.allowedNow, b.never])).toEqual([['shop/a', 2, false], ['shop/b', 0, false]]);
  });

  it('a budget at desiredHealthy ≥ expectedPods can never allow a disruption', () => {
    const o = world().pdb('shop/all', { allowed: 0, desiredHealthy: 3, expectedPods: 3 }).build();
    expect(computeBudgets(o.pdbs).all[0]!.never).toBe(true);
  });

  it('selects pods of its namespace by labels (matchLabels and matchExpressions)', () => {
    const o = world().pod('shop/web-0', { deploy: 'web', labels: { tier: 'front' } }).pod('other/web-0', { deploy: 'web' })
      .pdb('shop/front', { selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] } })
      .pdb('shop/everything', { selector: {} }).build();
    const budgets = computeBudgets(o.pdbs);
    expect(budgets.of(o.pods[0]!).map((b) => b.key)).toEqual(['shop/everything', 'shop/front']);
    expect(budgets.of(o.pods[1]!)).toEqual([]);
  });

  it('the plan reports how its evictions draw on each budget: waves, or waiting when exhausted', () => {
    const w = world().group('workers').nodes_('n', 4)
      .deployment('shop/web', 4, ['n1', 'n2', 'n3', 'n4']).deployment('shop/api', 2, ['n1', 'n2'])
      .pdb('shop/web', { app: 'web', allowed: 1 }).pdb('shop/api', { app: 'api', allowed: 0 });
    const p = planOf(w, { capacity: { workers: 1 } });
    expect(p.budgets).toEqual([
      { budget: 'shop/api', allowedNow: 0, toEvict: 1, waves: undefined },
      { budget: 'shop/web', allowedNow: 1, toEvict: 3, waves: 3 },
    ]);
  });

  it('a node whose pod sits behind a budget that never allows a disruption is passed over', () => {
    const w = world().group('workers').nodes_('n', 3).pod('shop/db-0', { node: 'n1', sts: 'db' }).deployment('shop/web', 2, ['n2', 'n3'])
      .pdb('shop/db', { app: 'db', allowed: 0, desiredHealthy: 1, expectedPods: 1 });
    const p = planOf(w, { capacity: { workers: 2 } });
    expect(p.steps.flatMap((s) => (s.kind === 'drain-node' ? [s.node] : []))).toEqual(['n2']);
    expect(p.notChosen.find((n) => n.node === 'n1')!.reason).toContain('PodDisruptionBudget shop/db never allows a disruption (desiredHealthy 1 ≥ expectedPods 1)');
  });
});
