// Scale-up 18 → 20 where one of the new instances never joins the cluster: after its
// registration deadline it is terminated by its exact id (with decrement), reported, and
// replaced by a delta; nothing else is terminated.

import { describe, expect, it } from 'vitest';
import { ACCESS_KEY, ASG, scalerdMutations, useBed } from '../../actuate/helpers.js';
import { expectZeroCounts, runUntilConverged, sizes, twentyNodes } from './helpers.js';

describe('scale-up 18 → 20 with one instance that never joins', () => {
  const bed = useBed(() => twentyNodes({ group: { desired: 18 } }));

  it('terminates exactly that instance after the deadline, reports it, and ends at 20 Ready nodes', async () => {
    const known = new Set(bed.sim.aws.instances().map((i) => i.instanceId));
    let stray: string | undefined;
    const unsubscribe = bed.sim.recorder.subscribe((fact) => {
      if (stray || fact.kind !== 'mutation' || fact.client !== ACCESS_KEY || fact.operation !== 'SetDesiredCapacity') return;
      setImmediate(() => {
        stray = bed.sim.aws.instances().find((i) => !known.has(i.instanceId))?.instanceId;
        if (stray) bed.sim.faults.setBehaviour({ instancesNeverJoin: [stray] });
      });
    });
    // Between reconciles, simulated time passes the registration deadline (30 s).
    const results = await runUntilConverged(bed, {
      workers: 20, planOptions: { registrationTimeoutMs: 30_000 }, max: 5, between: () => bed.sim.clock.sleep(40_000),
    });
    unsubscribe();
    expect(stray).toBeDefined();

    const [first, second] = results;
    expect(first!.plan.steps).toEqual([expect.objectContaining({ kind: 'scale-up', add: 2 })]);
    expect(second!.plan.steps.map((s) => s.kind)).toEqual(['terminate-unjoined', 'scale-up']);
    const terminate = second!.plan.steps.find((s) => s.kind === 'terminate-unjoined');
    expect(terminate).toMatchObject({ instanceId: stray, cause: 'not-joined' });
    expect(terminate!.reason).toMatch(/no node joined for it by/);
    expect(second!.report.actions.filter((a) => a.kind === 'terminate-instance').map((a) => a.target)).toEqual([stray]);
    expect(second!.report.steps.find((s) => s.kind === 'terminate-unjoined')).toMatchObject({ status: 'done' });

    const aws = scalerdMutations(bed.sim).filter((m) => m.api === 'aws');
    expect(aws.filter((m) => m.operation === 'TerminateInstanceInAutoScalingGroup').map((m) => m.target)).toEqual([stray]);
    expect(bed.sim.recorder.facts('instance-terminated').map((t) => t.instanceId)).toEqual([stray]);
    const [group] = await bed.cloud.describeGroups([ASG]);
    expect(group!.instances.some((i) => i.id === stray)).toBe(false);
    expect(await sizes(bed)).toEqual({ desired: 20, inService: 20, nodes: 20 });
    expect((await bed.cluster.listNodes()).filter((n) => n.ready)).toHaveLength(20);
    await expectZeroCounts(bed);
  });
});
