// AZRebalance left running on the group by its owner: with azRebalance 'suspend' scalerd
// suspends it before any instance leaves; with 'refuse' it removes nothing and says why.

import { describe, expect, it } from 'vitest';
import { ASG, scalerdMutations, useBed } from '../../actuate/helpers.js';
import { drainSteps, expectZeroCounts, runUntilConverged, sizes, twentyNodes } from './helpers.js';

const unsuspended = () => twentyNodes({ group: { suspendedProcesses: [] } });

describe('20 → 10 with AZRebalance running, policy suspend', () => {
  const bed = useBed(unsuspended);

  it('suspends AZRebalance first, then converges', async () => {
    const results = await runUntilConverged(bed, { workers: 10, planOptions: { azRebalance: 'suspend' } });
    const first = results[0]!;
    expect(first.plan.steps[0]).toMatchObject({ kind: 'suspend-processes', processes: ['AZRebalance'] });
    expect(drainSteps(first)).toHaveLength(10);
    expect(scalerdMutations(bed.sim)[0]).toMatchObject({ api: 'aws', operation: 'SuspendProcesses', target: ASG });
    const [group] = await bed.cloud.describeGroups([ASG]);
    expect(group!.suspendedProcesses).toContain('AZRebalance');
    expect(await sizes(bed)).toEqual({ desired: 10, inService: 10, nodes: 10 });
    await expectZeroCounts(bed);
  });
});

describe('20 → 10 with AZRebalance running, policy refuse', () => {
  const bed = useBed(unsuspended);

  it('removes nothing, mutates nothing, and says why', async () => {
    const [only] = await runUntilConverged(bed, { workers: 10, planOptions: { azRebalance: 'refuse' }, max: 1 });
    expect(only!.plan.steps).toEqual([]);
    const blocked = only!.plan.blocked.find((b) => b.code === 'az-rebalance');
    expect(blocked).toBeDefined();
    expect(blocked!.message).toMatch(/AZRebalance.*refuse/);
    expect(scalerdMutations(bed.sim)).toEqual([]);
    const [group] = await bed.cloud.describeGroups([ASG]);
    expect(group!.suspendedProcesses).not.toContain('AZRebalance');
    expect(await sizes(bed)).toEqual({ desired: 20, inService: 20, nodes: 20 });
    await expectZeroCounts(bed);
  });
});
