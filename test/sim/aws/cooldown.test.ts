// SetDesiredCapacity with HonorCooldown through the SDK, on the simulated clock: refused while
// a scaling activity of the group runs and for DefaultCooldown seconds after the last one
// ended, as ScalingActivityInProgress naming that activity; never refused without it.

import { DescribeScalingActivitiesCommand, SetDesiredCapacityCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { servedWorld, spec, TIMINGS } from './helpers.js';

const s = servedWorld((w) => w.model.addGroup(spec({ minSize: 1, maxSize: 10 }), { startInService: true }));

const setDesired = (DesiredCapacity: number, HonorCooldown: boolean) =>
  s.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'workers', DesiredCapacity, HonorCooldown }));

/** The error's code on the wire (the SDK names its class ScalingActivityInProgressFault), message and status. */
async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string; status: number | undefined }> {
  const error = await call.then(
    () => expect.unreachable('the call succeeded'),
    (e: { Code: string; message: string; $metadata?: { httpStatusCode?: number } }) => e,
  );
  return { code: error.Code, message: error.message, status: error.$metadata?.httpStatusCode };
}

const newestActivity = async () => (await s.autoscaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'workers' }))).Activities![0]!;

describe('HonorCooldown', () => {
  it('is no obstacle to a group whose instances ran before the scenario began', async () => {
    await setDesired(4, true);
    expect(s.w.model.group('workers')?.desiredCapacity).toBe(4);
  });

  it('refuses while a launch is in progress and for DefaultCooldown after it ended; without it, the call goes through', async () => {
    await setDesired(4, false);
    const launch = await newestActivity();
    expect(launch.StatusCode).toBe('InProgress');
    const blocked = { code: 'ScalingActivityInProgress', status: 400, message: `Scaling activity ${launch.ActivityId} is in progress and blocks this action` };
    expect(await refusal(setDesired(5, true))).toEqual(blocked);

    s.w.clock.advance(TIMINGS.launchDelayMs); // the launch ends: the 300 s cooldown begins
    expect((await newestActivity()).StatusCode).toBe('Successful');
    s.w.clock.advance(299_000);
    expect(await refusal(setDesired(5, true))).toEqual(blocked);
    expect(s.w.model.group('workers')?.desiredCapacity).toBe(4);

    s.w.clock.advance(1_000);
    await setDesired(5, true);
    expect(s.w.model.group('workers')?.desiredCapacity).toBe(5);
    await setDesired(6, false);
    expect(s.w.model.group('workers')?.desiredCapacity).toBe(6);
  });

  it('waits out the DefaultCooldown UpdateAutoScalingGroup set', async () => {
    await s.autoscaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'workers', DefaultCooldown: 60 }));
    await setDesired(2, false);
    s.w.clock.advance(TIMINGS.terminateDelayMs + 59_000);
    expect((await refusal(setDesired(3, true))).code).toBe('ScalingActivityInProgress');
    s.w.clock.advance(1_000);
    await setDesired(3, true);
    expect(s.w.model.group('workers')?.desiredCapacity).toBe(3);
  });
});
