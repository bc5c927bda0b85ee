// Pods that do not fit: 14 pods of 2.5 CPU on 4-CPU nodes can share no node, so at most
// the six nodes without one can go, and fewer when the scheduler's spreading of the small
// pods would leave no 2.5-CPU hole. The plan removes what fits, says why it stops with
// numbers, and every large pod ends up running again.

import { describe, expect, it } from 'vitest';
import { useBed } from '../../actuate/helpers.js';
import { drainSteps, expectZeroCounts, runUntilConverged, sizes, twentyNodes } from './helpers.js';

const BIG = { namespace: 'batch', name: 'big', kind: 'Deployment' as const, replicas: 14, requests: { cpu: '2500m', memory: '2Gi' } };

describe('20 → 10 when the pods do not fit on ten nodes', () => {
  const bed = useBed(() => twentyNodes({ workloads: [BIG] }));

  it('removes fewer nodes, reports the reason with numbers, and strands no pod', async () => {
    const results = await runUntilConverged(bed, { workers: 10 });
    const first = results[0]!;
    const firstRemoved = drainSteps(first).length;
    expect(firstRemoved).toBeGreaterThanOrEqual(1);
    expect(first.plan.blocked).toHaveLength(1);
    expect(first.plan.blocked[0]).toMatchObject({ code: 'no-fit', group: 'workers' });
    expect(first.plan.blocked[0]!.message).toMatch(new RegExp(`^workers: removing ${firstRemoved} of 10 nodes: pods do not fit: .*\\d(\\.\\d+)? CPU`));
    expect(first.plan.notChosen.filter((n) => n.code === 'no-fit').length).toBeGreaterThan(0);
    // Once the pods have settled a later reconcile may find room for one more; never past
    // the six nodes without a large pod, and the last one still says why it stops.
    const removed = results.reduce((sum, r) => sum + drainSteps(r).length, 0);
    expect(removed).toBeLessThanOrEqual(6);
    expect(results.every((r) => r.report.outcome === 'done')).toBe(true);
    expect(results.at(-1)!.plan.blocked[0]).toMatchObject({ code: 'no-fit' });

    expect(await sizes(bed)).toEqual({ desired: 20 - removed, inService: 20 - removed, nodes: 20 - removed });
    const big = (await bed.cluster.listPods()).filter((p) => p.namespace === 'batch' && p.deletionTimestamp === undefined);
    expect(big).toHaveLength(14);
    expect(big.filter((p) => p.nodeName === undefined).map((p) => p.name)).toEqual([]);
    expect(new Set(big.map((p) => p.nodeName)).size).toBe(14);
    await expectZeroCounts(bed);
  });
});
