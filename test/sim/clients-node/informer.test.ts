// client-node's makeInformer over nodes, as scalerd keeps its view of the cluster: ADDED for
// the nodes there are, UPDATE when one is cordoned or goes NotReady, DELETE when its
// instance is terminated (through the AWS SDK) and the Node object is removed.

import { TerminateInstanceInAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { type Informer, type ObjectCache, PatchStrategy, type V1Node, makeInformer, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { instanceIdOf, useSim, waitFor } from './helpers.js';

const s = useSim();

let informer: (Informer<V1Node> & ObjectCache<V1Node>) | undefined;
afterEach(async () => {
  await informer?.stop();
  informer = undefined;
});

const ready = (node: V1Node) => node.status?.conditions?.find((c) => c.type === 'Ready')?.status;

describe('a node informer through client-node', () => {
  it('adds the nodes there are, updates on a cordon and on NotReady, deletes a node whose instance is gone', async () => {
    const seen = { add: [] as V1Node[], update: [] as V1Node[], delete: [] as V1Node[], error: [] as unknown[] };
    informer = makeInformer<V1Node>(s.kc, '/api/v1/nodes', () => s.core.listNode());
    informer.on('add', (node) => seen.add.push(node));
    informer.on('update', (node) => seen.update.push(node));
    informer.on('delete', (node) => seen.delete.push(node));
    informer.on('error', (error) => seen.error.push(error));
    await informer.start();
    await waitFor('three ADDs', () => seen.add.length === 3);
    const victim = seen.add[0]!;
    const name = victim.metadata!.name!;

    await s.core.patchNode({ name, body: { spec: { unschedulable: true } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    await waitFor('the cordon', () => seen.update.some((n) => n.metadata?.name === name && n.spec?.unschedulable === true));
    expect(informer.get(name)?.spec?.unschedulable).toBe(true);

    const { Activity } = await s.aws.autoscaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: instanceIdOf(victim.spec?.providerID), ShouldDecrementDesiredCapacity: true }));
    expect(Activity?.StatusCode).toBe('InProgress');
    await waitFor('NotReady', () => seen.update.some((n) => n.metadata?.name === name && ready(n) === 'Unknown'));
    expect(seen.delete).toEqual([]);

    s.sim.clock.advance(5_000); // the scenario's nodeRemovalSeconds
    await waitFor('the DELETE', () => seen.delete.length === 1);
    expect(seen.delete[0]!.metadata?.name).toBe(name);
    expect(informer.list().map((n) => n.metadata?.name).sort()).toEqual(seen.add.slice(1).map((n) => n.metadata?.name).sort());
    expect(seen.add).toHaveLength(3);
    expect(seen.error).toEqual([]);
  });
});
