import { describe, expect, it } from 'vitest';
import { liveByZone, spec, states, TIMINGS, world } from './helpers.js';

const started = (overrides = {}) => {
  const w = world();
  w.model.addGroup(spec(overrides), { startInService: true });
  return w;
};

const fault = (result: { ok: boolean; fault?: { code: string; message: string } }) => (result.ok ? undefined : result.fault);

describe('AwsModel desired capacity (level-based)', () => {
  it('launches the difference in the zones with the fewest instances', () => {
    const w = started();
    expect(w.model.setDesiredCapacity('workers', 5).ok).toBe(true);
    expect(liveByZone(w)).toEqual({ 'eu-west-1a': 2, 'eu-west-1b': 2, 'eu-west-1c': 1 });
    expect(states(w).filter((s) => s === 'Pending')).toHaveLength(2);
  });

  it('terminates by the termination policy: the fullest zone first, its oldest instance first', () => {
    const w = started({ desiredCapacity: 4 });
    const first = w.model.group('workers')!.instances[0]!;
    expect(first.availabilityZone).toBe('eu-west-1a');
    w.clock.advance(1000);
    w.model.setDesiredCapacity('workers', 3);
    const terminating = w.model.group('workers')!.instances.filter((i) => i.lifecycleState === 'Terminating');
    expect(terminating.map((i) => i.instanceId)).toEqual([first.instanceId]);
    expect(w.observer.stopping.map((s) => s.reason)).toEqual(['scale-in']);
  });

  it('never terminates a protected instance; with all protected desired drops and nothing terminates', () => {
    const w = started();
    const ids = w.model.group('workers')!.instances.map((i) => i.instanceId);
    expect(w.model.setInstanceProtection('workers', ids, true).ok).toBe(true);
    w.model.setDesiredCapacity('workers', 1);
    expect(w.model.group('workers')?.desiredCapacity).toBe(1);
    expect(states(w)).toEqual(['InService', 'InService', 'InService']);

    // Lifting protection lets the scale-in that was held back go ahead.
    w.model.setInstanceProtection('workers', ids.slice(0, 2), false);
    expect(states(w).filter((s) => s === 'Terminating')).toHaveLength(2);
    expect(w.model.group('workers')!.instances.find((i) => i.lifecycleState === 'InService')?.instanceId).toBe(ids[2]);
  });

  it('launches nothing while Launch is suspended, and catches up on resume', () => {
    const w = started();
    w.model.suspendProcesses('workers', ['Launch']);
    w.model.setDesiredCapacity('workers', 5);
    expect(states(w)).toHaveLength(3);
    w.model.resumeProcesses('workers', ['Launch']);
    expect(states(w)).toHaveLength(5);
  });

  it('terminates nothing on scale-in while Terminate is suspended, and catches up on resume', () => {
    const w = started();
    w.model.suspendProcesses('workers', ['Terminate']);
    w.model.setDesiredCapacity('workers', 1);
    expect(states(w)).toEqual(['InService', 'InService', 'InService']);
    w.model.resumeProcesses('workers');
    expect(states(w).filter((s) => s === 'Terminating')).toHaveLength(2);
  });

  it('refuses a desired capacity outside MinSize..MaxSize in AWS words', () => {
    const w = started({ minSize: 2, maxSize: 40 });
    expect(fault(w.model.setDesiredCapacity('workers', 1))?.message).toBe('New SetDesiredCapacity value 1 is below min value 2 for the AutoScalingGroup.');
    expect(fault(w.model.setDesiredCapacity('workers', 50))?.message).toBe('New SetDesiredCapacity value 50 is above max value 40 for the AutoScalingGroup.');
    expect(fault(w.model.setDesiredCapacity('nope', 3))).toEqual({ code: 'ValidationError', message: 'AutoScalingGroup name not found - null', status: 400, type: 'Sender' });
    expect(w.model.group('workers')?.desiredCapacity).toBe(3);
  });

  it('moves desired along with a new MinSize or MaxSize, as UpdateAutoScalingGroup does', () => {
    const w = started();
    expect(w.model.updateGroup('workers', { minSize: 4 }).ok).toBe(true);
    expect(w.model.group('workers')).toMatchObject({ minSize: 4, desiredCapacity: 4 });
    expect(w.model.updateGroup('workers', { maxSize: 5, desiredCapacity: 5 }).ok).toBe(true);
    expect(w.model.group('workers')).toMatchObject({ maxSize: 5, desiredCapacity: 5 });
    expect(states(w)).toHaveLength(5);
    expect(fault(w.model.updateGroup('workers', { minSize: 6 }))?.message).toBe('Max bound, 5, must be greater than or equal to min bound, 6');
    expect(fault(w.model.updateGroup('workers', { desiredCapacity: 9 }))?.message).toBe('Desired capacity:9 must be between the specified min size:4 and max size:5');
    expect(fault(w.model.updateGroup('gone', { minSize: 1 }))?.message).toBe('AutoScalingGroup name not found - AutoScalingGroup gone not found');
  });
});

