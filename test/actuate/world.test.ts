// The gate every mutating call passes: leadership and abort first, never a lower desired
// capacity, and in a dry run no call at all — with reads that agree with the pretence.

import { describe, expect, it } from 'vitest';
import { Stopped } from '../../src/actuate/failures.js';
import { checkExecuteOptions } from '../../src/actuate/index.js';
import { InFlight, podKey } from '../../src/actuate/in-flight.js';
import type { GroupObservation } from '../../src/ports/index.js';
import { fakeCloud, fakeCluster, fakeContext, pod } from './fakes.js';

const group: GroupObservation = {
  name: 'workers', minSize: 1, maxSize: 10, desiredCapacity: 5, zones: ['eu-west-1a'], suspendedProcesses: [], tags: {},
  instances: [{ id: 'i-1', zone: 'eu-west-1a', lifecycleState: 'InService', healthy: true, protectedFromScaleIn: false, instanceType: 'm6i.large', privateDnsName: 'node-a', launchedAt: 0 }],
};

describe('the world gate', () => {
  it('refuses SetDesiredCapacity that is not growth, before any call', async () => {
    const calls: number[] = [];
    const { ctx } = fakeContext({ cloud: fakeCloud({ setDesiredCapacity: async (_g, d) => void calls.push(d) }) });
    await expect(ctx.world.setDesiredCapacity('workers', 4, 5)).rejects.toThrow(/never lowers/);
    await expect(ctx.world.setDesiredCapacity('workers', 5, 5)).rejects.toThrow(/never lowers/);
    await ctx.world.setDesiredCapacity('workers', 6, 5);
    expect(calls).toEqual([6]);
  });

  it('stops every mutating call once the leadership is gone, and wakes every wait', async () => {
    let leader = true;
    const { ctx } = fakeContext({ cluster: fakeCluster({ changeNode: async () => ({}) as never }) }, { isLeader: () => leader, sleep: () => new Promise(() => undefined) });
    await ctx.world.changeNode('node-a', { unschedulable: true }, 'cordon');
    const waiting = ctx.sleep(60_000);
    leader = false;
    await expect(ctx.world.changeNode('node-a', { unschedulable: false }, 'uncordon')).rejects.toBeInstanceOf(Stopped);
    await expect(waiting).rejects.toMatchObject({ by: 'leadership' });
    expect(ctx.actions.map((a) => a.detail)).toEqual(['cordon']);
  });

  it('an aborted signal stops at once', async () => {
    const controller = new AbortController();
    controller.abort();
    const { ctx } = fakeContext({}, { signal: controller.signal });
    await expect(ctx.world.deleteNode('node-a')).rejects.toMatchObject({ by: 'abort' });
  });

  it('dry run: no port is called for a mutation, and reads see what would have happened', async () => {
    const cluster = fakeCluster({ listPodsOnNode: async () => [pod()], getPod: async () => pod() });
    const cloud = fakeCloud({ describeGroups: async () => [group] });
    const { ctx } = fakeContext({ cluster, cloud }, { dryRun: true });
    expect(await ctx.world.evictPod(pod())).toEqual({ kind: 'evicted' });
    expect(await ctx.world.listPodsOnNode('node-a')).toEqual([]);
    expect(await ctx.world.getPod('shop', 'search-1')).toBeUndefined();
    await ctx.world.terminateInstance('i-1');
    await ctx.world.setDesiredCapacity('workers', 7, 5);
    const [after] = await ctx.world.describeGroups(['workers']);
    expect(after).toMatchObject({ desiredCapacity: 7, instances: [{ id: 'i-1', lifecycleState: 'Terminating' }] });
    expect(ctx.actions.map((a) => a.kind)).toEqual(['evict-pod', 'terminate-instance', 'set-desired-capacity']);
  });
});

describe('in-flight registry', () => {
  it('claims by stable id, all or nothing, once per run', () => {
    const inFlight = new InFlight();
    const a = podKey(pod());
    expect(inFlight.claim(a, 'instance/i-1')).toBe(true);
    expect(inFlight.claim(a)).toBe(false);
    expect(inFlight.claim('instance/i-1', 'instance/i-2')).toBe(false);
    expect(inFlight.hasAny('instance/i-2')).toBe(false);
    // The same name with another UID is another pod.
    expect(inFlight.claim(podKey(pod({ uid: 'uid-2' })))).toBe(true);
  });
});

describe('options', () => {
  it('are checked eagerly: a zero grace period or a bad jitter is refused', () => {
    expect(checkExecuteOptions({})).toEqual([]);
    expect(checkExecuteOptions({ podPolicy: { maxGraceSeconds: 0 }, evictionBackoff: { jitter: 2 } })).toEqual([
      'evictionBackoff.jitter must be within 0..1, not 2',
      'podPolicy.maxGraceSeconds must be an integer ≥ 1, not 0',
    ]);
  });
});
