// An unreplicated bare pod: nothing would recreate it, so its node is not chosen (with the
// reason in plan.notChosen) and another node goes instead.

import { describe, expect, it } from 'vitest';
import { useBed } from '../../actuate/helpers.js';
import { drainSteps, expectZeroCounts, runUntilConverged, sizes, twentyNodes } from './helpers.js';

describe('20 → 10 with an unreplicated pod', () => {
  const bed = useBed(() => twentyNodes({ pods: [{ namespace: 'shop', name: 'one-off', requests: { cpu: '100m', memory: '64Mi' } }] }));

  it('skips the bare pod\'s node, says why, and removes ten others', async () => {
    const [pod] = (await bed.cluster.listPods()).filter((p) => p.name === 'one-off');
    const host = pod!.nodeName!;
    expect(host).toBeTruthy();
    const results = await runUntilConverged(bed, { workers: 10 });
    const first = results[0]!;
    const drained = drainSteps(first).map((s) => s.node);
    expect(drained).toHaveLength(10);
    expect(drained).not.toContain(host);
    const skip = first.plan.notChosen.find((n) => n.node === host);
    expect(skip).toMatchObject({ code: 'blocking-pods' });
    expect(skip!.reason).toContain('shop/one-off');
    expect(first.report.outcome).toBe('done');

    const after = await bed.cluster.listPods();
    expect(after.find((p) => p.name === 'one-off')).toMatchObject({ nodeName: host, uid: pod!.uid });
    expect(bed.sim.recorder.facts('eviction').filter((e) => e.pod === 'shop/one-off')).toEqual([]);
    expect(await sizes(bed)).toEqual({ desired: 10, inService: 10, nodes: 10 });
    await expectZeroCounts(bed);
  });
});
