import { describe, expect, it } from 'vitest';
import { SERVICE_CLIENT } from '../../../src/sim/aws/index.js';
import { spec, TIMINGS, world } from './helpers.js';

describe('AwsModel scaling activities', () => {
  it('records a launch as AWS words it, InProgress until the instance is InService', () => {
    const w = world();
    w.model.addGroup(spec(), { startInService: true });
    w.clock.advance(5_000);
    w.model.setDesiredCapacity('workers', 4);
    const [launch] = w.model.activities();
    const id = w.model.group('workers')!.instances[3]!.instanceId;
    expect(launch).toMatchObject({
      group: 'workers',
      description: `Launching a new EC2 instance: ${id}`,
      cause:
        'At 2026-03-02T09:00:05Z a user request explicitly set group desired capacity changing the desired capacity from 3 to 4.  ' +
        'At 2026-03-02T09:00:05Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 3 to 4.',
      statusCode: 'InProgress',
      progress: 0,
    });
    expect(launch?.activityId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    w.clock.advance(TIMINGS.launchDelayMs);
    expect(w.model.activities()[0]).toMatchObject({ activityId: launch?.activityId, statusCode: 'Successful', progress: 100, endTime: launch!.startTime + TIMINGS.launchDelayMs });
  });

  it('says which instance a scale-in selected for termination', () => {
    const w = world();
    w.model.addGroup(spec(), { startInService: true });
    w.model.setDesiredCapacity('workers', 2);
    const [terminate] = w.model.activities();
    const victim = w.observer.stopping[0]!.instance.instanceId;
    expect(terminate?.description).toBe(`Terminating EC2 instance: ${victim}`);
    expect(terminate?.cause).toBe(
      'At 2026-03-02T09:00:00Z a user request explicitly set group desired capacity changing the desired capacity from 3 to 2.  ' +
        'At 2026-03-02T09:00:00Z an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 3 to 2.  ' +
        `At 2026-03-02T09:00:00Z instance ${victim} was selected for termination.`,
    );
  });

  it('words a user termination with and without the decrement', () => {
    const w = world();
    w.model.addGroup(spec(), { startInService: true });
    const [a, b] = w.model.group('workers')!.instances;
    const shrink = w.model.terminateInstance(a!.instanceId, true);
    const replace = w.model.terminateInstance(b!.instanceId, false);
    expect(shrink.ok && shrink.value.cause).toBe(`At 2026-03-02T09:00:00Z instance ${a?.instanceId} was taken out of service in response to a user request, shrinking the capacity from 3 to 2.`);
    expect(replace.ok && replace.value.cause).toBe(`At 2026-03-02T09:00:00Z instance ${b?.instanceId} was taken out of service in response to a user request.`);
    // The replacement's launch cites the request that caused it.
    expect(w.model.activities()[0]?.cause).toMatch(/in response to a user request\.  At 2026-03-02T09:00:00Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 1 to 2\.$/);
  });

  it('records what the service itself launches and terminates as its own mutations', () => {
    const w = world();
    w.model.addGroup(spec(), { startInService: true });
    w.model.setDesiredCapacity('workers', 4);
    w.model.setDesiredCapacity('workers', 3);
    const facts = w.recorder.facts('mutation');
    expect(facts.map((f) => [f.client, f.operation])).toEqual([
      [SERVICE_CLIENT, 'RunInstances'],
      [SERVICE_CLIENT, 'TerminateInstances'],
    ]);
    expect(facts[0]?.target).toMatch(/^i-[0-9a-f]{17}$/);
  });
});
