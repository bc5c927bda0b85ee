// Only the leader mutates, and it checks before every mutating call: the moment it is no
// longer the leader it stops, and the marks stay for whoever leads next.

import { describe, expect, it } from 'vitest';
import { execute } from '../../src/actuate/index.js';
import { observe } from '../../src/engine/index.js';
import { plan } from '../../src/plan/index.js';
import type { Workload } from '../../src/schedule/types.js';
import { invariants, markedNodes, OPTIONS, scalerdMutations, sixNodes, useBed } from './helpers.js';

const workload = (name: string): Workload => ({ key: `shop/${name}`, namespace: 'shop', name, kind: 'Deployment', min: 1, max: 20 });

describe('leadership', () => {
  const bed = useBed(() => sixNodes(), [workload('web'), workload('worker')]);

  it('lost after the batch is marked: no further mutating call, the run reports it stopped', async () => {
    const now = bed.sim.clock.now();
    const observation = await observe({ cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, now });
    const decided = plan({ observation, schedule: bed.schedule, desired: { capacity: { workers: 3 }, replicas: {} }, now });
    // The lease is lost the moment the third mark has been sent.
    let actions = 0;
    const deps = bed.deps({ isLeader: () => actions < 3, onProgress: (e) => void (e.kind === 'action' && actions++) });
    const report = await execute(decided, deps, OPTIONS);
    expect(report).toMatchObject({ outcome: 'stopped', stoppedBy: 'leadership' });
    expect(report.actions).toHaveLength(3);
    expect(scalerdMutations(bed.sim).map((m) => m.operation)).toEqual(['patch nodes', 'patch nodes', 'patch nodes']);
    expect(report.steps.every((s) => s.status === 'stopped')).toBe(true);
    expect((await markedNodes(bed.cluster)).length).toBe(3);
    expect(invariants(bed.sim)).toMatchObject({ terminated: 0, pdbViolations: 0 });
  });

  it('lost in the middle of a batch: the step that finished counts as done, the other as stopped', async () => {
    const now = bed.sim.clock.now();
    const observation = await observe({ cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, now });
    const decided = plan({ observation, schedule: bed.schedule, desired: { capacity: { workers: 6 }, replicas: { 'shop/web': 4, 'shop/worker': 2 } }, now });
    expect(decided.steps.map((s) => s.kind)).toEqual(['scale-workload', 'scale-workload']);
    // Both annotations go out at once; the lease is lost once the first scale call is sent.
    let actions = 0;
    const report = await execute(decided, bed.deps({ isLeader: () => actions < 3, onProgress: (e) => void (e.kind === 'action' && actions++) }), OPTIONS);
    expect(report.steps.map((s) => s.status).sort()).toEqual(['done', 'stopped']);
    expect(report.message).toBe('stopped: no longer the leader; 1 of 2 steps done');
  });

  it('not the leader from the start: nothing at all', async () => {
    const now = bed.sim.clock.now();
    const observation = await observe({ cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, now });
    const decided = plan({ observation, schedule: bed.schedule, desired: { capacity: { workers: 3 }, replicas: {} }, now });
    const report = await execute(decided, bed.deps({ isLeader: () => false }), OPTIONS);
    expect(report.outcome).toBe('stopped');
    expect(report.actions).toEqual([]);
    expect(scalerdMutations(bed.sim)).toEqual([]);
  });
});
