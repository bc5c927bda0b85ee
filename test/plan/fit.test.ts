import { describe, expect, it } from 'vitest';
import { fitPods, replaySchedule, schedulerFits, type FitNode, type FitPod } from '../../src/plan/index.js';
import { GiB, MIN, MiB, T0, nodesOf, planOf, world } from './builders.js';

/** A node whose allocatable is what is free unless `extra` says otherwise. */
const node = (name: string, cpuMilli: number, memoryBytes = 8 * GiB, pods = 110, extra: Partial<FitNode> = {}): FitNode =>
  ({ name, labels: {}, taints: [], allocatable: { cpuMilli, memoryBytes }, free: { cpuMilli, memoryBytes, pods }, ...extra });
const pod = (key: string, cpuMilli: number, memoryBytes = 256 * MiB, extra: Partial<FitPod> = {}): FitPod =>
  ({ key, requests: { cpuMilli, memoryBytes }, tolerations: [], nodeSelector: {}, ...extra });

describe('fitPods (first-fit decreasing)', () => {
  it('places the largest pods first, each on the first node by name that takes it', () => {
    const result = fitPods([pod('a', 500), pod('b', 1500), pod('c', 1000)], [node('n2', 4000), node('n1', 1200)]);
    expect(result.ok && Object.fromEntries(result.placement)).toEqual({ b: 'n2', c: 'n1', a: 'n2' });
  });

  it('refuses a packing the scheduler would not find: small pods spread first fill the hole a large one needs', () => {
    // FFD puts big on n1 and both smalls on n2; the scheduler, given the smalls first,
    // puts one on each node (least allocated) and big then fits nowhere.
    const pods = [pod('big', 2500), pod('s1', 1000), pod('s2', 1000)];
    const nodes = [node('n1', 2500, 8 * GiB, 110, { allocatable: { cpuMilli: 4000, memoryBytes: 8 * GiB } }), node('n2', 2500, 8 * GiB, 110, { allocatable: { cpuMilli: 4000, memoryBytes: 8 * GiB } })];
    expect(fitPods(pods, nodes)).toEqual({
      ok: false, pod: 'big',
      message: 'pod big (2.5 CPU, 256 MiB) fits on none of the 2 nodes that admit it once the scheduler has placed the 2 other moving pods before it, each on the least-allocated node (at most 1.5 CPU and 7.75 GiB free on one), though the 2 remaining nodes have room in total',
    });
    expect(schedulerFits(pods, [...nodes, node('n3', 2500, 8 * GiB, 110, { allocatable: { cpuMilli: 4000, memoryBytes: 8 * GiB } })])).toMatchObject({ ok: true });
  });

  it('replays the order that strands a pod: its siblings take the large holes first, the small pods fill the last one', () => {
    // Three 2.5-CPU pods, three nodes with a 3-CPU hole, two small pods. Smallest first
    // works (one small on each of two holes leaves 2.5 + 2.5 + 3); two large first, then
    // both smalls on the last hole (the emptiest), leaves the last large pod nowhere.
    const hole = (name: string) => node(name, 3000, 8 * GiB, 110, { allocatable: { cpuMilli: 4000, memoryBytes: 8 * GiB } });
    const nodes = [hole('n1'), hole('n2'), hole('n3')];
    const pods = [pod('l1', 2500), pod('l2', 2500), pod('l3', 2500), pod('s1', 300), pod('s2', 300)];
    expect(replaySchedule([...pods].reverse(), nodes).ok).toBe(true);
    expect(fitPods(pods, nodes)).toMatchObject({ ok: false, pod: 'l1' });
    expect(fitPods(pods, [...nodes, hole('n4')]).ok).toBe(true);
  });

  it('spreads as least-allocated does: each pod onto the node with the largest share left free', () => {
    const result = replaySchedule([pod('a', 100), pod('b', 200), pod('c', 300)], [node('n1', 1000), node('n2', 2000), node('n3', 500)]);
    // a → n2 (95 %), b → n2 (85 % vs n1 80 %), c → n1 (70 % vs n2 70 %: the tie goes by name).
    expect(result.ok && Object.fromEntries(result.placement)).toEqual({ a: 'n2', b: 'n2', c: 'n1' });
  });

  it('counts the pod limit of a node', () => {
    expect(fitPods([pod('a', 1), pod('b', 1)], [node('n1', 4000, 8 * GiB, 1)]).ok).toBe(false);
  });

  it('reports a CPU shortfall with numbers', () => {
    const result = fitPods([pod('a', 3000), pod('b', 3000)], [node('n1', 1500), node('n2', 1000)]);
    expect(result).toEqual({ ok: false, pod: 'a', message: 'needs 3.5 CPU more than the 2 remaining nodes offer (6 CPU to move, 2.5 CPU free)' });
  });

  it('reports a memory shortfall with numbers', () => {
    const result = fitPods([pod('a', 100, 6 * GiB)], [node('n1', 4000, 4 * GiB)]);
    expect(!result.ok && result.message).toBe('needs 2 GiB of memory more than the 1 remaining node offer (6 GiB to move, 4 GiB free)');
  });

  it('tells fragmentation apart from a shortfall', () => {
    const result = fitPods([pod('big', 1500)], [node('n1', 1000), node('n2', 1000)]);
    expect(!result.ok && result.message).toBe('pod big (1.5 CPU, 256 MiB) fits on none of the 2 nodes that admit it (at most 1 CPU and 8 GiB free on one), though the 2 remaining nodes have room in total');
  });

  it('respects taints and tolerations', () => {
    const tainted = node('gpu', 8000, 8 * GiB, 110, { taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] });
    expect(fitPods([pod('a', 100)], [tainted])).toMatchObject({ ok: false, message: 'pod a tolerates none of the 1 remaining node (taint nvidia.com/gpu:NoSchedule on gpu)' });
    expect(fitPods([pod('a', 100, undefined, { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }] })], [tainted]).ok).toBe(true);
    const soft = node('soft', 8000, 8 * GiB, 110, { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] });
    expect(fitPods([pod('a', 100)], [soft]).ok).toBe(true);
  });

  it('respects the nodeSelector', () => {
    const ssd = node('ssd', 4000, 8 * GiB, 110, { labels: { disk: 'ssd' } });
    expect(fitPods([pod('db', 100, undefined, { nodeSelector: { disk: 'ssd' } })], [node('plain', 4000), ssd]).ok).toBe(true);
    expect(fitPods([pod('db', 100, undefined, { nodeSelector: { disk: 'nvme' } })], [ssd])).toMatchObject({ ok: false, message: 'pod db: its nodeSelector disk=nvme matches none of the 1 remaining node' });
  });
});

