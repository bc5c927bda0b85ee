// 3 → 5 nodes with a workload growing too: the nodes join and turn Ready first, and only
// then does the workload scale (STEP_ORDER: await-nodes before workload scale-ups).

import { describe, expect, it } from 'vitest';
import { reconcileOnce } from '../../src/engine/index.js';
import type { Workload } from '../../src/schedule/types.js';
import { ASG, CLIENT_ID, invariants, OPTIONS, scalerdMutations, sixNodes, useBed } from '../actuate/helpers.js';

const WEB: Workload = { key: 'shop/web', namespace: 'shop', name: 'web', kind: 'Deployment', min: 1, max: 20 };

type Loose = { status?: { conditions?: { type: string; status: string }[] } };
const isReady = (node: Loose) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

describe('scale-up 3 → 5', () => {
  const bed = useBed(() => sixNodes({ desired: 3 }), [WEB]);

  it('adds instances by a delta, waits for their nodes to be Ready, then scales the workload', async () => {
    let readyAtScale: number | undefined;
    const unsubscribe = bed.sim.recorder.subscribe((fact) => {
      if (fact.kind === 'mutation' && fact.client === CLIENT_ID && fact.operation === 'update deployments/scale') {
        readyAtScale = bed.sim.store.list('nodes').filter((n) => isReady(n as Loose)).length;
      }
    });
    const { plan, report } = await reconcileOnce({
      cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, desired: { capacity: { workers: 5 }, replicas: { 'shop/web': 8 } },
      execution: { ...bed.deps(), options: OPTIONS },
    });
    unsubscribe();
    expect(plan.steps.map((s) => s.kind)).toEqual(['scale-up', 'await-nodes', 'scale-workload']);
    expect(report.outcome).toBe('done');

    // The order, as the recorder saw scalerd's mutations: capacity first, the workload last.
    const ops = scalerdMutations(bed.sim).map((m) => m.operation);
    expect(ops).toEqual(['SetDesiredCapacity', 'patch deployments', 'update deployments/scale']);
    expect(readyAtScale).toBe(5);
    // And as the progress events tell it.
    const steps = bed.events.filter((e) => e.kind === 'step' && (e.status === 'done' || e.status === 'started')).map((e) => e.kind === 'step' && `${e.step} ${e.status}`);
    expect(steps.indexOf('await-nodes done')).toBeLessThan(steps.indexOf('scale-workload started'));
    expect(bed.events.some((e) => e.kind === 'step' && e.status === 'waiting')).toBe(true);

    const [group] = await bed.cloud.describeGroups([ASG]);
    expect(group!.desiredCapacity).toBe(5);
    expect((await bed.cluster.listNodes()).filter((n) => n.ready)).toHaveLength(5);
    const [web] = await bed.cluster.getWorkloads([{ namespace: 'shop', name: 'web', kind: 'Deployment' }]);
    expect(web!.replicas).toBe(8);
    expect(web!.annotations['scalerd.io/original-replicas']).toBe('6');
    expect(invariants(bed.sim)).toMatchObject({ pdbViolations: 0, podsKilled: 0, terminated: 0 });
  });

  it('while nothing changes, says once a minute that it is still waiting, and for what', async () => {
    bed.sim.faults.setBehaviour({ instancesNeverJoin: true });
    // A workload that grows too: only then does the plan wait for the nodes.
    const { plan, report } = await reconcileOnce({
      cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, desired: { capacity: { workers: 5 }, replicas: { 'shop/web': 8 } },
      execution: { ...bed.deps(), options: { ...OPTIONS, nodeReadyTimeoutMs: 200_000 } },
    });
    expect(plan.steps.map((s) => s.kind)).toEqual(['scale-up', 'await-nodes', 'scale-workload']);
    expect(report.outcome).toBe('failed');
    const waiting = bed.events.flatMap((e) => (e.kind === 'step' && e.status === 'waiting' ? [{ at: e.at, message: e.message }] : []));
    // The count never moves from 3 of 5: the first line, then one at least a minute after
    // the one before (the simulated clock moves with real time, so a loaded machine may
    // space them more), each saying how long so far.
    expect(waiting[0]!.message).toBe('Ready: workers 3/5');
    const still = waiting.slice(1);
    expect(still.length).toBeGreaterThanOrEqual(1);
    expect(still.length).toBeLessThanOrEqual(3);
    still.forEach((line, i) => {
      expect(line.message).toMatch(/^still waiting, \d+ s so far: Ready workers 3\/5$/);
      expect(line.at - waiting[i]!.at).toBeGreaterThanOrEqual(60_000);
      // The line's time is the instant its count was read (a GC pause between reading the
      // clock and emitting once made it 0.6 simulated s later); the count is rounded.
      expect(Number(/(\d+) s so far/.exec(line.message)![1]) * 1000).toBeGreaterThanOrEqual(line.at - waiting[0]!.at - 500);
    });
  });
});
