import { describe, expect, it } from 'vitest';
import { addNode, addPod, addWorkload, cluster, nodeOf, setNodeReady } from './helpers.js';

describe('garbage collection', () => {
  it('deletes a Deployment\'s ReplicaSets and their pods (pods gracefully) when it is deleted', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'Deployment', 'web', 3);
    c.advance(2);
    c.store.delete('deployments.apps', 'default', 'web');
    c.advance();
    expect(c.store.list('replicasets.apps', 'default')).toEqual([]);
    expect(c.pods()).toHaveLength(3);
    expect(c.pods().every((p) => p.metadata.deletionTimestamp)).toBe(true);
    c.advance(1);
    expect(c.pods()).toEqual([]);
  });

  it('deletes dependents whose owner is already gone, and drops a dangling reference among live ones', () => {
    const c = cluster();
    addNode(c, 'node-a');
    const keep = addWorkload(c, 'ReplicaSet', 'keep', 0);
    const ghost = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'ghost', uid: 'no-such-uid' };
    c.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', namespace: 'default', ownerReferences: [ghost] }, spec: { containers: [{ name: 'a', image: 'a' }] } });
    c.create('configmaps', {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared', namespace: 'default', ownerReferences: [ghost, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'keep', uid: keep.metadata.uid }] },
    });
    c.advance();
    expect(c.pod('orphan')).toBeUndefined(); // never bound: deleted at once
    expect(c.get('configmaps', 'shared')!.metadata.ownerReferences).toEqual([expect.objectContaining({ name: 'keep' })]);
  });

  it('force-deletes pods bound to a node that is deleted and records the ones killed', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'ReplicaSet', 'web', 2);
    addWorkload(c, 'DaemonSet', 'agent', undefined);
    c.advance(2);
    expect(c.pods()).toHaveLength(3);
    c.store.delete('nodes', undefined, 'node-a');
    // At once, without moving the clock: their kubelet is gone.
    expect(c.pods()).toEqual([]);
    c.advance();
    expect(c.pods().map(nodeOf)).toEqual([undefined, undefined]); // the ReplicaSet's replacements, nowhere to go
    const killed = c.recorder.facts('pod-killed');
    expect(killed).toHaveLength(2); // the DaemonSet pod going with its node is expected
    expect(killed[0]).toMatchObject({ node: 'node-a', instanceId: 'i-node-a', cause: expect.stringContaining('node deleted') });
  });

  it('records no kill for pods of a node that had already stopped being Ready', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addWorkload(c, 'ReplicaSet', 'web', 2);
    c.advance(2);
    setNodeReady(c, 'node-a', 'Unknown');
    c.store.delete('nodes', undefined, 'node-a');
    expect(c.pods()).toEqual([]);
    expect(c.recorder.facts('pod-killed')).toEqual([]);
  });

  it('deletes pods bound to a node that never existed after the quarantine', () => {
    const c = cluster();
    addPod(c, 'lost', { spec: { nodeName: 'nowhere' } });
    c.advance(39);
    expect(c.pod('lost')).toBeDefined();
    c.advance(1);
    expect(c.pod('lost')).toBeUndefined();
  });

  it('empties a terminating namespace, waits for its pods, then removes it', () => {
    const c = cluster();
    addNode(c, 'node-a');
    c.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    c.create('deployments.apps', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'a' }] } } } });
    c.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' } });
    c.advance(2);
    expect(c.pods('shop')).toHaveLength(2);
    c.store.mutate('namespaces', undefined, 'shop', (ns) => {
      ns.metadata.deletionTimestamp = '2026-01-05T10:00:02Z';
      (ns.status as any).phase = 'Terminating';
    });
    c.advance();
    expect(c.store.list('deployments.apps', 'shop')).toEqual([]);
    expect(c.store.list('configmaps', 'shop')).toEqual([]);
    expect(c.pods('shop')).toHaveLength(2); // terminating, not replaced
    expect(c.store.get('namespaces', undefined, 'shop')).toBeDefined();
    c.advance(1);
    expect(c.pods('shop')).toEqual([]);
    expect(c.store.get('namespaces', undefined, 'shop')).toBeUndefined();
  });
});
