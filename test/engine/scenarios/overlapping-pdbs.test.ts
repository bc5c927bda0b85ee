// A second PodDisruptionBudget appears on a victim's pod after the plan (while the batch
// settles): the eviction API would refuse that pod every time, so the node fails fast and
// is rolled back, the report says why, and the next reconcile goes around it.

import { describe, expect, it } from 'vitest';
import { CLIENT_ID, useBed } from '../../actuate/helpers.js';
import { drainSteps, expectZeroCounts, runUntilConverged, sizes, twentyNodes } from './helpers.js';

const BUDGETED = /^(web|api|db)-/;

describe('20 → 10 with overlapping PDBs on a victim\'s pod', () => {
  const bed = useBed(() => twentyNodes());

  it('fails that node fast, rolls it back, and converges around it', async () => {
    let overlapped: { node: string; pod: string } | undefined;
    const unsubscribe = bed.sim.recorder.subscribe((fact) => {
      if (overlapped || fact.kind !== 'cordon' || fact.client !== CLIENT_ID || !fact.unschedulable) return;
      const { store } = bed.sim;
      const pod = store.list('pods').find((p) => (p.spec as { nodeName?: string }).nodeName === fact.node && BUDGETED.test(p.metadata.name));
      if (!pod) return;
      overlapped = { node: fact.node, pod: `${pod.metadata.namespace}/${pod.metadata.name}` };
      // After the store's current write: label the pod, and a second budget that selects it.
      setImmediate(() => {
        store.mutate('pods', pod.metadata.namespace, pod.metadata.name, (p) => {
          p.metadata.labels = { ...p.metadata.labels, overlap: 'yes' };
        });
        store.create('poddisruptionbudgets.policy', {
          apiVersion: 'policy/v1', kind: 'PodDisruptionBudget',
          metadata: { name: 'overlap', namespace: pod.metadata.namespace },
          spec: { maxUnavailable: 1, selector: { matchLabels: { overlap: 'yes' } } },
        });
      });
    });

    const results = await runUntilConverged(bed, { workers: 10 });
    unsubscribe();
    expect(overlapped).toBeDefined();
    const { node, pod } = overlapped!;
    const first = results[0]!;
    expect(drainSteps(first).map((s) => s.node)).toContain(node);
    expect(first.report.outcome).not.toBe('done');
    const failed = first.report.nodes.find((n) => n.node === node)!;
    expect(failed).toMatchObject({ result: 'rolled-back', code: 'multiple-budgets', evicted: 0 });
    expect(failed.reason).toContain(pod);
    // The other nine of the batch still went.
    expect(first.report.nodes.filter((n) => n.result === 'removed')).toHaveLength(9);
    // Never an eviction of the doubly budgeted pod.
    expect(bed.sim.recorder.facts('eviction').filter((e) => e.pod === pod && e.result === 'accepted')).toEqual([]);

    // The next reconcile sees the overlap before acting: the node is skipped with the reason.
    const second = results[1]!;
    expect(drainSteps(second).map((s) => s.node)).not.toContain(node);
    expect(second.plan.notChosen.find((n) => n.node === node)).toMatchObject({ code: 'blocking-pods' });
    expect(second.plan.notChosen.find((n) => n.node === node)!.reason).toContain('PodDisruptionBudgets');
    const nodes = await bed.cluster.listNodes();
    expect(nodes.find((n) => n.name === node)).toMatchObject({ unschedulable: false });
    expect(await sizes(bed)).toEqual({ desired: 10, inService: 10, nodes: 10 });
    await expectZeroCounts(bed);
  });
});
