// One observation in a handful of list calls: the schedule's groups, every node and pod,
// the named workloads with their HPAs, and the budgets.

import { describe, expect, it } from 'vitest';
import { observe } from '../../src/engine/index.js';
import { ASG, sixNodes, useBed } from '../actuate/helpers.js';

describe('observe', () => {
  const bed = useBed(
    () => ({ ...sixNodes(), workloads: [...sixNodes().workloads!, { namespace: 'shop', name: 'api', kind: 'Deployment', replicas: 2, hpa: { min: 2, max: 6 } }] }),
    [
      { key: 'shop/api', namespace: 'shop', name: 'api', kind: 'Deployment', min: 1, max: 10 },
      { key: 'shop/search', namespace: 'shop', name: 'search', kind: undefined, min: 1, max: 10 },
    ],
  );

  it('reads the world in a few calls', async () => {
    bed.sim.recorder.clear();
    const now = bed.sim.clock.now();
    const observation = await observe({ cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, now });
    expect(observation.at).toBe(now);
    expect(observation.groups.map((g) => [g.name, g.instances.length])).toEqual([[ASG, 6]]);
    expect(observation.nodes).toHaveLength(6);
    expect(observation.nodes.every((n) => n.instanceId !== undefined)).toBe(true);
    expect(observation.pods.filter((p) => p.namespace === 'shop')).toHaveLength(6 + 3 + 4 + 2);
    expect(observation.workloads.map((w) => [w.kind, w.name, w.hpa?.minReplicas])).toEqual([['Deployment', 'api', 2], ['StatefulSet', 'search', undefined]]);
    expect(observation.pdbs.map((p) => p.name).sort()).toEqual(['search', 'web']);
    const requests = Object.values(bed.sim.recorder.requests()).reduce((a, b) => a + b, 0);
    // Groups + instances, nodes, pods, deployments + statefulsets + HPAs of one namespace, budgets.
    expect(requests).toBeLessThanOrEqual(8);
  });
});
