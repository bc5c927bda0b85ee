// 20 → 10 on flaky APIs: 10 % of Kubernetes requests fail (half 500, half 429) and AWS
// throttles 10 % of calls, from the first observation to the last. Reconciles converge
// and every invariant holds; a failed observation is only a reconcile that did nothing.

import { describe, expect, it } from 'vitest';
import { useBed } from '../../actuate/helpers.js';
import { converged, drainSteps, expectZeroCounts, reconcile, sizes, twentyNodes } from './helpers.js';

describe('20 → 10 with 10 % of API calls failing', () => {
  const bed = useBed(() => twentyNodes());

  it('converges to ten nodes with zero violations, and the faults really fired', async () => {
    bed.sim.faults.addRequestFault({ api: 'kube', operation: '*', errorRate: 0.05, error: 500 });
    bed.sim.faults.addRequestFault({ api: 'kube', operation: '*', errorRate: 0.05, error: 429 });
    // A scale-down makes a few dozen AWS calls: 10 % of them may be none at all (0.9^20 is
    // 12 %), so the first is throttled for certain, then one in ten.
    bed.sim.faults.addRequestFault({ api: 'aws', operation: '*', error: 'Throttling', count: 1 });
    bed.sim.faults.addRequestFault({ api: 'aws', operation: '*', errorRate: 0.1, error: 'Throttling' });
    const outcomes: string[] = [];
    let drained = 0;
    for (let i = 0; i < 8; i++) {
      const result = await reconcile(bed, { workers: 10 }).catch((error: unknown) => error instanceof Error ? error : new Error(String(error)));
      if (result instanceof Error) {
        outcomes.push(`observe failed: ${result.message}`);
        continue;
      }
      outcomes.push(result.report.outcome);
      drained += drainSteps(result).length;
      if (converged(result)) break;
    }
    bed.sim.faults.clear();
    const fired = bed.sim.faults.fired();
    expect(fired['kube 500']).toBeGreaterThan(0);
    expect(fired['kube 429']).toBeGreaterThan(0);
    expect(fired['aws Throttling']).toBeGreaterThan(0);
    expect(drained, outcomes.join(' | ')).toBeGreaterThanOrEqual(10);
    expect(await sizes(bed)).toEqual({ desired: 10, inService: 10, nodes: 10 });
    await expectZeroCounts(bed);
  });
});
