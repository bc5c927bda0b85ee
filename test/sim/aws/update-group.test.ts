// UpdateAutoScalingGroup through the SDK: every parameter is either stored and reported by
// DescribeAutoScalingGroups (and acted on where the simulator models it), or refused with an
// error; none is accepted and dropped. Values are checked as AWS checks them.

import { DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand, UpdateAutoScalingGroupCommand, type UpdateAutoScalingGroupCommandInput } from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { servedWorld, spec } from './helpers.js';

const s = servedWorld((w) => w.model.addGroup(spec({ minSize: 1, maxSize: 10 }), { startInService: true }));

const group = async () => (await s.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['workers'] }))).AutoScalingGroups![0]!;

const update = (input: Omit<UpdateAutoScalingGroupCommandInput, 'AutoScalingGroupName'>) =>
  s.autoscaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'workers', ...input }));

/** The error an update fails with, and that the group did not change. */
async function refused(input: Omit<UpdateAutoScalingGroupCommandInput, 'AutoScalingGroupName'>): Promise<{ name: string; message: string; status: number | undefined }> {
  const before = await group();
  const error = await update(input).then(
    () => expect.unreachable('the update succeeded'),
    (e: { name: string; message: string; $metadata?: { httpStatusCode?: number } }) => e,
  );
  expect(await group()).toEqual(before);
  return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
}

describe('UpdateAutoScalingGroup stores and reports', () => {
  it('the defaults of a group nobody changed', async () => {
    const g = await group();
    expect(g).toMatchObject({
      DefaultCooldown: 300, HealthCheckType: 'EC2', HealthCheckGracePeriod: 300, TerminationPolicies: ['Default'],
      NewInstancesProtectedFromScaleIn: false, CapacityRebalance: false,
    });
    for (const unset of ['MaxInstanceLifetime', 'Context', 'DesiredCapacityType', 'DefaultInstanceWarmup', 'PlacementGroup', 'VPCZoneIdentifier']) expect(g, unset).not.toHaveProperty(unset);
  });

  it('every setting it models, and clears the two AWS lets one clear', async () => {
    await update({
      DefaultCooldown: 60, HealthCheckType: 'ELB', HealthCheckGracePeriod: 90, TerminationPolicies: ['NewestInstance', 'Default'],
      NewInstancesProtectedFromScaleIn: true, ServiceLinkedRoleARN: 'arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_custom',
      MaxInstanceLifetime: 604_800, CapacityRebalance: true, Context: 'night shift', DesiredCapacityType: 'units', DefaultInstanceWarmup: 120,
    });
    expect(await group()).toMatchObject({
      DefaultCooldown: 60, HealthCheckType: 'ELB', HealthCheckGracePeriod: 90, TerminationPolicies: ['NewestInstance', 'Default'],
      NewInstancesProtectedFromScaleIn: true, ServiceLinkedRoleARN: 'arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_custom',
      MaxInstanceLifetime: 604_800, CapacityRebalance: true, Context: 'night shift', DesiredCapacityType: 'units', DefaultInstanceWarmup: 120,
      MinSize: 1, MaxSize: 10, DesiredCapacity: 3,
    });
    await update({ MaxInstanceLifetime: 0, DefaultInstanceWarmup: -1 });
    const g = await group();
    expect(g).not.toHaveProperty('MaxInstanceLifetime');
    expect(g).not.toHaveProperty('DefaultInstanceWarmup');
    expect(g.DefaultCooldown).toBe(60);
  });

  it('a launch template version of the group\'s own template, by id or by name; new instances carry it', async () => {
    await update({ LaunchTemplate: { LaunchTemplateId: 'lt-0abc1234def567890', Version: '2' } });
    expect((await group()).LaunchTemplate).toEqual({ LaunchTemplateId: 'lt-0abc1234def567890', LaunchTemplateName: 'workers', Version: '2' });
    await update({ LaunchTemplate: { LaunchTemplateName: 'workers', Version: '$Latest' } });
    await s.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'workers', DesiredCapacity: 4 }));
    const g = await group();
    expect(g.LaunchTemplate?.Version).toBe('$Latest');
    expect(g.Instances!.map((i) => i.LaunchTemplate?.Version).sort()).toEqual(['$Latest', '3', '3', '3']);
  });

  it('more zones: the group rebalances into the new one', async () => {
    await update({ AvailabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], DesiredCapacity: 6 });
    s.w.clock.advance(40_000);
    await update({ AvailabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c', 'eu-west-1d'] });
    expect((await group()).AvailabilityZones).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c', 'eu-west-1d']);
    // AZRebalance: launch in the empty zone first, then take one from a long one.
    expect((await group()).Instances!.filter((i) => i.AvailabilityZone === 'eu-west-1d').map((i) => i.LifecycleState)).toEqual(['Pending']);
  });
});

