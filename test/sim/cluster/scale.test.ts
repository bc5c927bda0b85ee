import { describe, expect, it } from 'vitest';
import { addNode, cluster, workload } from './helpers.js';

// Counts only: how fast this runs is bench/'s business. CPU work: 12 s on an idle machine,
// 22 s beside two busy loops, so the default 30 s is no bound for it.
describe('a large cluster', { timeout: 120_000 }, () => {
  it('runs 30,000 pods of 1,000 ReplicaSets on 1,000 nodes', () => {
    const c = cluster();
    for (let n = 0; n < 1000; n++) addNode(c, `ip-10-0-${n >> 8}-${n & 255}.eu-west-1.compute.internal`, { cpu: '16', memory: '64Gi' });
    for (let r = 0; r < 1000; r++) c.create('replicasets.apps', workload('ReplicaSet', `app-${r}`, 30, { cpu: '250m', memory: '512Mi' }));
    c.advance();
    const pods = c.store.list('pods');
    expect(pods).toHaveLength(30_000);
    expect(pods.filter((p) => !(p.spec as any).nodeName)).toHaveLength(0);
    c.advance(2);
    expect(c.store.list('pods').filter((p) => (p.status as any).phase === 'Running')).toHaveLength(30_000);
    const replicaSets = c.store.list('replicasets.apps');
    expect(replicaSets.filter((rs) => (rs.status as any).readyReplicas === 30)).toHaveLength(1000);
    // Spread evenly: 30 pods a node.
    const perNode = new Map<string, number>();
    for (const pod of c.store.list('pods')) perNode.set((pod.spec as any).nodeName, (perNode.get((pod.spec as any).nodeName) ?? 0) + 1);
    expect(new Set(perNode.values())).toEqual(new Set([30]));
  });
});
