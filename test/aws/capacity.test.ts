// setDesiredCapacity and the scaling processes against the simulator, as the next
// describeGroups sees them.

import { describe, expect, it } from 'vitest';
import { GROUP, remoteFailure, requests, useSimCloud } from './helpers.js';

describe('setDesiredCapacity', () => {
  const s = useSimCloud();

  it('scales up: the new instance is Pending, then InService once it has launched', async () => {
    const before = new Set(s.sim.aws.group(GROUP)!.instances.map((i) => i.instanceId));
    await s.cloud.setDesiredCapacity(GROUP, 4);
    const [group] = await s.cloud.describeGroups([GROUP]);
    expect(group!.desiredCapacity).toBe(4);
    const added = group!.instances.filter((i) => !before.has(i.id));
    expect(added.map((i) => i.lifecycleState)).toEqual(['Pending']);
    expect(group!.instances.filter((i) => before.has(i.id)).every((i) => i.lifecycleState === 'InService')).toBe(true);

    s.sim.clock.advance(4_000); // launchSeconds
    const [after] = await s.cloud.describeGroups([GROUP]);
    expect(after!.instances.find((i) => i.id === added[0]!.id)?.lifecycleState).toBe('InService');
    expect(after!.instances).toHaveLength(4);
  });

  it('fails, not retryable, with AWS\'s words outside MinSize..MaxSize or for an unknown group', async () => {
    const above = await remoteFailure(s.cloud.setDesiredCapacity(GROUP, 7));
    expect(above.code).toBe('SCALERD_ERR_AWS_CALL');
    expect(above.detail).toEqual({ operation: 'SetDesiredCapacity', status: 400, reason: 'ValidationError', retryable: false });
    expect(above.message).toContain('New SetDesiredCapacity value 7 is above max value 6 for the AutoScalingGroup.');
    expect(above.message).toContain(`set the desired capacity of group ${GROUP} to 7`);
    // Not retried: one request.
    expect(requests(s.sim, 'SetDesiredCapacity')).toBe(1);

    const unknown = await remoteFailure(s.cloud.setDesiredCapacity('no-such-group', 2));
    expect(unknown.detail.reason).toBe('ValidationError');
    expect(unknown.message).toContain('AutoScalingGroup name not found');
    expect(s.sim.aws.group(GROUP)!.desiredCapacity).toBe(3);
  });
});

describe('suspendProcesses and resumeProcesses', () => {
  const s = useSimCloud();

  it('are visible in describeGroups', async () => {
    await s.cloud.suspendProcesses(GROUP, ['Launch', 'ReplaceUnhealthy']);
    expect((await s.cloud.describeGroups([GROUP]))[0]!.suspendedProcesses).toEqual(['AZRebalance', 'Launch', 'ReplaceUnhealthy']);
    await s.cloud.resumeProcesses(GROUP, ['Launch', 'AZRebalance']);
    expect((await s.cloud.describeGroups([GROUP]))[0]!.suspendedProcesses).toEqual(['ReplaceUnhealthy']);
  });

  it('do nothing for an empty list, which AWS would take to mean every process', async () => {
    await s.cloud.suspendProcesses(GROUP, []);
    await s.cloud.resumeProcesses(GROUP, []);
    expect(requests(s.sim, 'SuspendProcesses') + requests(s.sim, 'ResumeProcesses')).toBe(0);
    expect((await s.cloud.describeGroups([GROUP]))[0]!.suspendedProcesses).toEqual(['AZRebalance']);
  });

  it('fail, not retryable, on a name that is not a process', async () => {
    const error = await remoteFailure(s.cloud.suspendProcesses(GROUP, ['Launch', 'Nap']));
    expect(error.detail).toMatchObject({ operation: 'SuspendProcesses', reason: 'ValidationError', retryable: false });
    expect(error.message).toContain('Nap');
  });
});
