// Retries at the boundary, against the simulator's injected faults: the SDK's adaptive
// retries absorb throttling and transient errors; what is left leaves as a RemoteError that
// says whether trying again later may help. Waits are scaled down (helpers FAST).

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { seeded } from '../seeded.js';
import { cloudFor, GROUP, remoteFailure, requests, useSimCloud } from './helpers.js';

describe('retries through 60% throttling', () => {
  // Seeded before the simulator starts, since it keeps the Math.random it finds: which
  // requests fail, and the SDK's jitter, are the same on every run.
  beforeEach(() => {
    vi.spyOn(Math, 'random').mockImplementation(seeded(7));
  });
  afterEach(() => vi.restoreAllMocks());
  const s = useSimCloud();

  it('describeGroups succeeds', async () => {
    // At 60%, 5 attempts all fail 7.8% of the time and 10 attempts 0.6%: with 10, the
    // property holds for any fair draw of this length, not only for this seed.
    const cloud = cloudFor(s.sim, { maxAttempts: 10 });
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'DescribeAutoScalingGroups', error: 'Throttling', errorRate: 0.6 });
    try {
      for (let n = 0; n < 10; n++) expect((await cloud.describeGroups([GROUP]))[0]!.instances).toHaveLength(3);
    } finally {
      cloud.destroy();
    }
    // Throttled requests were answered, and retried.
    expect(requests(s.sim, 'DescribeAutoScalingGroups')).toBeGreaterThan(15);
  });
});

describe('retries', () => {
  const s = useSimCloud();

  it('gives up after maxAttempts of throttling: RemoteError, retryable, reason Throttling', async () => {
    const cloud = cloudFor(s.sim, { maxAttempts: 3 });
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'DescribeAutoScalingGroups', error: 'Throttling', count: 3 });
    try {
      const error = await remoteFailure(cloud.describeGroups([GROUP]));
      expect(error.code).toBe('SCALERD_ERR_AWS_CALL');
      expect(error.detail).toEqual({ operation: 'DescribeAutoScalingGroups', status: 400, reason: 'Throttling', retryable: true });
      expect(error.message).toMatch(/^AWS DescribeAutoScalingGroups failed to describe groups small-workers: Throttling: Rate exceeded \(HTTP 400, after 3 attempts, request id [-0-9a-f]+\)$/);
      expect(requests(s.sim, 'DescribeAutoScalingGroups')).toBe(3);
      // The fault is spent: the next call goes through.
      expect(await cloud.describeGroups([GROUP])).toHaveLength(1);
    } finally {
      cloud.destroy();
    }
  });

  it('retries ScalingActivityInProgress and ResourceContention, and reports them retryable when they last', async () => {
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'SetDesiredCapacity', error: 'ScalingActivityInProgress', count: 2 });
    await s.cloud.setDesiredCapacity(GROUP, 4);
    expect(requests(s.sim, 'SetDesiredCapacity')).toBe(3);
    expect(s.sim.aws.group(GROUP)!.desiredCapacity).toBe(4);

    s.sim.faults.addRequestFault({ api: 'aws', operation: 'SuspendProcesses', error: 'ResourceContention', count: 5 });
    const error = await remoteFailure(s.cloud.suspendProcesses(GROUP, ['Launch']));
    expect(error.detail).toEqual({ operation: 'SuspendProcesses', status: 500, reason: 'ResourceContention', retryable: true });
    expect(requests(s.sim, 'SuspendProcesses')).toBe(5);
  });

  it('retries EC2\'s RequestLimitExceeded and 503s during describe', async () => {
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'DescribeInstances', error: 'RequestLimitExceeded', count: 2 });
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'DescribeAutoScalingGroups', error: 'ServiceUnavailable', count: 2 });
    expect((await s.cloud.describeGroups([GROUP]))[0]!.instances.every((i) => i.privateDnsName !== undefined)).toBe(true);
    expect(requests(s.sim, 'DescribeInstances')).toBe(3);
  });

  it('a request that is never answered times out: retryable', async () => {
    const cloud = cloudFor(s.sim, { maxAttempts: 1, requestTimeoutMs: 100 });
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'SetDesiredCapacity', error: 'timeout', count: 1 });
    try {
      const error = await remoteFailure(cloud.setDesiredCapacity(GROUP, 4));
      expect(error.detail).toEqual({ operation: 'SetDesiredCapacity', reason: 'TimeoutError', retryable: true });
      expect(error.message).toContain('(no answer)');
    } finally {
      cloud.destroy();
    }
  });

  it('a refused connection is retryable', async () => {
    const cloud = cloudFor(s.sim, { maxAttempts: 2, endpoint: 'http://127.0.0.1:1' });
    try {
      const error = await remoteFailure(cloud.describeGroups([GROUP]));
      expect(error.detail).toEqual({ operation: 'DescribeAutoScalingGroups', reason: 'ECONNREFUSED', retryable: true });
    } finally {
      cloud.destroy();
    }
  });
});
