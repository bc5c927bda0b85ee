// Nodes through the adapter over HTTP: the list, optimistic changes that keep what others
// wrote (also when they write between our read and our write), and deletion.

import { describe, expect, it } from 'vitest';
import { isRemoteError } from '../../src/errors.js';
import { CLIENT_ID, failure, useKubeSim, waitFor } from './helpers.js';

const t = useKubeSim();

const draining = { key: 'scalerd.io/draining', value: 'scalerd-0', effect: 'NoSchedule' } as const;
const nodeNames = () => t.sim.store.list('nodes').map((n) => n.metadata.name);
type Spec = { taints?: { key: string; effect: string; value?: string }[]; unschedulable?: boolean };
const specOf = (name: string) => t.sim.store.get('nodes', undefined, name)!.spec as Spec;

describe('listNodes', () => {
  it('lists every node as an observation: instance, zone, Ready, allocatable', async () => {
    const nodes = await t.cluster.listNodes();
    expect(nodes.map((n) => n.name).sort()).toEqual(nodeNames().sort());
    for (const node of nodes) {
      expect(node).toMatchObject({ ready: true, unschedulable: false, allocatable: { cpuMilli: 1930, memoryBytes: 7 * 2 ** 30, pods: 29 } });
      expect(node.providerId).toBe(`aws:///${node.zone}/${node.instanceId}`);
      expect(node.labels['scalerd.io/node-group']).toBe('workers');
    }
  });
});