describe('capacity fit in the plan', () => {
  it('removes fewer nodes when the pods would not fit, and says why with numbers', () => {
    // Three 4-CPU nodes, each with 3 CPU requested: removing one strands 3 CPU with 2 CPU free.
    const w = world().group('workers').nodes_('n', 3).deployment('shop/web', 6, ['n1', 'n2', 'n3'], { cpu: 1500 });
    const p = planOf(w, { capacity: { workers: 1 } });
    expect(nodesOf(p, 'drain-node')).toEqual([]);
    expect(p.blocked).toEqual([{
      code: 'no-fit', group: 'workers',
      message: 'workers: removing 0 of 2 nodes: pods do not fit: needs 1 CPU more than the 2 remaining nodes offer (3 CPU to move, 2 CPU free)',
    }]);
    expect(p.notChosen.map((n) => n.code)).toEqual(['no-fit', 'no-fit', 'no-fit']);
  });

  it('keeps room for pods still waiting to be scheduled (a replacement not yet placed)', () => {
    // Four 4-CPU nodes with 1.5 CPU used each, and a 2.5 CPU pod Pending: without it two
    // nodes could go; with it, only one.
    const w = world().group('workers').nodes_('n', 4).deployment('shop/web', 4, ['n1', 'n2', 'n3', 'n4'], { cpu: 1500 })
      .pod('batch/big-0', { cpu: 2500, phase: 'Pending', deploy: 'big' });
    const p = planOf(w, { capacity: { workers: 1 } });
    expect(nodesOf(p, 'drain-node')).toEqual(['n1']);
    expect(p.blocked[0]).toMatchObject({ code: 'no-fit' });
  });

  it('removes as many as fit and passes over the rest', () => {
    const w = world().group('workers').nodes_('n', 4).deployment('shop/web', 4, ['n1', 'n2', 'n3', 'n4'], { cpu: 1500 });
    const p = planOf(w, { capacity: { workers: 1 } });
    // Each node has 2.5 CPU free; two nodes' pods fit on the other two, a third does not.
    expect(nodesOf(p, 'drain-node')).toEqual(['n1', 'n2']);
    expect(p.blocked[0]).toMatchObject({ code: 'no-fit', message: expect.stringContaining('removing 2 of 3 nodes: pods do not fit') });
  });

  it('counts on the workload scale-downs of the same plan: their pods on leaving nodes need no room', () => {
    const w = world().group('workers').nodes_('n', 3).deployment('shop/web', 6, ['n1', 'n2', 'n3'], { cpu: 1500 });
    const p = planOf(w, { capacity: { workers: 1 }, replicas: { 'shop/web': 2 } });
    expect(nodesOf(p, 'drain-node')).toEqual(['n1', 'n2']);
    expect(p.blocked).toEqual([]);
  });

  it('does not count nodes that are cordoned, not Ready or leaving as room', () => {
    const w = world().group('workers').node('n1').node('n2', { unschedulable: true }).node('n3', { ready: false, createdAt: T0 - MIN })
      .deployment('shop/web', 2, ['n1'], { cpu: 1000 });
    const p = planOf(w, { capacity: { workers: 1 } });
    // n3 (not Ready, empty) is the cheapest victim; n1's pods have nowhere to go.
    expect(nodesOf(p, 'drain-node')).toEqual(['n3']);
    expect(p.notChosen.map((n) => [n.node, n.code])).toEqual([['n2', 'cordoned-by-other'], ['n1', 'no-fit']]);
    expect(p.notChosen[1]!.reason).toBe('its pods do not fit on the nodes that stay: no node remains for 2 pods');
  });

  it('counts nodes of other, unmanaged groups as room', () => {
    const w = world().group('workers').node('n1').deployment('shop/web', 2, ['n1'], { cpu: 1000 });
    w.nodes.push({ ...w.nodes[0]!, name: 'system-1', uid: 'system-1', providerId: 'aws:///eu-west-1a/i-0system', instanceId: 'i-0system' });
    expect(nodesOf(planOf(w, { capacity: { workers: 0 } }), 'drain-node')).toEqual(['n1']);
  });
});
