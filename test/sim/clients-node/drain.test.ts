// The scale-down scalerd performs, end to end through its two clients: cordon the node,
// evict its pods (UID preconditions; a 429 waits and retries, a 404 is done), wait until
// they are gone, then terminate the instance decrementing the group. No pod is killed and no
// budget is broken, which the simulator records if it happens.

import { DescribeAutoScalingGroupsCommand, TerminateInstanceInAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { ApiException, PatchStrategy, type V1Pod, setHeaderOptions } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { instanceIdOf, useSim } from './helpers.js';

const s = useSim();

const isDaemon = (pod: V1Pod) => pod.metadata?.ownerReferences?.some((o) => o.controller && o.kind === 'DaemonSet') ?? false;

async function evictOnce(pod: V1Pod): Promise<'evicted' | 'gone' | 'blocked'> {
  const { name, namespace, uid } = pod.metadata!;
  try {
    await s.core.createNamespacedPodEviction({
      name: name!, namespace: namespace!,
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace }, deleteOptions: { preconditions: { uid: uid! } } },
    });
    return 'evicted';
  } catch (error) {
    if (error instanceof ApiException && (error.code === 404 || error.code === 409)) return 'gone'; // gone, or replaced under the same name
    if (error instanceof ApiException && error.code === 429) return 'blocked';
    throw error;
  }
}

describe('cordon, drain, terminate', () => {
  it('empties a node within the budgets, then removes it without killing a pod', async () => {
    const node = (await s.core.listNode()).items.find((n) => n.metadata?.labels?.['topology.kubernetes.io/zone'] === 'eu-west-1b')!;
    const name = node.metadata!.name!;
    await s.core.patchNode({ name, body: { spec: { unschedulable: true } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));

    const onNode = async () => (await s.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${name}` })).items.filter((p) => !isDaemon(p));
    const outcomes: string[] = [];
    for (let round = 0; round < 30; round++) {
      const pods = await onNode();
      if (pods.length === 0) break;
      for (const pod of pods.filter((p) => !p.metadata?.deletionTimestamp)) outcomes.push(await evictOnce(pod));
      s.sim.clock.advance(1_000); // evicted pods exit, replacements start elsewhere, budgets recover
    }
    expect(await onNode()).toEqual([]);
    expect(outcomes).toContain('evicted');

    await s.aws.autoscaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: instanceIdOf(node.spec?.providerID), ShouldDecrementDesiredCapacity: true }));
    s.sim.clock.advance(10_000);
    expect((await s.core.listNode()).items.map((n) => n.metadata?.name)).not.toContain(name);
    expect((await s.aws.autoscaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups?.[0]?.DesiredCapacity).toBe(2);

    expect(s.sim.recorder.facts('pod-killed')).toEqual([]);
    expect(s.sim.recorder.facts('pdb-violation')).toEqual([]);
    const ready = (await s.core.listNamespacedPod({ namespace: 'shop' })).items.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    expect(ready.map((p) => p.metadata?.labels?.app).sort()).toEqual(['cache', 'cache', 'search', 'search', 'web', 'web', 'web']);
  });
});
