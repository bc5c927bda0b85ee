// A workload with an HPA: scalerd moves the HPA's floor, records what it replaced, and
// restores it when the schedule stops asking.

import { describe, expect, it } from 'vitest';
import { reconcileOnce } from '../../src/engine/index.js';
import { Bed, OPTIONS, scalerdMutations, sixNodes, useBed } from '../actuate/helpers.js';

const reconcile = (bed: Bed, replicas: Record<string, number>) =>
  reconcileOnce({
    cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, desired: { capacity: { workers: 6 }, replicas },
    execution: { ...bed.deps(), options: OPTIONS },
  });

describe('a workload with an HPA', () => {
  const bed = useBed(
    () => ({ ...sixNodes(), workloads: [{ namespace: 'shop', name: 'api', kind: 'Deployment', replicas: 2, hpa: { min: 2, max: 6 } }] }),
    [{ key: 'shop/api', namespace: 'shop', name: 'api', kind: 'Deployment', min: 1, max: 10 }],
  );

  it('raises the HPA floor with the original recorded first, then restores it', async () => {
    const up = await reconcile(bed, { 'shop/api': 4 });
    expect(up.report.outcome).toBe('done');
    let [api] = await bed.cluster.getWorkloads([{ namespace: 'shop', name: 'api', kind: 'Deployment' }]);
    expect(api!.hpa).toMatchObject({ minReplicas: 4, maxReplicas: 6, annotations: { 'scalerd.io/original-min-replicas': '2' } });
    expect(scalerdMutations(bed.sim).map((m) => `${m.operation} ${m.target}`)).toEqual([
      'patch horizontalpodautoscalers shop/api',
      'patch horizontalpodautoscalers shop/api',
    ]);

    const back = await reconcile(bed, {});
    expect(back.report.outcome).toBe('done');
    [api] = await bed.cluster.getWorkloads([{ namespace: 'shop', name: 'api', kind: 'Deployment' }]);
    expect(api!.hpa!.minReplicas).toBe(2);
    expect(api!.hpa!.annotations).not.toHaveProperty('scalerd.io/original-min-replicas');
  });
});
