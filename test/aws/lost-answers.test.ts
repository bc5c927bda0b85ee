// The adapter's writes when AWS acted but its answer was lost (the simulator's "after"
// faults): a termination with decrement is never sent a second time on the strength of a
// lost answer — not by the SDK's own retries, not by the adapter — and a SetDesiredCapacity
// repeated by the SDK sets the same absolute value, never one more.

import { describe, expect, it } from 'vitest';
import type { LostAnswer } from '../../src/sim/faults.js';
import { cloudFor, GROUP, remoteFailure, requests, useSimCloud } from './helpers.js';

const MODES: LostAnswer[] = ['reset', 500, 'timeout'];
/** Short enough that a "timeout" costs little, long enough for a loaded machine to answer. */
const TIMEOUT_MS = 500;

describe('terminateInstance when the answer is lost', () => {
  const s = useSimCloud();

  it.each(MODES)('%s: one request, one decrement, and a look says it is going', async (mode) => {
    const cloud = cloudFor(s.sim, { requestTimeoutMs: TIMEOUT_MS });
    try {
      const victim = s.sim.aws.group(GROUP)!.instances[0]!.instanceId;
      s.sim.faults.addRequestFault({ api: 'aws', operation: 'TerminateInstanceInAutoScalingGroup', when: 'after', error: mode });
      expect(await cloud.terminateInstance(victim)).toEqual({ kind: 'already-terminating' });
      // IMPORTANT: one request. The SDK retries 5xx and network errors of any operation; a
      // second TerminateInstanceInAutoScalingGroup on the strength of a lost answer is what
      // could shrink the group twice wherever AWS does not recognise the repeat.
      expect(requests(s.sim, 'TerminateInstanceInAutoScalingGroup')).toBe(1);
      expect(s.sim.faults.lostAnswers()).toEqual({ [`aws TerminateInstanceInAutoScalingGroup ${mode}`]: 1 });
      expect(s.sim.aws.group(GROUP)!.desiredCapacity).toBe(2);
      expect(s.sim.aws.instance(victim)?.lifecycle).toBe('Terminating');
    } finally {
      cloud.destroy();
    }
  });

  it('throttling is still retried by the SDK: AWS refused it, nothing was done', async () => {
    const victim = s.sim.aws.group(GROUP)!.instances[0]!.instanceId;
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'TerminateInstanceInAutoScalingGroup', error: 'Throttling', count: 2 });
    expect(await s.cloud.terminateInstance(victim)).toMatchObject({ kind: 'terminating' });
    expect(requests(s.sim, 'TerminateInstanceInAutoScalingGroup')).toBe(3);
    expect(s.sim.aws.group(GROUP)!.desiredCapacity).toBe(2);
  });

  it('a 500 before AWS acted, with the instance still InService: unconfirmed, never asked again at once', async () => {
    const victim = s.sim.aws.group(GROUP)!.instances[0]!.instanceId;
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'TerminateInstanceInAutoScalingGroup', error: 500 });
    const result = await s.cloud.terminateInstance(victim);
    expect(result).toMatchObject({ kind: 'unconfirmed' });
    expect(result.kind === 'unconfirmed' && result.reason).toContain('InternalFailure');
    expect(requests(s.sim, 'TerminateInstanceInAutoScalingGroup')).toBe(1);
    expect(s.sim.aws.instance(victim)?.lifecycle).toBe('InService');
    expect(s.sim.aws.group(GROUP)!.desiredCapacity).toBe(3);
  });
});

describe('setDesiredCapacity when the answer is lost', () => {
  const s = useSimCloud();

  it.each(MODES)('%s: the SDK sends it again, and the group is at the value asked, not one more', async (mode) => {
    const cloud = cloudFor(s.sim, { requestTimeoutMs: TIMEOUT_MS });
    try {
      s.sim.faults.addRequestFault({ api: 'aws', operation: 'SetDesiredCapacity', when: 'after', error: mode, count: 1 });
      await cloud.setDesiredCapacity(GROUP, 4);
      expect(requests(s.sim, 'SetDesiredCapacity')).toBe(2);
      expect(s.sim.faults.lostAnswers()).toEqual({ [`aws SetDesiredCapacity ${mode}`]: 1 });
      expect(s.sim.aws.group(GROUP)!.desiredCapacity).toBe(4);
      expect(s.sim.aws.group(GROUP)!.instances).toHaveLength(4);
    } finally {
      cloud.destroy();
    }
  });

  it('every answer lost: a retryable error, and the group still at the value asked', async () => {
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'SetDesiredCapacity', when: 'after', error: 500 });
    const error = await remoteFailure(s.cloud.setDesiredCapacity(GROUP, 5));
    expect(error.detail).toMatchObject({ operation: 'SetDesiredCapacity', reason: 'InternalFailure', retryable: true });
    expect(requests(s.sim, 'SetDesiredCapacity')).toBe(5);
    expect(s.sim.aws.group(GROUP)!.desiredCapacity).toBe(5);
  });
});

describe('suspendProcesses when the answer is lost', () => {
  const s = useSimCloud();

  it.each(MODES)('%s: the SDK sends it again, and the processes are suspended once, as asked', async (mode) => {
    const cloud = cloudFor(s.sim, { requestTimeoutMs: TIMEOUT_MS });
    try {
      s.sim.faults.addRequestFault({ api: 'aws', operation: 'SuspendProcesses', when: 'after', error: mode, count: 1 });
      await cloud.suspendProcesses(GROUP, ['AZRebalance', 'Launch']);
      expect(requests(s.sim, 'SuspendProcesses')).toBe(2);
      expect(s.sim.faults.lostAnswers()).toEqual({ [`aws SuspendProcesses ${mode}`]: 1 });
      expect(s.sim.aws.group(GROUP)!.suspendedProcesses.map((p) => p.processName).sort()).toEqual(['AZRebalance', 'Launch']);
    } finally {
      cloud.destroy();
    }
  });
});
