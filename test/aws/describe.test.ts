// describeGroups against the simulator: every field of the ports' observation, as AWS's own
// answers (the simulator's model) give it.

import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/sim/scenario/types.js';
import { GROUP, requests, smallScenario, useSimCloud } from './helpers.js';

describe('describeGroups', () => {
  const s = useSimCloud();

  it('maps every field of the group and its instances, private DNS names from EC2', async () => {
    const [group, ...rest] = await s.cloud.describeGroups([GROUP]);
    expect(rest).toEqual([]);
    const model = s.sim.aws.group(GROUP)!;
    const ec2 = new Map(s.sim.aws.instances().map((i) => [i.instanceId, i]));
    expect(group).toEqual({
      name: GROUP,
      minSize: 1,
      maxSize: 6,
      desiredCapacity: 3,
      zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      suspendedProcesses: ['AZRebalance'],
      tags: { 'k8s.io/cluster-autoscaler/node-template/label/scalerd.io/node-group': 'workers', 'scalerd.io/managed': 'true' },
      instances: model.instances.map((i) => ({
        id: i.instanceId,
        zone: i.availabilityZone,
        lifecycleState: 'InService',
        healthy: true,
        protectedFromScaleIn: false,
        instanceType: 'm6i.large',
        privateDnsName: ec2.get(i.instanceId)!.privateDnsName,
        // EC2's LaunchTime has whole seconds.
        launchedAt: Math.floor(ec2.get(i.instanceId)!.launchTime / 1000) * 1000,
      })),
    });
    expect(group!.instances).toHaveLength(3);
    expect(new Set(group!.instances.map((i) => i.zone)).size).toBe(3);
    expect(group!.instances.every((i) => /^ip-[\d-]+\.eu-west-1\.compute\.internal$/.test(i.privateDnsName ?? ''))).toBe(true);
  });

  it('leaves out names that are not groups, and asks for nothing when given no names', async () => {
    expect(await s.cloud.describeGroups(['no-such-group'])).toEqual([]);
    expect((await s.cloud.describeGroups(['no-such-group', GROUP, GROUP])).map((g) => g.name)).toEqual([GROUP]);
    const before = requests(s.sim, 'DescribeAutoScalingGroups');
    // AWS would describe every group in the account for an empty list.
    expect(await s.cloud.describeGroups([])).toEqual([]);
    expect(requests(s.sim, 'DescribeAutoScalingGroups')).toBe(before);
  });

  it('shows protection from scale-in and an instance that is launching', async () => {
    const protectedId = s.sim.aws.group(GROUP)!.instances[0]!.instanceId;
    expect(s.sim.aws.setInstanceProtection(GROUP, [protectedId], true).ok).toBe(true);
    await s.cloud.setDesiredCapacity(GROUP, 4);
    const [group] = await s.cloud.describeGroups([GROUP]);
    expect(group!.instances.find((i) => i.id === protectedId)?.protectedFromScaleIn).toBe(true);
    const launching = group!.instances.filter((i) => i.lifecycleState === 'Pending');
    expect(launching).toHaveLength(1);
    expect(launching[0]!.privateDnsName).toBe(s.sim.aws.instance(launching[0]!.id)!.privateDnsName);
  });
});

describe('describeGroups on many groups and instances', () => {
  /** 101 groups of one, and one of 201: more names and ids than one call of each API takes. */
  async function crowded(): Promise<Scenario> {
    const base = (await smallScenario()).nodeGroups[0]!;
    const single = Array.from({ length: 101 }, (_, n) => ({ ...base, name: `g${n}`, asg: `group-${String(n).padStart(3, '0')}`, min: 0, desired: 1, max: 2 }));
    return { name: 'crowded', region: 'eu-west-1', nodeGroups: [...single, { ...base, name: 'big', asg: 'big', min: 0, desired: 201, max: 300 }] };
  }
  const s = useSimCloud({ scenario: crowded });

  it('asks 100 names at a time and 200 instance ids at a time, and keeps the order asked for', async () => {
    const names = ['big', ...Array.from({ length: 101 }, (_, n) => `group-${String(100 - n).padStart(3, '0')}`)];
    const groups = await s.cloud.describeGroups(names);
    expect(groups.map((g) => g.name)).toEqual(names);
    expect(requests(s.sim, 'DescribeAutoScalingGroups')).toBe(2);
    // 302 instances: 200 + 102.
    expect(requests(s.sim, 'DescribeInstances')).toBe(2);
    const all = groups.flatMap((g) => g.instances);
    expect(all).toHaveLength(302);
    const dns = new Map(s.sim.aws.instances().map((i) => [i.instanceId, i.privateDnsName]));
    expect(all.every((i) => i.privateDnsName !== undefined && i.privateDnsName === dns.get(i.id))).toBe(true);
  });
});
