// A StatefulSet pod evicted from a leaving node is recreated under the same name (a new
// UID) while the drain runs: scalerd does not chase it (kubernetes#138229): one accepted
// eviction per old UID, and no pod evicted twice.

import { describe, expect, it } from 'vitest';
import { useBed } from '../../actuate/helpers.js';
import { drainSteps, expectZeroCounts, runUntilConverged, twentyNodes } from './helpers.js';

describe('20 → 10 with a StatefulSet pod recreated during the drain', () => {
  // One db pod per node, so several victims hold one.
  const bed = useBed(() => twentyNodes({ dbReplicas: 14 }));

  it('evicts the old UID once and never the new pod of the same name', async () => {
    const results = await runUntilConverged(bed, { workers: 10 });
    const first = results[0]!;
    const leaving = new Set(drainSteps(first).map((s) => s.node));
    const oldDb = drainSteps(first).flatMap((s) => s.pods.filter((p) => p.name.startsWith('db-')));
    expect(oldDb.length).toBeGreaterThan(0);
    expect(first.report.outcome).toBe('done');

    const accepted = bed.sim.recorder.facts('eviction').filter((e) => e.result === 'accepted');
    const perUid = new Map<string, number>();
    for (const e of accepted) perUid.set(e.uid, (perUid.get(e.uid) ?? 0) + 1);
    expect([...perUid.entries()].filter(([, n]) => n > 1)).toEqual([]);

    const now = await bed.cluster.listPods();
    for (const old of oldDb) {
      const key = `${old.namespace}/${old.name}`;
      expect(accepted.filter((e) => e.pod === key).map((e) => e.uid)).toEqual([old.uid]);
      const recreated = now.find((p) => p.namespace === old.namespace && p.name === old.name)!;
      expect(recreated.uid).not.toBe(old.uid);
      expect(leaving.has(recreated.nodeName!)).toBe(false);
    }
    await expectZeroCounts(bed);
  });
});
