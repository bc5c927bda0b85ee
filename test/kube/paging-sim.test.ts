// Paging against the simulator with more pods than one page holds: 20 nodes × 30 pods.

import { describe, expect, it } from 'vitest';
import { useKubeSim } from './helpers.js';

const t = useKubeSim({ nodes: 20, podsPerNode: 30 });

describe('listing more than one page', () => {
  it('lists 600 pods in pages of 500, each pod once', async () => {
    const before = t.sim.recorder.requests()['list pods'] ?? 0;
    const pods = await t.cluster.listPods();
    expect(pods.length).toBe(t.sim.store.count('pods'));
    expect(pods.length).toBeGreaterThan(500);
    expect(new Set(pods.map((p) => p.uid)).size).toBe(pods.length);
    expect((t.sim.recorder.requests()['list pods'] ?? 0) - before).toBe(2);
  });

  it('pages one node\'s pods too, and the nodes together hold every pod', async () => {
    const nodes = await t.cluster.listNodes();
    expect(nodes).toHaveLength(20);
    const counts = await Promise.all(nodes.map(async (node) => (await t.cluster.listPodsOnNode(node.name)).length));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(t.sim.store.count('pods'));
  });
});
