// Every failed attempt of an AWS call reaches the adapter's observer, the ones the SDK's
// retries (Auto Scaling) and scalerd's own loop (EC2) then mask included, by Action and
// class: checked against the simulator's own count of the faults it injected.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tally } from '../api-errors.js';
import { seeded } from '../seeded.js';
import { cloudFor, GROUP, remoteFailure, useSimCloud } from './helpers.js';


describe('failed AWS attempts under 30% injected faults', () => {
  // Seeded before the simulator starts, which keeps the Math.random it finds.
  beforeEach(() => {
    vi.spyOn(Math, 'random').mockImplementation(seeded(12));
  });
  afterEach(() => vi.restoreAllMocks());
  const s = useSimCloud();

  it('are each reported once, retried ones included, as many as the simulator injected', async () => {
    const { counts, attempts, onApiCall } = tally();
    const cloud = cloudFor(s.sim, { maxAttempts: 10, onApiCall });
    // Each fault surely once (a count), then at random: alone, a rate of 0.3 over 15 calls never fires in one run in 200.
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'DescribeAutoScalingGroups', error: 'Throttling', count: 1 });
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'DescribeAutoScalingGroups', error: 'Throttling', errorRate: 0.3 });
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'DescribeInstances', error: 'RequestLimitExceeded', count: 1 });
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'DescribeInstances', error: 'RequestLimitExceeded', errorRate: 0.3 });
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'SetDesiredCapacity', error: 'ScalingActivityInProgress', count: 1 });
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'SetDesiredCapacity', error: 'ScalingActivityInProgress', errorRate: 0.3 });
    try {
      for (let n = 0; n < 15; n++) {
        expect(await cloud.describeGroups([GROUP])).toHaveLength(1);
        await cloud.setDesiredCapacity(GROUP, 3 + (n % 2));
      }
    } finally {
      cloud.destroy();
    }
    const fired = s.sim.faults.fired();
    // Every call succeeded in the end: what failed, the retries masked.
    expect(fired['aws Throttling']).toBeGreaterThan(0);
    expect(fired['aws RequestLimitExceeded']).toBeGreaterThan(0);
    expect(fired['aws ScalingActivityInProgress']).toBeGreaterThan(0);
    expect(counts).toEqual({
      'aws DescribeAutoScalingGroups throttled': fired['aws Throttling'],
      'aws DescribeInstances throttled': fired['aws RequestLimitExceeded'],
      'aws SetDesiredCapacity conflict': fired['aws ScalingActivityInProgress'],
    });
    // And every attempt, answered or not: the error ratio's denominator.
    expect(attempts).toEqual({
      'aws DescribeAutoScalingGroups': 15 + fired['aws Throttling']!,
      'aws DescribeInstances': 15 + fired['aws RequestLimitExceeded']!,
      'aws SetDesiredCapacity': 15 + fired['aws ScalingActivityInProgress']!,
    });
  });
});

describe('failed AWS attempts', () => {
  const s = useSimCloud();

  it('a call that gives up reports each of its attempts; a success reports nothing', async () => {
    const { counts, onApiCall } = tally();
    const cloud = cloudFor(s.sim, { maxAttempts: 3, onApiCall });
    try {
      await cloud.describeGroups([GROUP]);
      expect(counts).toEqual({});
      s.sim.faults.addRequestFault({ api: 'aws', operation: 'SetDesiredCapacity', error: 'ServiceUnavailable', count: 3 });
      const size = s.sim.aws.group(GROUP)!.desiredCapacity;
      const error = await remoteFailure(cloud.setDesiredCapacity(GROUP, size + 1));
      expect(error.detail).toMatchObject({ operation: 'SetDesiredCapacity', reason: 'ServiceUnavailable' });
    } finally {
      cloud.destroy();
    }
    expect(counts).toEqual({ 'aws SetDesiredCapacity server': 3 });
  });

  it('a terminate, sent at most once, counts its one failed attempt', async () => {
    const { counts, onApiCall } = tally();
    const cloud = cloudFor(s.sim, { onApiCall });
    try {
      s.sim.faults.addRequestFault({ api: 'aws', operation: 'TerminateInstanceInAutoScalingGroup', error: 'ServiceUnavailable', count: 1 });
      const victim = s.sim.aws.group(GROUP)!.instances[0]!.instanceId;
      // AWS may have acted on a 5xx: the adapter looks instead of asking again.
      expect(await cloud.terminateInstance(victim)).toMatchObject({ kind: 'unconfirmed' });
    } finally {
      cloud.destroy();
    }
    expect(counts).toEqual({ 'aws TerminateInstanceInAutoScalingGroup server': 1 });
  });

  it('counts what AWS answered, even when the adapter makes an outcome of it', async () => {
    const { counts, onApiCall } = tally();
    const cloud = cloudFor(s.sim, { onApiCall });
    try {
      // Neither its group nor EC2 knows it: gone, after EC2's InvalidInstanceID.NotFound.
      expect(await cloud.terminateInstance('i-0123456789abcdef0')).toEqual({ kind: 'already-terminating' });
    } finally {
      cloud.destroy();
    }
    expect(counts).toEqual({ 'aws DescribeInstances not-found': 1 });
  });

  it('no answer is a timeout or a connection failure; no credentials, unauthorized', async () => {
    const { counts, onApiCall } = tally();
    const timing = cloudFor(s.sim, { maxAttempts: 1, requestTimeoutMs: 100, onApiCall });
    const refused = cloudFor(s.sim, { maxAttempts: 2, endpoint: 'http://127.0.0.1:1', onApiCall });
    const unsigned = cloudFor(s.sim, {
      onApiCall,
      credentials: () => Promise.reject(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })),
    });
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'SetDesiredCapacity', error: 'timeout', count: 1 });
    try {
      await remoteFailure(timing.setDesiredCapacity(GROUP, 4));
      await remoteFailure(refused.describeGroups([GROUP]));
      await remoteFailure(unsigned.suspendProcesses(GROUP, ['Launch']));
    } finally {
      for (const cloud of [timing, refused, unsigned]) cloud.destroy();
    }
    expect(counts).toEqual({
      'aws SetDesiredCapacity timeout': 1,
      'aws DescribeAutoScalingGroups connection': 2,
      'aws SuspendProcesses unauthorized': 1,
    });
  });
});
