// The Auto Scaling group already at its MinSize: a scale-down is refused up front, with
// the reason, and nothing is mutated (no cordon, no eviction, no AWS call).

import { describe, expect, it } from 'vitest';
import { scalerdMutations, useBed } from '../../actuate/helpers.js';
import { expectZeroCounts, runUntilConverged, sizes, twentyNodes } from './helpers.js';

describe('20 → 10 with the ASG at MinSize 20', () => {
  const bed = useBed(() => twentyNodes({ group: { min: 20 } }));

  it('refuses before touching anything, and says why', async () => {
    // The schedule would allow 1; the ASG's MinSize is what stops it.
    const schedule = { ...bed.schedule, nodeGroups: bed.schedule.nodeGroups.map((g) => ({ ...g, min: 1 })) };
    const [only, ...more] = await runUntilConverged(bed, { workers: 10, schedule, max: 1 });
    expect(more).toEqual([]);
    expect(only!.plan.steps).toEqual([]);
    expect(only!.plan.blocked).toEqual([expect.objectContaining({ code: 'min-size', group: 'workers' })]);
    expect(only!.plan.blocked[0]!.message).toContain('MinSize 20');
    expect(only!.report.outcome).toBe('done');
    expect(scalerdMutations(bed.sim)).toEqual([]);
    expect(bed.sim.recorder.facts('eviction')).toEqual([]);
    expect(bed.sim.recorder.facts('cordon')).toEqual([]);
    expect(await sizes(bed)).toEqual({ desired: 20, inService: 20, nodes: 20 });
    await expectZeroCounts(bed);
  });
});
