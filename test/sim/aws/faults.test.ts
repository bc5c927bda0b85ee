// Injected faults, request counts and mutation facts, seen through the real SDK clients.

import { AutoScalingClient, DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand, TerminateInstanceInAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { servedWorld, spec, TIMINGS } from './helpers.js';

const s = servedWorld((w) => w.model.addGroup(spec({ minSize: 2 }), { startInService: true }));

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('the call succeeded'),
    (e: { name: string; message: string; $metadata: { httpStatusCode?: number } }) => ({ name: e.name, message: e.message, status: e.$metadata.httpStatusCode }),
  );

describe('injected request faults', () => {
  it('Throttling surfaces as the SDK\'s Throttling error, HTTP 400 "Rate exceeded"', async () => {
    s.w.faults.addRequestFault({ api: 'aws', operation: 'DescribeAutoScalingGroups', error: 'Throttling' });
    expect(await failure(s.autoscaling.send(new DescribeAutoScalingGroupsCommand({})))).toEqual({ name: 'Throttling', message: 'Rate exceeded', status: 400 });
    // The client's own retries saw it too: every injected error is counted.
    expect(s.w.faults.fired()['aws Throttling']).toBeGreaterThanOrEqual(1);
  });

  it('ServiceUnavailable is a 503, and the SDK\'s own retries get through once it passes', async () => {
    s.w.faults.addRequestFault({ api: 'aws', operation: 'DescribeAutoScalingGroups', error: 'ServiceUnavailable' });
    expect(await failure(s.autoscaling.send(new DescribeAutoScalingGroupsCommand({})))).toMatchObject({ name: 'ServiceUnavailable', status: 503 });
    s.w.faults.clear();
    s.w.faults.addRequestFault({ api: 'aws', operation: 'DescribeAutoScalingGroups', error: 'ServiceUnavailable', count: 1 });
    const retrying = new AutoScalingClient({ endpoint: s.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDSIM', secretAccessKey: 'secret' }, maxAttempts: 3 });
    const groups = await retrying.send(new DescribeAutoScalingGroupsCommand({}));
    retrying.destroy();
    expect(groups.AutoScalingGroups).toHaveLength(1);
    expect(s.w.recorder.requests()['aws DescribeAutoScalingGroups']).toBe(3);
  });

  it('ScalingActivityInProgress refuses SetDesiredCapacity and changes nothing', async () => {
    s.w.faults.addRequestFault({ api: 'aws', operation: 'SetDesiredCapacity', error: 'ScalingActivityInProgress' });
    const error = await failure(s.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'workers', DesiredCapacity: 5 })));
    // The SDK models this code, so it arrives as its class ScalingActivityInProgressFault.
    expect(error).toMatchObject({ name: 'ScalingActivityInProgressFault', status: 400 });
    expect(s.w.model.group('workers')?.desiredCapacity).toBe(3);
    expect(s.w.recorder.facts('mutation')).toEqual([]);
  });

  it('RequestLimitExceeded on EC2, and added latency still answers', async () => {
    s.w.faults.addRequestFault({ api: 'aws', operation: 'DescribeInstances', error: 'RequestLimitExceeded', count: 1 });
    expect(await failure(s.ec2.send(new DescribeInstancesCommand({})))).toMatchObject({ name: 'RequestLimitExceeded', status: 503 });
    s.w.faults.addRequestFault({ api: 'aws', operation: '*', latencyMs: 20 });
    expect((await s.ec2.send(new DescribeInstancesCommand({}))).Reservations).toHaveLength(3);
  });
});

describe('what the recorder learns', () => {
  it('counts every request by action, failed ones too', async () => {
    await s.autoscaling.send(new DescribeAutoScalingGroupsCommand({}));
    await s.ec2.send(new DescribeInstancesCommand({}));
    await failure(s.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'workers', DesiredCapacity: 1 })));
    expect(s.w.recorder.requests()).toEqual({ 'aws DescribeAutoScalingGroups': 1, 'aws DescribeInstances': 1, 'aws SetDesiredCapacity': 1 });
  });

  it('records a mutation fact for each successful mutating call, naming the access key id', async () => {
    const id = s.w.model.group('workers')!.instances[0]!.instanceId;
    s.w.clock.advance(1_000);
    await s.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'workers', DesiredCapacity: 4 }));
    await s.autoscaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: id, ShouldDecrementDesiredCapacity: true }));
    await s.autoscaling.send(new DescribeAutoScalingGroupsCommand({}));
    const byClient = s.w.recorder.facts('mutation').filter((f) => f.client === 'AKIDSIM');
    expect(byClient).toEqual([
      { kind: 'mutation', at: Date.parse('2026-03-02T09:00:01Z'), client: 'AKIDSIM', api: 'aws', operation: 'SetDesiredCapacity', target: 'workers' },
      { kind: 'mutation', at: Date.parse('2026-03-02T09:00:01Z'), client: 'AKIDSIM', api: 'aws', operation: 'TerminateInstanceInAutoScalingGroup', target: id },
    ]);
  });
});

describe('injected launch failures', () => {
  it('a RunInstances fault fails the launch with a Failed activity, and the group retries later', async () => {
    s.w.faults.addRequestFault({ api: 'aws', operation: 'RunInstances', error: 'InsufficientInstanceCapacity', count: 1 });
    s.w.model.setDesiredCapacity('workers', 4);
    const [failed] = s.w.model.activities();
    expect(failed).toMatchObject({ statusCode: 'Failed', progress: 100 });
    expect(failed?.statusMessage).toMatch(/^We currently do not have sufficient m5\.large capacity in the Availability Zone you requested \(eu-west-1a\)\..*Launching EC2 instance failed\.$/);
    expect(failed?.description).toBe(`Launching a new EC2 instance.  Status Reason: ${failed?.statusMessage}`);
    expect(s.w.model.group('workers')?.instances).toHaveLength(3);

    s.w.clock.advance(10_000);
    expect(s.w.model.group('workers')?.instances.map((i) => i.lifecycleState)).toContain('Pending');
    s.w.clock.advance(TIMINGS.launchDelayMs);
    expect(s.w.model.group('workers')?.instances).toHaveLength(4);
  });

  it('a "*" rule meant for API calls does not fail launches', () => {
    s.w.faults.addRequestFault({ api: 'aws', operation: '*', error: 'Throttling' });
    s.w.model.setDesiredCapacity('workers', 4);
    expect(s.w.model.activities()[0]?.statusCode).toBe('InProgress');
  });
});
