// terminateInstance against the simulator: exactly the instance named, the group shrunk by
// one, and a repeat that neither calls AWS again nor shrinks the group twice.

import { describe, expect, it, vi } from 'vitest';
import { GROUP, remoteFailure, requests, useSimCloud } from './helpers.js';

describe('terminateInstance', () => {
  const s = useSimCloud();
  const members = () => s.sim.aws.group(GROUP)!.instances;

  it('terminates exactly that instance and decrements desired capacity; no other instance is touched', async () => {
    const [victim, ...others] = members();
    const result = await s.cloud.terminateInstance(victim!.instanceId);
    expect(result.kind).toBe('terminating');
    const activity = s.sim.aws.activities().find((a) => a.instanceId === victim!.instanceId);
    expect(result).toEqual({ kind: 'terminating', activityId: activity!.activityId });

    const [group] = await s.cloud.describeGroups([GROUP]);
    expect(group!.desiredCapacity).toBe(2);
    expect(group!.instances.find((i) => i.id === victim!.instanceId)?.lifecycleState).toBe('Terminating');
    expect(group!.instances.filter((i) => i.id !== victim!.instanceId)).toEqual(
      expect.arrayContaining(others.map((o) => expect.objectContaining({ id: o.instanceId, lifecycleState: 'InService' }))),
    );
    expect(group!.instances).toHaveLength(3);
    // The group chose no victim of its own, and terminated nothing else.
    expect(s.sim.aws.activities().filter((a) => a.description.startsWith('Terminating'))).toHaveLength(1);
  });

  it('a second call for the same instance is already-terminating: no second request, no second decrement', async () => {
    const victim = members()[1]!.instanceId;
    await s.cloud.terminateInstance(victim);
    expect(await s.cloud.terminateInstance(victim)).toEqual({ kind: 'already-terminating' });
    expect(requests(s.sim, 'TerminateInstanceInAutoScalingGroup')).toBe(1);
    expect(s.sim.aws.group(GROUP)!.desiredCapacity).toBe(2);

    // And once it is Terminated and out of the group.
    s.sim.clock.advance(3_000); // terminateSeconds
    expect(s.sim.aws.instance(victim)?.lifecycle).toBe('Terminated');
    expect(await s.cloud.terminateInstance(victim)).toEqual({ kind: 'already-terminating' });
    expect(requests(s.sim, 'TerminateInstanceInAutoScalingGroup')).toBe(1);
    expect(s.sim.aws.group(GROUP)!.desiredCapacity).toBe(2);
  });

  it('an id EC2 has never heard of is gone; a malformed one is an error', async () => {
    expect(await s.cloud.terminateInstance('i-0123456789abcdef0')).toEqual({ kind: 'already-terminating' });
    const malformed = await remoteFailure(s.cloud.terminateInstance('i-nope'));
    expect(malformed.detail).toMatchObject({ operation: 'DescribeInstances', reason: 'InvalidInstanceID.Malformed', retryable: false });
    expect(requests(s.sim, 'TerminateInstanceInAutoScalingGroup')).toBe(0);
  });

  it('refuses below MinSize: RemoteError, not retryable, with AWS\'s ValidationError message; nothing changes', async () => {
    const [a, b, c] = members();
    await s.cloud.terminateInstance(a!.instanceId);
    await s.cloud.terminateInstance(b!.instanceId);
    const error = await remoteFailure(s.cloud.terminateInstance(c!.instanceId));
    expect(error.code).toBe('SCALERD_ERR_AWS_CALL');
    expect(error.detail).toEqual({ operation: 'TerminateInstanceInAutoScalingGroup', status: 400, reason: 'ValidationError', retryable: false });
    expect(error.message).toContain("Currently, desiredSize equals minSize (1). Terminating instance without replacement will violate group's min size constraint.");
    expect(error.message).toContain(`terminate instance ${c!.instanceId}`);
    expect(s.sim.aws.group(GROUP)!.desiredCapacity).toBe(1);
    expect(s.sim.aws.instance(c!.instanceId)?.lifecycle).toBe('InService');
  });
});

describe('terminateInstance: a second look after AWS refuses', () => {
  const s = useSimCloud();

  it('"Instance Id not found" for an instance gone since the first look is already-terminating, once a look confirms it', async () => {
    const victim = s.sim.aws.group(GROUP)!.instances[0]!.instanceId;
    // Just before the simulator handles the adapter's call, someone else terminates the
    // instance and it finishes: the call finds no such instance in any group.
    const model = s.sim.aws;
    const terminate = model.terminateInstance.bind(model);
    vi.spyOn(model, 'terminateInstance').mockImplementationOnce((id, decrement) => {
      expect(terminate(id, true).ok).toBe(true);
      s.sim.clock.advance(3_000); // terminateSeconds: Terminated, out of the group
      return terminate(id, decrement);
    });
    expect(await s.cloud.terminateInstance(victim)).toEqual({ kind: 'already-terminating' });
    // The adapter called once and looked twice; the group shrank once.
    expect(requests(s.sim, 'TerminateInstanceInAutoScalingGroup')).toBe(1);
    expect(requests(s.sim, 'DescribeAutoScalingInstances')).toBe(2);
    expect(s.sim.aws.group(GROUP)!.desiredCapacity).toBe(2);
  });

  it('a refusal the second look does not explain is reported as it is', async () => {
    const victim = s.sim.aws.group(GROUP)!.instances[0]!.instanceId;
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'TerminateInstanceInAutoScalingGroup', error: 'AccessDenied', count: 1 });
    const error = await remoteFailure(s.cloud.terminateInstance(victim));
    expect(error.detail).toMatchObject({ operation: 'TerminateInstanceInAutoScalingGroup', reason: 'AccessDenied', retryable: false });
    expect(requests(s.sim, 'DescribeAutoScalingInstances')).toBe(2);
    expect(s.sim.aws.instance(victim)?.lifecycle).toBe('InService');
  });
});
