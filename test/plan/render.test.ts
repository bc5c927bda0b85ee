import { describe, expect, it } from 'vitest';
import { checkPlanOptions, describeStep, renderPlan, stepLogFields } from '../../src/plan/index.js';
import { planOf, world } from './builders.js';

describe('the plan for people and for logs', () => {
  const w = world().group('workers', { asg: 'shop-workers', suspended: [] }).nodes_('n', 3).node('n4', { protected: true })
    .deployment('shop/web', 6, ['n1', 'n2', 'n3', 'n4'], { cpu: 500 }).pdb('shop/web', { app: 'web', allowed: 1 });
  const p = planOf(w, { capacity: { workers: 2 }, replicas: { 'shop/web': 4 } });

  it('renders a dry run as lines', () => {
    expect(renderPlan(p)).toEqual([
      'plan at 2026-03-02T20:00:00Z (owner scalerd): 4 steps',
      '  workers (shop-workers): down, desired 4, target 2, MinSize 0, MaxSize 100, 4 Ready; removing 2, adding 0',
      '1. suspend AZRebalance on shop-workers (workers)',
      '   why: instances leave shop-workers: AZRebalance would launch and terminate to even out zones, without a drain',
      '2. scale Deployment shop/web down: replicas 6 → 4, record scalerd.io/original-replicas=6',
      '   why: the schedule wants 4; it has 6',
      '3. remove n3 (i-n3, eu-west-1a): mark, drain, terminate, delete-node; 1 pod to evict (0.5 CPU, 128 MiB)',
      '   why: workers shrinks to 2: 1 pod to move, zone eu-west-1a',
      '4. remove n1 (i-n1, eu-west-1a): mark, drain, terminate, delete-node; 2 pods to evict (1 CPU, 256 MiB)',
      '   why: workers shrinks to 2: 2 pods to move, zone eu-west-1a',
      'not chosen:',
      '  - workers/n4 (i-n4, eu-west-1a): instance i-n4 is protected from scale-in',
      '  - workers/n2 (i-n2, eu-west-1a): not needed: workers reaches its target without it',
      'budgets:',
      '  - shop/web: 1 disruption allowed now, 1 pod to evict, at least 1 wave',
      'fit: room found for 1 moving pod on 1 staying node',
    ]);
  });

  it('says in one line that a group\'s many other nodes are not needed, naming the first three', () => {
    const big = world().group('workers', { asg: 'shop-workers', suspended: [] }).nodes_('n', 8).node('p', { protected: true });
    const lines = renderPlan(planOf(big, { capacity: { workers: 8 }, replicas: {} }));
    const notChosen = lines.slice(lines.indexOf('not chosen:') + 1);
    expect(notChosen[0]).toBe('  - workers/p (i-p, eu-west-1a): instance i-p is protected from scale-in');
    expect(notChosen[1]).toMatch(/^ {2}- workers: 7 nodes not needed: workers reaches its target without them \(n\d, n\d, n\d and 4 more\)$/);
    expect(notChosen).toHaveLength(2);
  });

  it('gives every step flat log fields with its reason', () => {
    const drain = p.steps.find((s) => s.kind === 'drain-node')!;
    expect(stepLogFields(drain)).toEqual({
      step: 'drain-node', group: 'workers', asg: 'shop-workers', node: 'n3', instance: 'i-n3', zone: 'eu-west-1a', pods: 1,
      actions: 'drain,terminate,delete-node', reason: 'workers shrinks to 2: 1 pod to move, zone eu-west-1a',
    });
    for (const step of p.steps) {
      expect(stepLogFields(step).step).toBe(step.kind);
      expect(describeStep(step).length).toBeGreaterThan(0);
    }
  });

  it('is plain data: it survives JSON unchanged', () => {
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});

describe('options', () => {
  it('are checked eagerly, one sentence per problem', () => {
    expect(checkPlanOptions({})).toEqual([]);
    expect(checkPlanOptions({ owner: 'bad owner!', maxNodeRemovals: -1, unhealthy: { fraction: 2 } })).toEqual([
      'owner "bad owner!" is not a valid label value (1–63 letters, digits, \'-\', \'_\', \'.\')',
      'maxNodeRemovals must be an integer ≥ 0, not -1',
      'unhealthy.fraction must be within 0..1, not 2',
    ]);
  });
});
