import { describe, expect, it } from 'vitest';
import { STEP_ORDER } from '../../src/plan/index.js';
import { MIN, T0, kinds, planOf, world } from './builders.js';

describe('step order', () => {
  it('down: workloads first, then nodes', () => {
    const w = world().group('workers', { suspended: [] }).nodes_('n', 4).deployment('shop/web', 8, ['n1', 'n2', 'n3', 'n4']);
    const p = planOf(w, { capacity: { workers: 2 }, replicas: { 'shop/web': 4 } });
    expect(kinds(p)).toEqual(['suspend-processes', 'scale-workload', 'drain-node', 'drain-node']);
  });

  it('up: nodes first, wait until Ready, then workloads', () => {
    const w = world().group('workers').nodes_('n', 2).deployment('shop/web', 2, ['n1', 'n2']);
    const p = planOf(w, { capacity: { workers: 5 }, replicas: { 'shop/web': 8 } });
    expect(kinds(p)).toEqual(['scale-up', 'await-nodes', 'scale-workload']);
    expect(p.steps[1]).toEqual({
      kind: 'await-nodes', groups: [{ group: 'workers', asg: 'workers', ready: 2, want: 5 }], deadline: T0 + 15 * MIN,
      reason: 'workloads scale up once the nodes are Ready: workers 2/5',
    });
  });

  it('up, nodes already Ready: workloads right away', () => {
    const w = world().group('workers').nodes_('n', 3).deployment('shop/web', 2, ['n1', 'n2']);
    expect(kinds(planOf(w, { capacity: { workers: 3 }, replicas: { 'shop/web': 6 } }))).toEqual(['scale-workload']);
  });

  it('keeps waiting for joining nodes before scaling workloads up, on a later reconcile too', () => {
    const w = world().group('workers').nodes_('n', 2).node('n3', { ready: false, createdAt: T0 - 2 * MIN, launchedAt: T0 - 3 * MIN })
      .deployment('shop/web', 2, ['n1', 'n2']);
    const p = planOf(w, { capacity: { workers: 3 }, replicas: { 'shop/web': 6 } });
    expect(kinds(p)).toEqual(['await-nodes', 'scale-workload']);
  });

  it('mixed: a shrinking workload goes first and a growing one last', () => {
    const w = world().group('workers').nodes_('n', 3).deployment('shop/web', 6, ['n1', 'n2', 'n3']).deployment('shop/api', 1, ['n1']);
    const p = planOf(w, { capacity: { workers: 4 }, replicas: { 'shop/web': 2, 'shop/api': 3 } });
    expect(p.steps.map((s) => (s.kind === 'scale-workload' ? `${s.workload.key}:${s.direction}` : s.kind)))
      .toEqual(['shop/web:down', 'scale-up', 'await-nodes', 'shop/api:up']);
  });

  it('reports completion when everything is as desired', () => {
    const w = world().group('workers').nodes_('n', 3).deployment('shop/web', 3, ['n1', 'n2', 'n3']);
    const p = planOf(w, { capacity: { workers: 3 }, replicas: { 'shop/web': 3 } });
    expect(p.steps).toEqual([{ kind: 'complete', nodesReady: 3, workloadsAvailable: 1, reason: '3 nodes Ready, 1 workload available, as desired' }]);
  });

  it('is not complete while replicas are still becoming available', () => {
    const w = world().group('workers').nodes_('n', 3).workload('shop/web', { replicas: 3, available: 1 });
    const p = planOf(w, { capacity: { workers: 3 }, replicas: { 'shop/web': 3 } });
    expect(p.steps).toEqual([]);
    expect(p.waiting).toEqual(['shop/web: 1 of 3 replicas available']);
  });

  it('follows STEP_ORDER', () => {
    expect(STEP_ORDER).toEqual(['suspend-processes', 'scale-workload', 'rollback-node', 'terminate-unjoined', 'scale-up', 'resume-node', 'drain-node', 'await-nodes', 'complete']);
  });
});
