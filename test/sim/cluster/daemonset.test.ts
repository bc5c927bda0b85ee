import { describe, expect, it } from 'vitest';
import { addNode, addWorkload, type Cluster, cluster, nodeOf, phase } from './helpers.js';

const DS = 'daemonsets.apps';
const placement = (c: Cluster) => c.pods().filter((p) => !p.metadata.deletionTimestamp).map(nodeOf).sort();

describe('DaemonSet controller', () => {
  it('runs one pod on every node, bound directly, including cordoned and tainted-for-conditions nodes', () => {
    const c = cluster();
    addNode(c, 'a');
    addNode(c, 'b', { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] });
    addNode(c, 'c', { ready: 'False', taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] });
    const ds = addWorkload(c, 'DaemonSet', 'agent', undefined);
    c.advance(2);
    expect(placement(c)).toEqual(['a', 'b', 'c']);
    const pod = c.pods()[0]!;
    expect(pod.metadata.name).toMatch(/^agent-[a-z0-9]{5}$/);
    expect(pod.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'DaemonSet', uid: ds.metadata.uid, controller: true })]);
    expect((pod.spec as any).tolerations).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' })]));
    // Pods on the node that is not Ready wait for it.
    expect(c.pods().filter((p) => phase(p) === 'Running').map(nodeOf).sort()).toEqual(['a', 'b']);
    expect(c.status(DS, 'agent')).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, numberAvailable: 2, numberUnavailable: 1, updatedNumberScheduled: 3, numberMisscheduled: 0, observedGeneration: 1 });
  });

  it('follows nodes as they join and leave', () => {
    const c = cluster();
    addNode(c, 'a');
    addWorkload(c, 'DaemonSet', 'agent', undefined);
    c.advance(2);
    addNode(c, 'b');
    c.advance();
    expect(placement(c)).toEqual(['a', 'b']);
    c.store.delete('nodes', undefined, 'a');
    c.advance();
    expect(placement(c)).toEqual(['b']);
    c.advance(2);
    expect(c.status(DS, 'agent')).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1 });
  });

  it('keeps off nodes its selector or tolerations rule out, and leaves nodes that stop matching', () => {
    const c = cluster();
    addNode(c, 'gpu', { labels: { gpu: 'true' } });
    addNode(c, 'plain');
    addNode(c, 'dedicated', { labels: { gpu: 'true' }, taints: [{ key: 'dedicated', value: 'ml', effect: 'NoSchedule' }] });
    addWorkload(c, 'DaemonSet', 'driver', undefined, { spec: { nodeSelector: { gpu: 'true' } } });
    c.advance(2);
    expect(placement(c)).toEqual(['gpu']);
    c.store.mutate('nodes', undefined, 'gpu', (n) => {
      delete n.metadata.labels!.gpu;
    });
    c.advance();
    expect(placement(c)).toEqual([]);
    expect(c.status(DS, 'driver')).toMatchObject({ desiredNumberScheduled: 0, numberMisscheduled: 1 });
    c.advance(1);
    expect(c.status(DS, 'driver')).toMatchObject({ desiredNumberScheduled: 0, numberMisscheduled: 0, currentNumberScheduled: 0 });
  });

  it('replaces old pods one at a time when the template changes', () => {
    const c = cluster();
    for (const n of ['a', 'b', 'c']) addNode(c, n);
    addWorkload(c, 'DaemonSet', 'agent', undefined);
    c.advance(2);
    c.store.mutate(DS, 'default', 'agent', (d) => {
      (d.spec as any).template.spec.containers[0].image = 'agent:2';
    });
    c.advance();
    expect(c.pods().filter((p) => p.metadata.deletionTimestamp)).toHaveLength(1);
    c.advance(30);
    expect(c.pods()).toHaveLength(3);
    expect(c.pods().every((p) => (p.spec as any).containers[0].image === 'agent:2')).toBe(true);
    expect(c.status(DS, 'agent')).toMatchObject({ updatedNumberScheduled: 3, numberAvailable: 3, observedGeneration: 2 });
  });
});