describe('changeNode', () => {
  it('cordons, taints and annotates, keeping a taint someone else put there; attributed to our client', async () => {
    const name = nodeNames()[0]!;
    t.sim.store.mutate('nodes', undefined, name, (n) => { (n.spec as Spec).taints = [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }]; });
    const after = await t.cluster.changeNode(name, { unschedulable: true, addTaints: [draining], annotations: { 'scalerd.io/drain': 'since 09:00' } });
    expect(after).toMatchObject({ name, unschedulable: true, annotations: { 'scalerd.io/drain': 'since 09:00' } });
    expect(after.taints).toEqual([{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }, draining]);
    expect(after.resourceVersion).toBe(t.sim.store.get('nodes', undefined, name)!.metadata.resourceVersion);
    expect(t.sim.recorder.facts('cordon').filter((f) => f.node === name)).toEqual([expect.objectContaining({ client: CLIENT_ID, unschedulable: true })]);

    const requests = t.sim.recorder.requests()['patch nodes'];
    const again = await t.cluster.changeNode(name, { unschedulable: true, addTaints: [draining] });
    expect(again.resourceVersion).toBe(after.resourceVersion); // already so: read, no write
    expect(t.sim.recorder.requests()['patch nodes']).toBe(requests);

    const undone = await t.cluster.changeNode(name, { unschedulable: false, removeTaintKeys: [draining.key], annotations: { 'scalerd.io/drain': null } });
    expect(undone).toMatchObject({ unschedulable: false, taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] });
    expect(undone.annotations).not.toHaveProperty('scalerd.io/drain');
  });

  it('writes a guarded annotation change in one request, and refuses it when the annotation changed meanwhile', async () => {
    const name = nodeNames()[2]!;
    const mark = 'scalerd.io/scale-down';
    await t.cluster.changeNode(name, { annotations: { [mark]: 'phase cordoned' } });
    const before = { ...t.sim.recorder.requests() };
    const after = await t.cluster.changeNode(name, { annotations: { [mark]: 'phase draining' }, expectAnnotations: { [mark]: 'phase cordoned' } });
    expect(after.annotations[mark]).toBe('phase draining');
    const requests = t.sim.recorder.requests();
    expect(requests['patch nodes']! - (before['patch nodes'] ?? 0)).toBe(1);
    expect((requests['get nodes'] ?? 0) - (before['get nodes'] ?? 0)).toBe(0);

    // Someone rolled the node back: the guarded change writes nothing and says why.
    t.sim.store.mutate('nodes', undefined, name, (n) => { delete n.metadata.annotations![mark]; });
    const error = await t.cluster.changeNode(name, { annotations: { [mark]: 'phase drained' }, expectAnnotations: { [mark]: 'phase draining' } }).catch((e: unknown) => e);
    expect(isRemoteError(error) && error.detail).toMatchObject({ status: 409, reason: 'MarkChanged', retryable: false });
    expect(t.sim.store.get('nodes', undefined, name)!.metadata.annotations).not.toHaveProperty(mark);
    // The read-modify-write path checks the same guard.
    const viaRead = await t.cluster.changeNode(name, { unschedulable: true, expectAnnotations: { [mark]: 'phase draining' } }).catch((e: unknown) => e);
    expect(isRemoteError(viaRead) && viaRead.detail.reason).toBe('MarkChanged');
    expect(specOf(name).unschedulable).not.toBe(true);
  });

  it('re-reads and applies again on 409 Conflict, so a change made between our read and our write is kept', async () => {
    const name = nodeNames()[1]!;
    const before = { ...t.sim.recorder.requests() };
    // Hold our first patch at the server long enough to write in between.
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'patch nodes', latencyMs: 150, count: 1 });
    const change = t.cluster.changeNode(name, { unschedulable: true, addTaints: [draining] });
    await waitFor('our patch to reach the server', () => t.sim.recorder.requests()['patch nodes'] === (before['patch nodes'] ?? 0) + 1);
    t.sim.store.mutate('nodes', undefined, name, (n) => { (n.spec as Spec).taints = [{ key: 'other.io/maintenance', effect: 'NoExecute' }]; });

    const after = await change;
    expect(after.taints).toEqual([{ key: 'other.io/maintenance', effect: 'NoExecute' }, draining]);
    expect(after.unschedulable).toBe(true);
    expect(specOf(name).taints).toEqual([{ key: 'other.io/maintenance', effect: 'NoExecute' }, draining]);
    const requests = t.sim.recorder.requests();
    expect(requests['patch nodes']! - (before['patch nodes'] ?? 0)).toBe(2); // the refused one, then ours on the fresh read
    expect(requests['get nodes']! - (before['get nodes'] ?? 0)).toBe(2);
  });

  it('gives up after 5 rounds when every write meets a newer version, with a retryable RemoteError', async () => {
    const name = nodeNames()[1]!;
    const before = t.sim.recorder.requests()['patch nodes'] ?? 0;
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'patch nodes', latencyMs: 40 });
    let n = 0;
    const busy = setInterval(() => t.sim.store.mutate('nodes', undefined, name, (node) => { node.metadata.labels = { ...node.metadata.labels, busy: String(n++) }; }), 5);
    try {
      const error = await failure(t.cluster.changeNode(name, { annotations: { 'scalerd.io/x': 'y' } }));
      expect(isRemoteError(error) && error.detail).toEqual({ operation: 'patch nodes', status: 409, reason: 'Conflict', retryable: true });
    } finally {
      clearInterval(busy);
      t.sim.faults.clear();
    }
    expect((t.sim.recorder.requests()['patch nodes'] ?? 0) - before).toBe(5);
  });

  it('reports a node that does not exist as a RemoteError that retrying will not fix', async () => {
    const error = await failure(t.cluster.changeNode('ip-10-9-9-9.eu-west-1.compute.internal', { unschedulable: true }));
    expect(isRemoteError(error) && error.detail).toEqual({ operation: 'get nodes', status: 404, reason: 'NotFound', retryable: false });
    expect((error as Error).message).toBe('Kubernetes get nodes ip-10-9-9-9.eu-west-1.compute.internal failed: 404 NotFound: nodes "ip-10-9-9-9.eu-west-1.compute.internal" not found');
  });
});

describe('deleteNode', () => {
  it('deletes a node, and says gone the second time', async () => {
    const name = nodeNames()[2]!;
    expect(await t.cluster.deleteNode(name)).toBe('deleted');
    expect(t.sim.store.get('nodes', undefined, name)).toBeUndefined();
    expect(await t.cluster.deleteNode(name)).toBe('gone');
    expect(t.sim.recorder.facts('mutation').filter((f) => f.operation === 'delete nodes')).toEqual([expect.objectContaining({ client: CLIENT_ID, target: name })]);
  });
});
