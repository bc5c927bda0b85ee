import { describe, expect, it } from 'vitest';
import { MIN, T0, nodesOf, planOf, scalerdMark, world } from './builders.js';

const A = 'eu-west-1a';
const B = 'eu-west-1b';

describe('victim order', () => {
  it('takes nodes scalerd already cordoned first, even over an empty node', () => {
    const w = world().group('workers').node('n1').node('n2').node('n3', scalerdMark('draining')).node('n4')
      .deployment('shop/web', 6, ['n2', 'n3', 'n4']);
    const p = planOf(w, { capacity: { workers: 3 } });
    expect(nodesOf(p, 'resume-node')).toEqual(['n3']);
    expect(nodesOf(p, 'drain-node')).toEqual([]);
    expect(p.notChosen.map((n) => [n.node, n.code])).toEqual([['n1', 'not-needed'], ['n2', 'not-needed'], ['n4', 'not-needed']]);
  });

  it('among marked nodes, the most advanced phase first', () => {
    const w = world().group('workers').node('n1', scalerdMark('cordoned')).node('n2', scalerdMark('drained')).node('n3');
    const p = planOf(w, { capacity: { workers: 2 } });
    expect(nodesOf(p, 'resume-node')).toEqual(['n2']);
    expect(nodesOf(p, 'rollback-node')).toEqual(['n1']);
  });

  it('then empty nodes (only DaemonSet and mirror pods)', () => {
    const w = world().group('workers').node('n1').node('n2').node('n3')
      .deployment('shop/web', 4, ['n1', 'n1', 'n1', 'n3']).daemonSet('kube-system/logs')
      .pod('kube-system/static-n2', { node: 'n2', mirror: true });
    const p = planOf(w, { capacity: { workers: 2 } });
    expect(nodesOf(p, 'drain-node')).toEqual(['n2']);
    const step = p.steps.find((s) => s.kind === 'drain-node')!;
    expect(step.reason).toBe('workers shrinks to 2: empty, zone eu-west-1a');
  });

  it('then the fewest pods to move', () => {
    const w = world().group('workers').node('n1').node('n2').node('n3').node('n4')
      .deployment('shop/web', 6, ['n1', 'n1', 'n1', 'n2', 'n3', 'n3']).deployment('shop/api', 2, ['n4', 'n4']);
    const p = planOf(w, { capacity: { workers: 2 } });
    expect(nodesOf(p, 'drain-node')).toEqual(['n2', 'n3']);
  });

  it('an empty node that is not Ready is the cheapest of all', () => {
    // Joined five minutes ago and not Ready yet: not past its registration deadline.
    const w = world().group('workers').node('n1').node('n2', { ready: false, createdAt: T0 - 5 * MIN, launchedAt: T0 - 6 * MIN }).node('n3')
      .deployment('shop/web', 2, ['n1', 'n3']);
    const p = planOf(w, { capacity: { workers: 2 } });
    expect(nodesOf(p, 'drain-node')).toEqual(['n2']);
    expect(p.steps.find((s) => s.kind === 'drain-node')!.reason).toContain('not Ready and empty');
  });

  it('keeps zones balanced: the zone with the most nodes loses one first, even over an empty node elsewhere', () => {
    const w = world().group('workers')
      .node('a1', { zone: A }).node('a2', { zone: A }).node('a3', { zone: A })
      .node('b1', { zone: B }).node('b2', { zone: B })
      .deployment('shop/web', 8, ['a1', 'a2', 'a3', 'b2', 'a1', 'a2', 'a3', 'a1']);
    expect(nodesOf(planOf(w, { capacity: { workers: 4 } }), 'drain-node')).toEqual(['a2']);
    // Once the zones are even, the empty b1 is the cheapest.
    expect(nodesOf(planOf(w, { capacity: { workers: 3 } }), 'drain-node')).toEqual(['a2', 'b1']);
  });

  it('with pods as many, prefers the node whose pods are not behind an exhausted budget', () => {
    const w = world().group('workers').node('n1').node('n2').node('n3')
      .pod('shop/db-0', { node: 'n1', sts: 'db' }).pod('shop/web-0', { node: 'n2', deploy: 'web' }).deployment('shop/api', 3, ['n3'])
      .pdb('shop/db', { app: 'db', allowed: 0, desiredHealthy: 2, expectedPods: 3 });
    expect(nodesOf(planOf(w, { capacity: { workers: 2 } }), 'drain-node')).toEqual(['n2']);
  });

  it('lists the pods to evict with their tier and budget', () => {
    const w = world().group('workers').node('n1').node('n2')
      .pod('shop/web-0', { node: 'n1', deploy: 'web', cpu: 250 }).pod('kube-system/dns-0', { node: 'n1', deploy: 'dns', priorityClassName: 'system-cluster-critical' })
      .deployment('shop/api', 4, ['n2']).pdb('shop/web', { app: 'web', allowed: 1 });
    const p = planOf(w, { capacity: { workers: 1 } });
    const step = p.steps.find((s) => s.kind === 'drain-node')!;
    expect(step.kind === 'drain-node' && step.pods.map((x) => [x.namespace, x.name, x.tier, x.budget])).toEqual([
      ['kube-system', 'dns-0', 'critical', undefined],
      ['shop', 'web-0', 'ordinary', 'shop/web'],
    ]);
    expect(p.budgets).toEqual([{ budget: 'shop/web', allowedNow: 1, toEvict: 1, waves: 1 }]);
  });
});
