// Every Auto Scaling action through the real @aws-sdk/client-auto-scaling.

import {
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeScalingActivitiesCommand,
  paginateDescribeAutoScalingGroups,
  paginateDescribeScalingActivities,
  ResumeProcessesCommand,
  SetDesiredCapacityCommand,
  SetInstanceProtectionCommand,
  SuspendProcessesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { servedWorld, spec, TIMINGS } from './helpers.js';

const s = servedWorld((w) => {
  w.model.addGroup(spec({ minSize: 2, maxSize: 40, tags: { Name: 'workers', env: 'prod' } }), { startInService: true });
  w.model.addGroup(spec({ name: 'batch', availabilityZones: ['eu-west-1a'], desiredCapacity: 1, minSize: 0, tags: { env: 'dev' } }), { startInService: true });
});

/** The exception a command fails with (the test fails if it succeeds). */
async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  const error = await promise.then(
    () => expect.unreachable('the call succeeded'),
    (e: unknown) => e as { name: string; message: string; $metadata?: { httpStatusCode?: number } },
  );
  return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
}

const group = async (name = 'workers') => (await s.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];

describe('DescribeAutoScalingGroups through the SDK', () => {
  it('describes groups with their sizes, zones, instances, tags and policies', async () => {
    const g = await group();
    expect(g).toMatchObject({
      AutoScalingGroupName: 'workers',
      MinSize: 2,
      MaxSize: 40,
      DesiredCapacity: 3,
      AvailabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      HealthCheckType: 'EC2',
      DefaultCooldown: 300,
      TerminationPolicies: ['Default'],
      SuspendedProcesses: [],
      LaunchTemplate: { LaunchTemplateId: 'lt-0abc1234def567890', LaunchTemplateName: 'workers', Version: '3' },
      CreatedTime: new Date('2026-03-02T09:00:00Z'),
    });
    expect(g?.AutoScalingGroupARN).toMatch(/^arn:aws:autoscaling:eu-west-1:\d{12}:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/workers$/);
    expect(g?.Instances?.[0]).toEqual({
      InstanceId: s.w.model.group('workers')!.instances[0]!.instanceId,
      InstanceType: 'm5.large',
      AvailabilityZone: 'eu-west-1a',
      LifecycleState: 'InService',
      HealthStatus: 'Healthy',
      ProtectedFromScaleIn: false,
      LaunchTemplate: { LaunchTemplateId: 'lt-0abc1234def567890', LaunchTemplateName: 'workers', Version: '3' },
    });
    expect(g?.Tags).toContainEqual({ ResourceId: 'workers', ResourceType: 'auto-scaling-group', Key: 'env', Value: 'prod', PropagateAtLaunch: true });
  });

  it('lists all groups by name, and none for unknown names', async () => {
    const all = await s.autoscaling.send(new DescribeAutoScalingGroupsCommand({}));
    expect(all.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(['batch', 'workers']);
    const none = await s.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['nope'] }));
    expect(none.AutoScalingGroups).toEqual([]);
  });

  it('filters by tag:<key>, tag-key and tag-value', async () => {
    const names = async (Filters: { Name: string; Values: string[] }[]) =>
      (await s.autoscaling.send(new DescribeAutoScalingGroupsCommand({ Filters }))).AutoScalingGroups?.map((g) => g.AutoScalingGroupName);
    expect(await names([{ Name: 'tag:env', Values: ['prod', 'staging'] }])).toEqual(['workers']);
    expect(await names([{ Name: 'tag-key', Values: ['Name'] }])).toEqual(['workers']);
    expect(await names([{ Name: 'tag-value', Values: ['dev'] }])).toEqual(['batch']);
    expect(await names([{ Name: 'tag-key', Values: ['env'] }, { Name: 'tag:env', Values: ['dev'] }])).toEqual(['batch']);
  });

  it('pages with MaxRecords and NextToken, as the SDK paginator uses them', async () => {
    for (const name of ['g1', 'g2', 'g3']) s.w.model.addGroup(spec({ name, desiredCapacity: 0, minSize: 0 }), { startInService: true });
    const pages: string[][] = [];
    for await (const page of paginateDescribeAutoScalingGroups({ client: s.autoscaling, pageSize: 2 }, {})) pages.push(page.AutoScalingGroups?.map((g) => g.AutoScalingGroupName ?? '') ?? []);
    expect(pages).toEqual([['batch', 'g1'], ['g2', 'g3'], ['workers']]);
    expect(await rejection(s.autoscaling.send(new DescribeAutoScalingGroupsCommand({ NextToken: 'garbage' })))).toMatchObject({ name: 'InvalidNextToken', status: 400 });
  });
});

