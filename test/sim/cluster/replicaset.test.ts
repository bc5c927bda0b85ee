import { describe, expect, it } from 'vitest';
import { addNode, addWorkload, cluster, isReady, nodeOf, phase, setNodeReady, setReplicas } from './helpers.js';

const RS = 'replicasets.apps';

describe('ReplicaSet controller', () => {
  it('creates spec.replicas pods named <rs>-<5 chars> with a controller owner reference', () => {
    const c = cluster();
    addNode(c, 'node-a');
    const rs = addWorkload(c, 'ReplicaSet', 'web', 3);
    c.advance();
    const pods = c.pods();
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(pod.metadata.labels).toEqual({ app: 'web' });
      expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      expect((pod.status as any).phase).toBe('Pending');
    }
    expect(c.status(RS, 'web')).toMatchObject({ replicas: 3, readyReplicas: 0, availableReplicas: 0, observedGeneration: 1 });
    c.advance(2);
    expect(c.status(RS, 'web')).toMatchObject({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
  });

  it('scales up and down with spec.replicas, observing the new generation', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'ReplicaSet', 'web', 2);
    c.advance(2);
    setReplicas(c, RS, 'web', 5);
    c.advance(2);
    expect(c.pods().filter((p) => phase(p) === 'Running')).toHaveLength(5);
    expect(c.status(RS, 'web')).toMatchObject({ replicas: 5, readyReplicas: 5, observedGeneration: 2 });
    setReplicas(c, RS, 'web', 1);
    c.advance();
    // Surplus pods are deleted gracefully: terminating at first, no longer counted.
    expect(c.pods().filter((p) => p.metadata.deletionTimestamp)).toHaveLength(4);
    expect(c.status(RS, 'web')).toMatchObject({ replicas: 1, readyReplicas: 1 });
    c.advance(1);
    expect(c.pods()).toHaveLength(1);
  });

  it('replaces a pod that is deleted', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'ReplicaSet', 'web', 2);
    c.advance(2);
    const victim = c.pods()[0]!;
    c.store.delete('pods', 'default', victim.metadata.name);
    c.advance();
    expect(c.pods()).toHaveLength(2);
    expect(c.pods().map((p) => p.metadata.name)).not.toContain(victim.metadata.name);
  });

  it('deletes unscheduled, then pending, then not ready pods before ready ones', () => {
    const c = cluster();
    addNode(c, 'good');
    addNode(c, 'down', { cpu: '1' });
    addWorkload(c, 'ReplicaSet', 'web', 4, { cpu: '900m' });
    c.advance(2);
    // Spread: three on good, one on down. Then down fails: its pod turns not ready.
    const onDown = c.pods().filter((p) => nodeOf(p) === 'down');
    expect(onDown).toHaveLength(1);
    setNodeReady(c, 'down', 'False');
    c.advance();
    expect(isReady(c.pod(onDown[0]!.metadata.name))).toBe(false);
    setReplicas(c, RS, 'web', 6); // one more fits on good (4 × 900m), one stays unscheduled
    c.advance();
    const unscheduled = c.pods().filter((p) => !nodeOf(p));
    expect(unscheduled).toHaveLength(1);
    const pending = c.pods().filter((p) => nodeOf(p) === 'good' && phase(p) === 'Pending');
    expect(pending).toHaveLength(1);
    setReplicas(c, RS, 'web', 3);
    c.advance();
    const gone = [unscheduled[0]!.metadata.name, pending[0]!.metadata.name, onDown[0]!.metadata.name];
    for (const name of gone) expect(c.pod(name)?.metadata.deletionTimestamp ?? 'removed').toBeTruthy();
    const survivors = c.pods().filter((p) => !p.metadata.deletionTimestamp);
    expect(survivors).toHaveLength(3);
    expect(survivors.every((p) => isReady(p) && nodeOf(p) === 'good')).toBe(true);
  });

  it('counts available pods only after minReadySeconds', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'ReplicaSet', 'web', 2, { extra: { minReadySeconds: 10 } });
    c.advance(2);
    expect(c.status(RS, 'web')).toMatchObject({ readyReplicas: 2, availableReplicas: 0 });
    c.advance(10);
    expect(c.status(RS, 'web')).toMatchObject({ readyReplicas: 2, availableReplicas: 2 });
  });
});
