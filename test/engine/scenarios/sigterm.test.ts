// Pods that ignore SIGTERM with a long-ish grace period: the drain waits for them to go
// (the kubelet stops them at the end of their grace); no instance goes with pods on it.

import { describe, expect, it } from 'vitest';
import { useBed } from '../../actuate/helpers.js';
import { drainSteps, expectZeroCounts, runUntilConverged, sizes, twentyNodes } from './helpers.js';

const GRACE_S = 20;

describe('20 → 10 with pods that ignore SIGTERM', () => {
  const bed = useBed(() => twentyNodes({
    workloads: [{ namespace: 'shop', name: 'stubborn', kind: 'Deployment', replicas: 8, requests: { cpu: '100m', memory: '128Mi' }, ignoresSigterm: true, terminationGracePeriodSeconds: GRACE_S }],
  }));

  it('waits out the grace period before terminating the instance', async () => {
    const results = await runUntilConverged(bed, { workers: 10 });
    const first = results[0]!;
    const stubborn = drainSteps(first).flatMap((s) => s.pods.filter((p) => p.name.startsWith('stubborn-')).map((p) => ({ node: s.node, instanceId: s.instanceId, uid: p.uid })));
    expect(stubborn.length).toBeGreaterThan(0); // the scenario is only a test if a victim holds one
    expect(first.report.outcome).toBe('done');
    const terminated = bed.sim.recorder.facts('instance-terminated');
    const evictions = bed.sim.recorder.facts('eviction').filter((e) => e.result === 'accepted');
    for (const s of stubborn) {
      const evicted = evictions.find((e) => e.uid === s.uid)!;
      const gone = terminated.find((t) => t.instanceId === s.instanceId)!;
      expect(gone.at - evicted.at).toBeGreaterThanOrEqual(GRACE_S * 1000);
    }
    expect(await sizes(bed)).toEqual({ desired: 10, inService: 10, nodes: 10 });
    // The SIGKILL at the end of the full grace period is not an ungraceful kill: zero counts hold.
    await expectZeroCounts(bed);
  });
});
