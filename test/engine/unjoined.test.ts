// An instance that never joins (fault 19): the next reconcile past its registration
// deadline terminates exactly that instance and asks for a replacement by a delta.

import { describe, expect, it } from 'vitest';
import { reconcileOnce } from '../../src/engine/index.js';
import { ASG, Bed, invariants, OPTIONS, scalerdMutations, sixNodes, useBed } from '../actuate/helpers.js';

const reconcile = (bed: Bed, workers: number) =>
  reconcileOnce({
    cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, desired: { capacity: { workers }, replicas: {} },
    planOptions: { registrationTimeoutMs: 30_000 },
    execution: { ...bed.deps(), options: OPTIONS },
  });

describe('an instance that never joins', () => {
  const bed = useBed(() => sixNodes());

  it('is terminated by its exact id after the registration deadline, and replaced', async () => {
    bed.sim.faults.setBehaviour({ instancesNeverJoin: true });
    const first = await reconcile(bed, 7);
    expect(first.plan.steps.map((s) => s.kind)).toEqual(['scale-up']);
    const [grown] = await bed.cloud.describeGroups([ASG]);
    const known = new Set(first.observation.groups[0]!.instances.map((i) => i.id));
    const stray = grown!.instances.find((i) => !known.has(i.id))!;

    await bed.sim.clock.sleep(40_000);
    bed.sim.faults.setBehaviour({ instancesNeverJoin: false });
    const second = await reconcile(bed, 7);
    expect(second.plan.steps.map((s) => s.kind)).toEqual(['terminate-unjoined', 'scale-up']);
    expect(second.report.outcome).toBe('done');
    const aws = scalerdMutations(bed.sim).filter((m) => m.api === 'aws');
    expect(aws.filter((m) => m.operation === 'TerminateInstanceInAutoScalingGroup').map((m) => m.target)).toEqual([stray.id]);
    const [after] = await bed.cloud.describeGroups([ASG]);
    expect(after!.desiredCapacity).toBe(7);
    expect(invariants(bed.sim)).toMatchObject({ podsKilled: 0, terminatedWithPods: 0, terminated: 1 });
  });
});
