// The AWS side of the whole simulator through the real AWS SDK v3, seen together with the
// Kubernetes side through client-node: instances are Nodes, and a terminated instance's Node
// goes NotReady at once and away after the scenario's delays (manual clock).

import { DescribeAutoScalingGroupsCommand, TerminateInstanceInAutoScalingGroupCommand, paginateDescribeAutoScalingGroups, type Instance } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { instanceIdOf, useSim } from './helpers.js';

const s = useSim();

async function groupInstances(): Promise<Instance[]> {
  const instances: Instance[] = [];
  for await (const page of paginateDescribeAutoScalingGroups({ client: s.aws.autoscaling }, {})) {
    for (const group of page.AutoScalingGroups ?? []) instances.push(...(group.Instances ?? []));
  }
  return instances;
}

describe('the simulator\'s AWS side through the SDK', () => {
  it('lists every group instance once, and each is exactly one Node (providerID, zone, private DNS name and IP)', async () => {
    const instances = await groupInstances();
    expect(instances).toHaveLength(3);
    const nodes = (await s.core.listNode()).items;
    const reservations = (await s.aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: instances.map((i) => i.InstanceId!) }))).Reservations ?? [];
    const ec2 = new Map(reservations.flatMap((r) => r.Instances ?? []).map((i) => [i.InstanceId!, i]));
    for (const instance of instances) {
      const matching = nodes.filter((n) => instanceIdOf(n.spec?.providerID) === instance.InstanceId);
      expect(matching).toHaveLength(1);
      const node = matching[0]!;
      expect(node.spec?.providerID).toBe(`aws:///${instance.AvailabilityZone}/${instance.InstanceId}`);
      expect(node.metadata?.labels?.['topology.kubernetes.io/zone']).toBe(instance.AvailabilityZone);
      expect(node.metadata?.labels?.['node.kubernetes.io/instance-type']).toBe(instance.InstanceType);
      expect(node.metadata?.name).toBe(ec2.get(instance.InstanceId!)?.PrivateDnsName);
      expect(node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address).toBe(ec2.get(instance.InstanceId!)?.PrivateIpAddress);
    }
    // And no Node without an instance.
    expect(nodes.map((n) => instanceIdOf(n.spec?.providerID)).sort()).toEqual(instances.map((i) => i.InstanceId).sort());
  });

  it('TerminateInstanceInAutoScalingGroup with ShouldDecrementDesiredCapacity: the Node goes NotReady, the instance Terminated (3 s), the Node away (5 s)', async () => {
    const [victim] = await groupInstances();
    const node = (await s.core.listNode()).items.find((n) => instanceIdOf(n.spec?.providerID) === victim!.InstanceId)!;
    const name = node.metadata!.name!;
    const podsBefore = (await s.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${name}` })).items;
    expect(podsBefore.length).toBeGreaterThan(0);

    await s.aws.autoscaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: victim!.InstanceId, ShouldDecrementDesiredCapacity: true }));
    const group = (await s.aws.autoscaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups![0]!;
    expect(group.DesiredCapacity).toBe(2);
    expect(group.Instances?.find((i) => i.InstanceId === victim!.InstanceId)?.LifecycleState).toBe('Terminating');
    const stopping = await s.core.readNode({ name });
    expect(stopping.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('Unknown');
    expect(stopping.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual(expect.arrayContaining(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']));

    s.sim.clock.advance(3_000); // terminateSeconds
    const ec2 = (await s.aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [victim!.InstanceId!] }))).Reservations?.[0]?.Instances?.[0];
    expect(ec2?.State?.Name).toBe('terminated');
    expect((await groupInstances()).map((i) => i.InstanceId)).not.toContain(victim!.InstanceId);
    await s.core.readNode({ name }); // still there: the cloud controller has not removed it yet

    s.sim.clock.advance(2_000); // nodeRemovalSeconds, counted from the termination
    expect((await s.core.listNode()).items.map((n) => n.metadata?.name)).not.toContain(name);
    expect((await s.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${name}` })).items).toEqual([]);
    // Nobody drained it: the pods that ran there were killed, and the simulator says so.
    const killed = s.sim.recorder.facts('pod-killed').map((f) => f.pod);
    const workloads = podsBefore.filter((p) => p.metadata?.ownerReferences?.[0]?.kind !== 'DaemonSet').map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);
    expect(killed.sort()).toEqual(workloads.sort());
  });
});
