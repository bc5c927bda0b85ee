// The engine when AWS acted but its answer was lost: every termination's answer lost, a
// termination whose outcome is unknown (a 500 before AWS acted), every SetDesiredCapacity's
// answer lost. Each instance leaves with exactly one decrement, the group ends exactly at
// its target, and no reconcile raises capacity a second time.

import { describe, expect, it } from 'vitest';
import { reconcileOnce } from '../../src/engine/index.js';
import { ASG, invariants, OPTIONS, sixNodes, useBed, type Bed } from '../actuate/helpers.js';
import { reconcile } from './scenarios/helpers.js';

const requests = (bed: Bed, action: string) => bed.sim.recorder.requests()[`aws ${action}`] ?? 0;
const desiredOf = (bed: Bed) => bed.sim.aws.group(ASG)!.desiredCapacity;

describe('scale-down 6 → 3 when terminations lose their answers', () => {
  const bed = useBed(() => sixNodes());

  it('every answer lost (reset, then 500): one request and one decrement per instance, and the plan is done', async () => {
    bed.sim.faults.addRequestFault({ api: 'aws', operation: 'TerminateInstanceInAutoScalingGroup', when: 'after', error: 'reset', count: 2 });
    bed.sim.faults.addRequestFault({ api: 'aws', operation: 'TerminateInstanceInAutoScalingGroup', when: 'after', error: 500 });
    const { report } = await reconcile(bed, { workers: 3 });
    expect(report.outcome, report.message).toBe('done');
    expect(bed.sim.faults.lostAnswers()).toEqual({ 'aws TerminateInstanceInAutoScalingGroup reset': 2, 'aws TerminateInstanceInAutoScalingGroup 500': 1 });
    expect(requests(bed, 'TerminateInstanceInAutoScalingGroup')).toBe(3);
    expect(desiredOf(bed)).toBe(3);
    expect(invariants(bed.sim)).toMatchObject({ pdbViolations: 0, podsKilled: 0, terminatedWithPods: 0, terminated: 3 });
  });

  it('a 500 before AWS acted: the look finds it InService, and it is asked again only after terminateReissueMs', async () => {
    bed.sim.faults.addRequestFault({ api: 'aws', operation: 'TerminateInstanceInAutoScalingGroup', error: 500, count: 3 });
    const { report } = await reconcileOnce({
      cloud: bed.cloud, cluster: bed.cluster, schedule: bed.schedule, desired: { capacity: { workers: 3 }, replicas: {} },
      execution: { ...bed.deps(), options: { ...OPTIONS, terminateReissueMs: 20_000 } },
    });
    expect(report.outcome, report.message).toBe('done');
    // Per instance: asked, refused with an unknown outcome, looked at until the reissue
    // delay passed, asked again — never at once, which could have decremented twice.
    const asks = new Map<string, { at: number }[]>();
    for (const a of report.actions.filter((x) => x.kind === 'terminate-instance')) asks.set(a.target, [...(asks.get(a.target) ?? []), a]);
    expect([...asks.values()].map((a) => a.length)).toEqual([2, 2, 2]);
    for (const [first, second] of asks.values()) expect(second!.at - first!.at).toBeGreaterThanOrEqual(20_000);
    expect(requests(bed, 'TerminateInstanceInAutoScalingGroup')).toBe(6);
    expect(desiredOf(bed)).toBe(3);
    expect(invariants(bed.sim)).toMatchObject({ pdbViolations: 0, podsKilled: 0, terminatedWithPods: 0, terminated: 3 });
  });
});

describe('scale-up 3 → 5 when SetDesiredCapacity loses its answers', () => {
  const bed = useBed(() => sixNodes({ desired: 3 }));

  it('every answer lost: the step fails, the next reconcile finds 5 and asks for nothing more', async () => {
    bed.sim.faults.addRequestFault({ api: 'aws', operation: 'SetDesiredCapacity', when: 'after', error: 500 });
    const first = await reconcile(bed, { workers: 5 });
    expect(first.report.outcome).toBe('failed');
    expect(first.report.steps.find((s) => s.kind === 'scale-up')).toMatchObject({ status: 'failed' });
    const sent = requests(bed, 'SetDesiredCapacity');
    expect(sent).toBeGreaterThan(1); // the SDK and the actuator both sent it again: the same absolute 5
    expect(bed.sim.faults.lostAnswers()['aws SetDesiredCapacity 500']).toBe(sent);
    expect(desiredOf(bed)).toBe(5);

    const second = await reconcile(bed, { workers: 5 });
    expect(second.plan.steps.map((s) => s.kind)).not.toContain('scale-up');
    expect(second.report.outcome, second.report.message).toBe('done');
    expect(requests(bed, 'SetDesiredCapacity')).toBe(sent);
    expect(desiredOf(bed)).toBe(5);
    // Five instances launched, none twice: whether the last two are InService yet depends on
    // how much simulated time the retries took, which a test cannot fix.
    expect(bed.sim.aws.group(ASG)!.instances.filter((i) => i.lifecycleState === 'Pending' || i.lifecycleState === 'InService')).toHaveLength(5);
  });
});