describe('changing capacity through the SDK', () => {
  it('SetDesiredCapacity launches; HonorCooldown passes when no activity or cooldown blocks it', async () => {
    await s.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'workers', DesiredCapacity: 4, HonorCooldown: true }));
    const g = await group();
    expect(g?.DesiredCapacity).toBe(4);
    expect(g?.Instances?.filter((i) => i.LifecycleState === 'Pending')).toHaveLength(1);
  });

  it('SetDesiredCapacity outside the bounds is a ValidationError with AWS words', async () => {
    expect(await rejection(s.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'workers', DesiredCapacity: 1 })))).toEqual({
      name: 'ValidationError',
      message: 'New SetDesiredCapacity value 1 is below min value 2 for the AutoScalingGroup.',
      status: 400,
    });
    expect((await rejection(s.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'workers', DesiredCapacity: 50 })))).message).toBe(
      'New SetDesiredCapacity value 50 is above max value 40 for the AutoScalingGroup.',
    );
    expect((await rejection(s.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'nope', DesiredCapacity: 3 })))).message).toBe('AutoScalingGroup name not found - null');
  });

  it('UpdateAutoScalingGroup changes the bounds and desired capacity', async () => {
    await s.autoscaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'workers', MinSize: 1, MaxSize: 5, DesiredCapacity: 2 }));
    expect(await group()).toMatchObject({ MinSize: 1, MaxSize: 5, DesiredCapacity: 2 });
    expect((await rejection(s.autoscaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'workers', MinSize: 6 })))).message).toBe(
      'Max bound, 5, must be greater than or equal to min bound, 6',
    );
  });

  it('TerminateInstanceInAutoScalingGroup returns the activity and shrinks the group', async () => {
    const id = s.w.model.group('workers')!.instances[0]!.instanceId;
    const { Activity } = await s.autoscaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: id, ShouldDecrementDesiredCapacity: true }));
    expect(Activity).toMatchObject({ AutoScalingGroupName: 'workers', Description: `Terminating EC2 instance: ${id}`, StatusCode: 'InProgress', Progress: 0, StartTime: new Date('2026-03-02T09:00:00Z') });
    expect(Activity?.Cause).toBe(`At 2026-03-02T09:00:00Z instance ${id} was taken out of service in response to a user request, shrinking the capacity from 3 to 2.`);
    const g = await group();
    expect(g?.DesiredCapacity).toBe(2);
    expect(g?.Instances?.find((i) => i.InstanceId === id)?.LifecycleState).toBe('Terminating');
  });

  it('TerminateInstanceInAutoScalingGroup below MinSize and on unknown instances fails as on AWS', async () => {
    await s.autoscaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: s.w.model.group('workers')!.instances[0]!.instanceId, ShouldDecrementDesiredCapacity: true }));
    const last = s.w.model.group('workers')!.instances[1]!.instanceId;
    expect(await rejection(s.autoscaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: last, ShouldDecrementDesiredCapacity: true })))).toEqual({
      name: 'ValidationError',
      message:
        "Currently, desiredSize equals minSize (2). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.",
      status: 400,
    });
    expect((await rejection(s.autoscaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: 'i-0000000000000000f', ShouldDecrementDesiredCapacity: false })))).message).toBe(
      'Instance Id not found - No managed instance found for instance ID: i-0000000000000000f',
    );
  });
});

describe('protection, processes and activities through the SDK', () => {
  it('SetInstanceProtection shows in the group description', async () => {
    const id = s.w.model.group('workers')!.instances[2]!.instanceId;
    await s.autoscaling.send(new SetInstanceProtectionCommand({ AutoScalingGroupName: 'workers', InstanceIds: [id], ProtectedFromScaleIn: true }));
    expect((await group())?.Instances?.map((i) => i.ProtectedFromScaleIn)).toEqual([false, false, true]);
  });

  it('SuspendProcesses and ResumeProcesses, named or all', async () => {
    await s.autoscaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: 'workers', ScalingProcesses: ['AZRebalance'] }));
    expect((await group())?.SuspendedProcesses).toEqual([{ ProcessName: 'AZRebalance', SuspensionReason: 'User suspended at 2026-03-02T09:00:00Z' }]);
    await s.autoscaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: 'workers' }));
    expect((await group())?.SuspendedProcesses).toHaveLength(9);
    await s.autoscaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: 'workers', ScalingProcesses: [] }));
    expect((await group())?.SuspendedProcesses).toEqual([]);
  });

  it('DescribeScalingActivities by group and by id, newest first, in pages', async () => {
    await s.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'workers', DesiredCapacity: 6 }));
    s.w.clock.advance(TIMINGS.launchDelayMs);
    const { Activities } = await s.autoscaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'workers' }));
    expect(Activities?.[0]).toMatchObject({ StatusCode: 'Successful', Progress: 100, AutoScalingGroupName: 'workers', EndTime: new Date('2026-03-02T09:00:40Z') });
    expect(Activities?.every((a) => a.AutoScalingGroupName === 'workers')).toBe(true);
    const byId = await s.autoscaling.send(new DescribeScalingActivitiesCommand({ ActivityIds: [Activities![1]!.ActivityId!] }));
    expect(byId.Activities?.map((a) => a.ActivityId)).toEqual([Activities![1]!.ActivityId]);
    let pages = 0;
    const ids: string[] = [];
    for await (const page of paginateDescribeScalingActivities({ client: s.autoscaling, pageSize: 2 }, { AutoScalingGroupName: 'workers' })) {
      pages++;
      ids.push(...(page.Activities ?? []).map((a) => a.ActivityId ?? ''));
    }
    expect(ids).toEqual(Activities?.map((a) => a.ActivityId));
    expect(pages).toBe(Math.ceil(ids.length / 2));
  });

  it('DescribeAutoScalingInstances, with its capitalised health status', async () => {
    const id = s.w.model.group('batch')!.instances[0]!.instanceId;
    const { AutoScalingInstances } = await s.autoscaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [id] }));
    expect(AutoScalingInstances).toEqual([
      {
        InstanceId: id,
        InstanceType: 'm5.large',
        AutoScalingGroupName: 'batch',
        AvailabilityZone: 'eu-west-1a',
        LifecycleState: 'InService',
        HealthStatus: 'HEALTHY',
        ProtectedFromScaleIn: false,
        LaunchTemplate: { LaunchTemplateId: 'lt-0abc1234def567890', LaunchTemplateName: 'workers', Version: '3' },
      },
    ]);
  });
});
