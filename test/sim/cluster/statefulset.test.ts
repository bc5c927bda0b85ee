import { describe, expect, it } from 'vitest';
import { deletePod } from '../../../src/sim/kube/pods.js';
import { addNode, addWorkload, type Cluster, cluster, isReady, nodeOf, phase, setReplicas } from './helpers.js';

const STS = 'statefulsets.apps';
const names = (c: Cluster) => c.pods().map((p) => p.metadata.name).sort();
const live = (c: Cluster) => c.pods().filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name).sort();

describe('StatefulSet controller', () => {
  it('creates <sts>-<ordinal> one at a time, each once the previous is Running and Ready', () => {
    const c = cluster();
    addNode(c, 'node-a');
    const set = addWorkload(c, 'StatefulSet', 'db', 3, { extra: { serviceName: 'db' } });
    c.advance();
    expect(names(c)).toEqual(['db-0']);
    c.advance(1);
    expect(names(c)).toEqual(['db-0']);
    c.advance(1);
    expect(names(c)).toEqual(['db-0', 'db-1']);
    c.advance(2);
    expect(names(c)).toEqual(['db-0', 'db-1', 'db-2']);
    c.advance(2);
    const pod = c.pod('db-1')!;
    expect(pod.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'StatefulSet', name: 'db', uid: set.metadata.uid, controller: true })]);
    expect(pod.metadata.labels).toMatchObject({ app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-1', 'apps.kubernetes.io/pod-index': '1' });
    expect(pod.spec).toMatchObject({ hostname: 'db-1', subdomain: 'db' });
    expect(c.status(STS, 'db')).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
  });

  it('creates all at once with podManagementPolicy Parallel', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'StatefulSet', 'db', 3, { extra: { podManagementPolicy: 'Parallel' } });
    c.advance();
    expect(names(c)).toEqual(['db-0', 'db-1', 'db-2']);
    setReplicas(c, STS, 'db', 1);
    c.advance();
    expect(live(c)).toEqual(['db-0']);
  });

  it('recreates a deleted pod under the same name once the old one is gone, possibly elsewhere', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'StatefulSet', 'db', 2);
    c.advance(6);
    const old = c.pod('db-0')!;
    expect(nodeOf(old)).toBe('node-a');
    c.store.mutate('nodes', undefined, 'node-a', (n) => {
      (n.spec as any).unschedulable = true;
    });
    addNode(c, 'node-b');
    deletePod(c, old, {});
    c.advance();
    expect(c.pod('db-0')?.metadata.uid).toBe(old.metadata.uid); // still terminating
    c.advance(1);
    const again = c.pod('db-0')!;
    expect(again.metadata.uid).not.toBe(old.metadata.uid);
    expect(nodeOf(again)).toBe('node-b');
    c.advance(2);
    expect(isReady(c.pod('db-0'))).toBe(true);
  });

  it('scales down from the highest ordinal, one at a time', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'StatefulSet', 'db', 4);
    c.advance(8);
    expect(names(c)).toEqual(['db-0', 'db-1', 'db-2', 'db-3']);
    setReplicas(c, STS, 'db', 1);
    c.advance();
    expect(live(c)).toEqual(['db-0', 'db-1', 'db-2']);
    c.advance(1);
    // db-3 is gone; only then does db-2 start terminating.
    expect(names(c)).toEqual(['db-0', 'db-1', 'db-2']);
    expect(live(c)).toEqual(['db-0', 'db-1']);
    c.advance(1);
    expect(live(c)).toEqual(['db-0']);
    c.advance(1);
    expect(names(c)).toEqual(['db-0']);
    expect(c.status(STS, 'db')).toMatchObject({ replicas: 1, readyReplicas: 1, observedGeneration: 2 });
  });

  it('waits for an unready ordinal before creating the next', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'StatefulSet', 'db', 3, { annotations: { 'sim.scalerd.io/startup-seconds': '10' } });
    c.advance(9);
    expect(names(c)).toEqual(['db-0']);
    expect(phase(c.pod('db-0'))).toBe('Pending');
    c.advance(1);
    expect(names(c)).toEqual(['db-0', 'db-1']);
  });

  it('rolls a template change out from the highest ordinal down', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'StatefulSet', 'db', 3);
    c.advance(6);
    const before = c.status(STS, 'db').currentRevision;
    c.store.mutate(STS, 'default', 'db', (s) => {
      (s.spec as any).template.spec.containers[0].image = 'postgres:17';
    });
    c.advance();
    expect(live(c)).toEqual(['db-0', 'db-1']);
    const update = c.status(STS, 'db').updateRevision;
    expect(update).not.toBe(before);
    c.advance(30);
    expect(c.pods().map((p) => p.metadata.labels?.['controller-revision-hash'])).toEqual([update, update, update]);
    expect(c.status(STS, 'db')).toMatchObject({ currentRevision: update, currentReplicas: 3, updatedReplicas: 3, readyReplicas: 3 });
  });
});
