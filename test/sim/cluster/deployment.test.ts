import { describe, expect, it } from 'vitest';
import { templateHash } from '../../../src/sim/cluster/index.js';
import type { KubeObject } from '../../../src/sim/kube/store.js';
import { addNode, addWorkload, type Cluster, cluster, isReady, setReplicas } from './helpers.js';

const DEPLOY = 'deployments.apps';

const replicaSets = (c: Cluster) => c.store.list('replicasets.apps', 'default');
const sizes = (c: Cluster) => Object.fromEntries(replicaSets(c).map((rs) => [rs.metadata.name, (rs.spec as any).replicas]));
const hashOf = (rs: KubeObject) => rs.metadata.labels?.['pod-template-hash'];

function setImage(c: Cluster, name: string, image: string): void {
  c.store.mutate(DEPLOY, 'default', name, (d) => {
    (d.spec as any).template.spec.containers[0].image = image;
  });
}

describe('Deployment controller', () => {
  it('owns a ReplicaSet <deployment>-<pod-template-hash> whose pods carry the hash label', () => {
    const c = cluster();
    addNode(c, 'node-a');
    const d = addWorkload(c, 'Deployment', 'web', 3);
    c.advance();
    const [rs] = replicaSets(c);
    const hash = templateHash((d.spec as any).template);
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true })]);
    expect((rs!.spec as any).selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect((rs!.spec as any).template.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs!.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(c.pods().every((p) => p.metadata.name.startsWith(`web-${hash}-`) && p.metadata.labels?.['pod-template-hash'] === hash)).toBe(true);
  });

  it('reports status and conditions as pods become available', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'Deployment', 'web', 3);
    c.advance();
    expect(c.status(DEPLOY, 'web')).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 3, observedGeneration: 1 });
    const conditions = () => Object.fromEntries((c.status(DEPLOY, 'web').conditions as any[]).map((x) => [x.type, `${x.status}/${x.reason}`]));
    expect(conditions()).toEqual({ Available: 'False/MinimumReplicasUnavailable', Progressing: 'True/ReplicaSetUpdated' });
    c.advance(2);
    expect(c.status(DEPLOY, 'web')).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 0 });
    expect(conditions()).toEqual({ Available: 'True/MinimumReplicasAvailable', Progressing: 'True/NewReplicaSetAvailable' });
    expect(c.get(DEPLOY, 'web')!.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
  });

  it('passes spec.replicas changes (the scale subresource) to its ReplicaSet', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'Deployment', 'web', 2);
    c.advance(2);
    setReplicas(c, DEPLOY, 'web', 5);
    c.advance(2);
    expect(Object.values(sizes(c))).toEqual([5]);
    expect(c.status(DEPLOY, 'web')).toMatchObject({ replicas: 5, availableReplicas: 5, observedGeneration: 2 });
    setReplicas(c, DEPLOY, 'web', 0);
    c.advance(2);
    expect(c.pods()).toHaveLength(0);
    expect(c.status(DEPLOY, 'web')).toMatchObject({ replicas: 0, availableReplicas: 0 });
  });

  it('rolls a new template out within maxSurge and maxUnavailable', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'Deployment', 'web', 4, { extra: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } } });
    c.advance(2);
    const [first] = replicaSets(c);
    setImage(c, 'web', 'nginx:1.28');
    const seen: number[] = [];
    for (let t = 0; t < 20; t++) {
      c.advance(1);
      const live = c.pods().filter((p) => !p.metadata.deletionTimestamp);
      const ready = live.filter(isReady).length;
      seen.push(ready);
      // Never more than replicas + maxSurge pods, never fewer than replicas − maxUnavailable ready.
      expect(live.length).toBeLessThanOrEqual(5);
      expect(ready).toBeGreaterThanOrEqual(4);
    }
    const rs = replicaSets(c);
    const next = rs.find((r) => r.metadata.name !== first!.metadata.name)!;
    expect(sizes(c)).toEqual({ [first!.metadata.name]: 0, [next.metadata.name]: 4 });
    expect(next.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(c.pods().every((p) => p.metadata.labels?.['pod-template-hash'] === hashOf(next))).toBe(true);
    expect(c.status(DEPLOY, 'web')).toMatchObject({ replicas: 4, updatedReplicas: 4, availableReplicas: 4, observedGeneration: 2 });
  });

  it('rolls out with the default 25% surge and unavailability, and back to the old template', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'Deployment', 'web', 8);
    c.advance(2);
    const original = replicaSets(c)[0]!.metadata.name;
    setImage(c, 'web', 'nginx:1.28');
    for (let t = 0; t < 30; t++) {
      c.advance(1);
      expect(c.pods().filter((p) => !p.metadata.deletionTimestamp).length).toBeLessThanOrEqual(10);
      expect(c.pods().filter(isReady).length).toBeGreaterThanOrEqual(6);
    }
    expect(c.status(DEPLOY, 'web')).toMatchObject({ updatedReplicas: 8, availableReplicas: 8 });
    setImage(c, 'web', 'nginx:1.27');
    c.advance(30);
    expect(sizes(c)[original]).toBe(8);
    expect(replicaSets(c).find((r) => r.metadata.name === original)!.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('recreates: old pods gone before new ones start', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'Deployment', 'web', 3, { extra: { strategy: { type: 'Recreate' } } });
    c.advance(2);
    setImage(c, 'web', 'nginx:1.28');
    c.advance();
    expect(c.pods().every((p) => p.metadata.deletionTimestamp)).toBe(true);
    c.advance(1);
    c.advance();
    expect(c.pods()).toHaveLength(3);
    expect(new Set(c.pods().map((p) => p.metadata.labels?.['pod-template-hash'])).size).toBe(1);
    c.advance(2);
    expect(c.status(DEPLOY, 'web')).toMatchObject({ updatedReplicas: 3, availableReplicas: 3 });
  });

  it('reports ProgressDeadlineExceeded when the rollout stalls', () => {
    const c = cluster();
    addNode(c, 'node-a', { cpu: '1' });
    addWorkload(c, 'Deployment', 'web', 2, { cpu: '2', extra: { progressDeadlineSeconds: 60 } });
    c.advance(59);
    const progressing = () => (c.status(DEPLOY, 'web').conditions as any[]).find((x) => x.type === 'Progressing');
    expect(progressing()).toMatchObject({ status: 'True' });
    c.advance(1);
    expect(progressing()).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
  });

  it('keeps at most revisionHistoryLimit old ReplicaSets', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'Deployment', 'web', 1, { extra: { revisionHistoryLimit: 1 } });
    for (const image of ['a', 'b', 'c']) {
      c.advance(5);
      setImage(c, 'web', image);
    }
    c.advance(10);
    expect(replicaSets(c)).toHaveLength(2);
  });
});
