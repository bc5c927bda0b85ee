import { describe, expect, it } from 'vitest';
import { addNode, addPod, cluster, condition, nodeOf, phase } from './helpers.js';

describe('scheduler: where a pod fits', () => {
  it('binds to a Ready node with room, PodScheduled=True, then the kubelet runs it', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addPod(c, 'web', { cpu: '500m', memory: '256Mi' });
    c.advance();
    expect(nodeOf(c.pod('web'))).toBe('node-a');
    expect(condition(c.pod('web'), 'PodScheduled')?.status).toBe('True');
    c.advance(2);
    expect(phase(c.pod('web'))).toBe('Running');
  });

  it('spreads pods over the least allocated nodes, ties broken by node name', () => {
    const c = cluster();
    for (const name of ['node-c', 'node-a', 'node-b']) addNode(c, name);
    for (let i = 0; i < 6; i++) addPod(c, `p${i}`, { cpu: '1' });
    c.advance();
    expect([0, 1, 2, 3, 4, 5].map((i) => nodeOf(c.pod(`p${i}`)))).toEqual(['node-a', 'node-b', 'node-c', 'node-a', 'node-b', 'node-c']);
  });

  it('is deterministic: the same cluster and pods give the same placement', () => {
    const placement = () => {
      const c = cluster();
      for (let n = 0; n < 5; n++) addNode(c, `node-${n}`, { cpu: `${n + 2}`, memory: `${4 * (n + 1)}Gi` });
      for (let i = 0; i < 20; i++) addPod(c, `p${i}`, { cpu: `${(i % 3) * 100 + 100}m`, memory: `${(i % 4) * 256 + 128}Mi` });
      c.advance();
      return c.pods().map((p) => `${p.metadata.name}@${nodeOf(p)}`);
    };
    expect(placement()).toEqual(placement());
  });

  it('counts requests of pods already bound, and the pods limit', () => {
    const c = cluster();
    addNode(c, 'node-a', { cpu: '2', pods: 3 });
    addPod(c, 'big', { cpu: '1500m' });
    addPod(c, 'too-big', { cpu: '600m' });
    addPod(c, 'free-1');
    addPod(c, 'free-2');
    c.advance();
    expect(nodeOf(c.pod('big'))).toBe('node-a');
    expect(nodeOf(c.pod('too-big'))).toBeUndefined();
    // A pod that requests nothing still needs a pod slot.
    expect([nodeOf(c.pod('free-1')), nodeOf(c.pod('free-2'))]).toEqual(['node-a', 'node-a']);
    addPod(c, 'free-3');
    c.advance();
    expect(condition(c.pod('free-3'), 'PodScheduled')?.message).toBe('0/1 nodes are available: 1 Too many pods.');
  });

  it('takes init containers as their largest request when that is more than the containers', () => {
    const c = cluster();
    addNode(c, 'node-a', { cpu: '1' });
    addPod(c, 'init', { cpu: '100m', spec: { initContainers: [{ name: 'migrate', image: 'x', resources: { requests: { cpu: '2' } } }] } });
    c.advance();
    expect(condition(c.pod('init'), 'PodScheduled')?.message).toBe('0/1 nodes are available: 1 Insufficient cpu.');
  });

  it('honours taints and tolerations (Equal, Exists, empty key, effect)', () => {
    const c = cluster();
    addNode(c, 'gpu', { taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] });
    addNode(c, 'soft', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] });
    addPod(c, 'plain', { spec: { nodeSelector: { 'kubernetes.io/hostname': 'gpu' } } });
    addPod(c, 'equal', { spec: { nodeSelector: { 'kubernetes.io/hostname': 'gpu' }, tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }] } });
    addPod(c, 'wrong-value', { spec: { nodeSelector: { 'kubernetes.io/hostname': 'gpu' }, tolerations: [{ key: 'gpu', value: 'false' }] } });
    addPod(c, 'wrong-effect', { spec: { nodeSelector: { 'kubernetes.io/hostname': 'gpu' }, tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoExecute' }] } });
    addPod(c, 'all', { spec: { nodeSelector: { 'kubernetes.io/hostname': 'gpu' }, tolerations: [{ operator: 'Exists' }] } });
    addPod(c, 'preferred', { spec: { nodeSelector: { 'kubernetes.io/hostname': 'soft' } } });
    c.advance();
    expect(nodeOf(c.pod('plain'))).toBeUndefined();
    expect(nodeOf(c.pod('equal'))).toBe('gpu');
    expect(nodeOf(c.pod('wrong-value'))).toBeUndefined();
    expect(nodeOf(c.pod('wrong-effect'))).toBeUndefined();
    expect(nodeOf(c.pod('all'))).toBe('gpu');
    expect(nodeOf(c.pod('preferred'))).toBe('soft'); // PreferNoSchedule never filters
  });

  it('matches nodeSelector and required node affinity', () => {
    const c = cluster();
    addNode(c, 'a', { labels: { zone: 'a', size: '4' } });
    addNode(c, 'b', { labels: { zone: 'b', size: '8' } });
    addPod(c, 'sel', { spec: { nodeSelector: { zone: 'b' } } });
    const affinity = (expressions: unknown[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expressions }] } } });
    addPod(c, 'notin', { spec: { affinity: affinity([{ key: 'zone', operator: 'NotIn', values: ['b'] }]) } });
    addPod(c, 'gt', { spec: { affinity: affinity([{ key: 'size', operator: 'Gt', values: ['5'] }]) } });
    addPod(c, 'none', { spec: { nodeSelector: { zone: 'c' } } });
    c.advance();
    expect([nodeOf(c.pod('sel')), nodeOf(c.pod('notin')), nodeOf(c.pod('gt')), nodeOf(c.pod('none'))]).toEqual(['b', 'a', 'b', undefined]);
    expect(condition(c.pod('none'), 'PodScheduled')?.message).toBe("0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.");
  });

  it('leaves pods it cannot place Pending with the real scheduler message', () => {
    const c = cluster();
    for (let i = 0; i < 3; i++) addNode(c, `tainted-${i}`, { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] });
    for (let i = 0; i < 9; i++) addNode(c, `small-${i}`, { cpu: '1' });
    addNode(c, 'cordoned', { unschedulable: true });
    addNode(c, 'down', { ready: 'False' });
    addPod(c, 'huge', { cpu: '2' });
    c.advance();
    const scheduled = condition(c.pod('huge'), 'PodScheduled');
    expect(phase(c.pod('huge'))).toBe('Pending');
    expect(scheduled).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(scheduled?.message).toBe('0/14 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, '
      + '1 node(s) were unschedulable, 3 node(s) had untolerated taint {dedicated: db}, 9 Insufficient cpu.');
  });

  it('says so when there are no nodes at all', () => {
    const c = cluster();
    addPod(c, 'lonely');
    c.advance();
    expect(condition(c.pod('lonely'), 'PodScheduled')?.message).toBe('no nodes available to schedule pods');
  });

  it('retries waiting pods when a node joins, turns Ready, is uncordoned, or room is freed', () => {
    const c = cluster();
    addPod(c, 'first', { cpu: '3' });
    c.advance();
    addNode(c, 'late', { ready: 'False' });
    c.advance();
    expect(nodeOf(c.pod('first'))).toBeUndefined();
    c.store.mutate('nodes', undefined, 'late', (n) => {
      (n.status as any).conditions = [{ type: 'Ready', status: 'True' }];
    });
    c.advance();
    expect(nodeOf(c.pod('first'))).toBe('late');
    addPod(c, 'second', { cpu: '3' });
    c.advance(5);
    expect(nodeOf(c.pod('second'))).toBeUndefined();
    c.store.delete('pods', 'default', 'first');
    c.advance();
    expect(nodeOf(c.pod('second'))).toBe('late');
  });

  it('skips pods of another scheduler, deleting pods, and binds the higher priority first', () => {
    const c = cluster();
    addNode(c, 'one', { cpu: '1' });
    addPod(c, 'custom', { spec: { schedulerName: 'my-scheduler' } });
    addPod(c, 'low', { cpu: '800m', spec: { priority: 0 } });
    addPod(c, 'high', { cpu: '800m', spec: { priority: 1000 } });
    c.advance();
    expect(nodeOf(c.pod('custom'))).toBeUndefined();
    expect(condition(c.pod('custom'), 'PodScheduled')).toBeUndefined();
    expect(nodeOf(c.pod('high'))).toBe('one');
    expect(nodeOf(c.pod('low'))).toBeUndefined();
  });

  it('uses the configured scheduler delay', () => {
    const c = cluster({ schedulerDelayMs: 500 });
    addNode(c, 'n');
    addPod(c, 'p');
    c.clock.advance(499);
    expect(nodeOf(c.pod('p'))).toBeUndefined();
    c.clock.advance(1);
    expect(nodeOf(c.pod('p'))).toBe('n');
  });
});
