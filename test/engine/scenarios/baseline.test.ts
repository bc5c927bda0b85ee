// 20 → 10 nodes over three zones with PDBs (maxUnavailable 1, minAvailable 80 %), a
// DaemonSet and a StatefulSet: converges with zero violations, zones kept balanced.

import { describe, expect, it } from 'vitest';
import { useBed } from '../../actuate/helpers.js';
import { drainSteps, expectZeroCounts, runUntilConverged, sizes, twentyNodes } from './helpers.js';

describe('20 → 10 nodes with PDBs, a DaemonSet and a StatefulSet', () => {
  const bed = useBed(() => twentyNodes());

  it('removes ten nodes, balanced over the zones, with zero violations', async () => {
    const results = await runUntilConverged(bed, { workers: 10 });
    const first = results[0]!;
    expect(drainSteps(first)).toHaveLength(10);
    expect(first.plan.blocked).toEqual([]);
    expect(first.report.outcome).toBe('done');
    expect(first.report.nodes.every((n) => n.result === 'removed')).toBe(true);
    const byZone = new Map<string, number>();
    for (const n of await bed.cluster.listNodes()) byZone.set(n.zone ?? '', (byZone.get(n.zone ?? '') ?? 0) + 1);
    expect(Math.max(...byZone.values()) - Math.min(...byZone.values())).toBeLessThanOrEqual(1);
    expect(await sizes(bed)).toEqual({ desired: 10, inService: 10, nodes: 10 });
    expect(bed.sim.recorder.facts('instance-terminated')).toHaveLength(10);
    await expectZeroCounts(bed);
  });
});
