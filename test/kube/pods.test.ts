// Pods through the adapter over HTTP: lists, one node's pods, reads, forced deletes with
// the UID precondition.

import { describe, expect, it } from 'vitest';
import type { PodObservation } from '../../src/ports/index.js';
import { useKubeSim } from './helpers.js';

const t = useKubeSim();

const ids = (pods: readonly PodObservation[]) => pods.map((p) => `${p.namespace}/${p.name}`).sort();
const storePods = () => t.sim.store.list('pods');

describe('listing pods', () => {
  it('lists every pod in the cluster, mapped', async () => {
    const pods = await t.cluster.listPods();
    expect(ids(pods)).toEqual(storePods().map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort());
    const cache = pods.filter((p) => p.labels.app === 'cache');
    expect(cache).toHaveLength(2);
    for (const pod of cache) {
      expect(pod).toMatchObject({ phase: 'Running', ready: true, localStorage: true, mirror: false, requests: { cpuMilli: 100, memoryBytes: 128 * 2 ** 20 }, owner: { kind: 'ReplicaSet' } });
    }
    expect(pods.find((p) => p.name === 'debug')).toMatchObject({ namespace: 'default', owner: undefined });
    expect(pods.filter((p) => p.owner?.kind === 'DaemonSet')).toHaveLength(3);
    expect(pods.filter((p) => p.owner?.kind === 'StatefulSet').map((p) => p.name).sort()).toEqual(['search-0', 'search-1']);
  });

  it('lists the pods of one node only, and together the nodes hold them all', async () => {
    const all = await t.cluster.listPods();
    const perNode: PodObservation[] = [];
    for (const node of await t.cluster.listNodes()) {
      const pods = await t.cluster.listPodsOnNode(node.name);
      expect(pods.every((p) => p.nodeName === node.name)).toBe(true);
      expect(pods.filter((p) => p.owner?.kind === 'DaemonSet')).toHaveLength(1);
      perNode.push(...pods);
    }
    expect(ids(perNode)).toEqual(ids(all));
  });
});

describe('getPod', () => {
  it('reads a pod, and answers undefined for one that does not exist', async () => {
    const [web] = storePods().filter((p) => p.metadata.labels?.app === 'web');
    const pod = await t.cluster.getPod('shop', web!.metadata.name);
    expect(pod).toMatchObject({ namespace: 'shop', name: web!.metadata.name, uid: web!.metadata.uid });
    expect(await t.cluster.getPod('shop', 'web-gone-12345')).toBeUndefined();
    expect(await t.cluster.getPod('no-such-namespace', 'x')).toBeUndefined();
  });
});

describe('deletePod', () => {
  it('deletes with the UID precondition and the grace period; a replaced or missing pod is gone', async () => {
    const debug = storePods().find((p) => p.metadata.name === 'debug')!;
    const ref = { namespace: 'default', name: 'debug', uid: debug.metadata.uid };
    expect(await t.cluster.deletePod({ ...ref, uid: '00000000-0000-4000-8000-000000000000' }, 5)).toBe('gone');
    expect(t.sim.store.get('pods', 'default', 'debug')?.metadata.deletionTimestamp).toBeUndefined();

    expect(await t.cluster.deletePod(ref, 5)).toBe('deleted');
    const going = await t.cluster.getPod('default', 'debug');
    expect(going?.deletionTimestamp).toBe(t.sim.clock.now() + 5_000);
    t.sim.clock.advance(6_000);
    expect(await t.cluster.getPod('default', 'debug')).toBeUndefined();
    expect(await t.cluster.deletePod(ref, 5)).toBe('gone');
  });
});