describe('AwsModel TerminateInstanceInAutoScalingGroup', () => {
  it('with the decrement shrinks the group by exactly that instance', () => {
    const w = started();
    const id = w.model.group('workers')!.instances[1]!.instanceId;
    w.model.terminateInstance(id, true);
    expect(w.model.group('workers')?.desiredCapacity).toBe(2);
    w.clock.advance(TIMINGS.terminateDelayMs);
    expect(w.model.group('workers')!.instances.map((i) => i.instanceId)).not.toContain(id);
    expect(states(w)).toEqual(['InService', 'InService']);
  });

  it('without the decrement launches a replacement in the zone that lost the instance', () => {
    const w = started();
    const victim = w.model.group('workers')!.instances[1]!;
    w.model.terminateInstance(victim.instanceId, false);
    expect(w.model.group('workers')?.desiredCapacity).toBe(3);
    const pending = w.model.group('workers')!.instances.filter((i) => i.lifecycleState === 'Pending');
    expect(pending.map((i) => i.availabilityZone)).toEqual([victim.availabilityZone]);
  });

  it('refuses to go below MinSize with the decrement, in AWS words', () => {
    const w = started({ minSize: 3 });
    const id = w.model.group('workers')!.instances[0]!.instanceId;
    expect(fault(w.model.terminateInstance(id, true))?.message).toBe(
      "Currently, desiredSize equals minSize (3). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.",
    );
    expect(states(w)).toEqual(['InService', 'InService', 'InService']);
  });

  it('does not know an instance that is gone or never was', () => {
    const w = started();
    expect(fault(w.model.terminateInstance('i-0123456789abcdef0', true))?.message).toBe('Instance Id not found - No managed instance found for instance ID: i-0123456789abcdef0');
    const id = w.model.group('workers')!.instances[0]!.instanceId;
    w.model.terminateInstance(id, true);
    w.clock.advance(TIMINGS.terminateDelayMs);
    expect(fault(w.model.terminateInstance(id, true))?.code).toBe('ValidationError');
  });

  it('answers a repeated request for a Terminating instance with the same activity and decrements once', () => {
    const w = started();
    const id = w.model.group('workers')!.instances[0]!.instanceId;
    const first = w.model.terminateInstance(id, true);
    const again = w.model.terminateInstance(id, true);
    expect(again.ok && first.ok && again.value.activityId === first.value.activityId).toBe(true);
    expect(w.model.group('workers')?.desiredCapacity).toBe(2);
  });
});

describe('AwsModel protection and processes', () => {
  it('refuses protection for an instance outside the group', () => {
    const w = started();
    expect(fault(w.model.setInstanceProtection('workers', ['i-0123456789abcdef0'], true))?.message).toBe('The instance i-0123456789abcdef0 is not part of Auto Scaling group workers.');
    expect(fault(w.model.setInstanceProtection('nope', [], true))?.message).toBe('AutoScalingGroup name not found - null');
  });

  it('suspends every process when none is named, each with a reason that says when', () => {
    const w = started();
    w.clock.advance(60_000);
    w.model.suspendProcesses('workers');
    const suspended = w.model.group('workers')!.suspendedProcesses;
    expect(suspended).toHaveLength(9);
    expect(suspended[0]).toEqual({ processName: 'Launch', suspensionReason: 'User suspended at 2026-03-02T09:01:00Z' });
    w.model.resumeProcesses('workers', ['Launch', 'Terminate']);
    expect(w.model.group('workers')!.suspendedProcesses.map((s) => s.processName)).not.toContain('Launch');
    expect(fault(w.model.suspendProcesses('workers', ['Nap']))?.code).toBe('ValidationError');
  });
});