describe('UpdateAutoScalingGroup acts on', () => {
  it('NewInstancesProtectedFromScaleIn: instances launched afterwards are protected', async () => {
    await update({ NewInstancesProtectedFromScaleIn: true, DesiredCapacity: 4 });
    expect((await group()).Instances!.map((i) => i.ProtectedFromScaleIn)).toEqual([false, false, false, true]);
  });

  it('TerminationPolicies: NewestInstance takes the newest of the zone to shrink, where Default takes the oldest', async () => {
    await update({ DesiredCapacity: 6 });
    s.w.clock.advance(40_000);
    const newest = (await group()).Instances!.filter((i) => i.AvailabilityZone === 'eu-west-1c').at(-1)!.InstanceId;
    await update({ TerminationPolicies: ['NewestInstance'], DesiredCapacity: 5 });
    expect((await group()).Instances!.find((i) => i.LifecycleState === 'Terminating')?.InstanceId).toBe(newest);
  });
});

describe('UpdateAutoScalingGroup refuses, changing nothing', () => {
  it('a health check type that is not one', async () => {
    expect(await refused({ HealthCheckType: 'PING' })).toEqual({
      name: 'ValidationError', status: 400,
      message: "1 validation error detected: Value 'PING' at 'healthCheckType' failed to satisfy constraint: Member must satisfy enum value set: [EC2, ELB, VPC_LATTICE, EBS]",
    });
  });

  it('every broken model constraint at once, in AWS\'s words', async () => {
    expect((await refused({ HealthCheckType: 'E'.repeat(33), Context: 'bell\u0007', MinSize: -1 })).message).toBe(
      '3 validation errors detected: ' +
        "Value '-1' at 'minSize' failed to satisfy constraint: Member must have value greater than or equal to 0; " +
        `Value '${'E'.repeat(33)}' at 'healthCheckType' failed to satisfy constraint: Member must have length less than or equal to 32; ` +
        // The bell is shown as U+FFFD: XML cannot carry it.
        "Value 'bell\uFFFD' at 'context' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*",
    );
  });

  it('termination policies that are not AWS\'s, or a Lambda function the simulator cannot call', async () => {
    expect((await refused({ TerminationPolicies: ['Youngest'] })).message).toBe(
      "1 validation error detected: Value '[Youngest]' at 'terminationPolicies' failed to satisfy constraint: Member must satisfy enum value set: " +
        '[Default, AllocationStrategy, OldestLaunchTemplate, OldestLaunchConfiguration, ClosestToNextInstanceHour, NewestInstance, OldestInstance]',
    );
    expect((await refused({ TerminationPolicies: ['arn:aws:lambda:eu-west-1:123456789012:function:pick'] })).name).toBe('ValidationError');
  });

  it('a maximum instance lifetime under a day, and capacity in vCPUs without instance requirements', async () => {
    expect((await refused({ MaxInstanceLifetime: 3_600 })).message).toBe('The maximum instance lifetime must be 0 (none), or from 86400 to 31536000 seconds.');
    expect((await refused({ DesiredCapacityType: 'cores' })).message).toMatch(/at 'desiredCapacityType' failed to satisfy constraint: Member must satisfy enum value set: \[units, vcpu, memory-mib\]$/);
    expect((await refused({ DesiredCapacityType: 'vcpu' })).name).toBe('ValidationError');
  });

  it('what the simulator has none of: launch configurations, other launch templates or versions, placement groups, subnets', async () => {
    expect(await refused({ LaunchConfigurationName: 'old-lc' })).toEqual({ name: 'ValidationError', status: 400, message: 'Launch configuration name not found - Launch configuration old-lc not found' });
    expect((await refused({ LaunchTemplate: { LaunchTemplateId: 'lt-0fffffffffffffff0' } })).message).toBe(
      'You must use a valid fully-formed launch template. The specified launch template, with template ID lt-0fffffffffffffff0, does not exist.',
    );
    expect((await refused({ LaunchTemplate: { LaunchTemplateName: 'other' } })).message).toBe(
      'You must use a valid fully-formed launch template. The specified launch template, with template name other, does not exist.',
    );
    expect((await refused({ LaunchTemplate: { LaunchTemplateName: 'workers', Version: '4' } })).name).toBe('ValidationError');
    expect((await refused({ PlacementGroup: 'cluster-pg' })).name).toBe('ValidationError');
    expect((await refused({ VPCZoneIdentifier: 'subnet-0abc, subnet-0def' })).message).toBe("The subnet ID 'subnet-0abc' does not exist");
  });

  it('a mixed instances policy, and dropping a zone its instances still run in', async () => {
    const mixed = { LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateName: 'workers' } }, InstancesDistribution: { OnDemandBaseCapacity: 1 } };
    expect((await refused({ MixedInstancesPolicy: mixed })).name).toBe('ValidationError');
    expect((await refused({ AvailabilityZones: ['eu-west-1a', 'eu-west-1b'] })).name).toBe('ValidationError');
    expect((await refused({ AvailabilityZones: ['us-east-1a'] })).name).toBe('ValidationError');
  });
});
