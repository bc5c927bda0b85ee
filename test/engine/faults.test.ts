// With 10 % of Kubernetes requests failing (500 or 429) and AWS throttling 10 % of calls,
// reconciles converge to the desired size and the invariants still hold.

import { describe, expect, it } from 'vitest';
import { reconcileOnce } from '../../src/engine/index.js';
import { ASG, invariants, markedNodes, OPTIONS, sixNodes, useBed } from '../actuate/helpers.js';

describe('flaky APIs', () => {
  const bed = useBed(() => sixNodes());

  it('converges 6 → 3 within a few reconciles, with zero violations', async () => {
    bed.sim.faults.addRequestFault({ api: 'kube', operation: '*', errorRate: 0.05, error: 500 });
    bed.sim.faults.addRequestFault({ api: 'kube', operation: '*', errorRate: 0.05, error: 429 });
    bed.sim.faults.addRequestFault({ api: 'aws', operation: '*', errorRate: 0.1, error: 'Throttling' });
    let outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { report } = await reconcileOnce({
        cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, desired: { capacity: { workers: 3 }, replicas: {} },
        execution: { ...bed.deps(), options: OPTIONS },
      }).catch((error: unknown) => ({ report: { outcome: `observe failed: ${String(error)}` } }));
      outcomes = [...outcomes, report.outcome];
      const [group] = await bed.cloud.describeGroups([ASG]).catch(() => []);
      if (report.outcome === 'done' && group?.desiredCapacity === 3) break;
    }
    bed.sim.faults.clear();
    expect(outcomes).toContain('done');
    const [group] = await bed.cloud.describeGroups([ASG]);
    expect(group!.instances.filter((i) => i.lifecycleState === 'InService')).toHaveLength(3);
    expect(await markedNodes(bed.cluster)).toEqual([]);
    expect(invariants(bed.sim)).toMatchObject({ pdbViolations: 0, podsKilled: 0, terminatedWithPods: 0 });
  });
});
