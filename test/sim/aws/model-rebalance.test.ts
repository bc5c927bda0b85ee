import { describe, expect, it } from 'vitest';
import { liveByZone, spec, TIMINGS, world } from './helpers.js';

/** Six instances over three zones, then both in eu-west-1a terminated with the decrement: zones 0/2/2. */
function unbalanced(suspended: string[]) {
  const w = world();
  w.model.addGroup(spec({ desiredCapacity: 6, suspendedProcesses: suspended }), { startInService: true });
  for (const i of w.model.group('workers')!.instances.filter((x) => x.availabilityZone === 'eu-west-1a')) w.model.terminateInstance(i.instanceId, true);
  return w;
}

describe('AwsModel AZRebalance', () => {
  it('launches in the short zone, then terminates in a long one without any drain', () => {
    const w = unbalanced([]);
    // Not while instances are still terminating.
    expect(liveByZone(w)).toEqual({ 'eu-west-1b': 2, 'eu-west-1c': 2 });
    w.clock.advance(TIMINGS.terminateDelayMs);
    // Launch first: the group is one above desired for a while.
    expect(liveByZone(w)).toEqual({ 'eu-west-1a': 1, 'eu-west-1b': 2, 'eu-west-1c': 2 });
    // Nothing is terminated until the new instance is InService: only the two user requests so far.
    expect(w.observer.stopping.map((s) => s.reason)).toEqual(['user-request', 'user-request']);
    // Another look at the group meanwhile (any API call does one) must not cut that short.
    w.model.setDesiredCapacity('workers', 4);
    expect(w.observer.stopping).toHaveLength(2);

    w.clock.advance(TIMINGS.launchDelayMs);
    const rebalanced = w.observer.stopping.filter((s) => s.reason === 'az-rebalance');
    expect(rebalanced.map((s) => s.instance.availabilityZone)).toEqual(['eu-west-1c']);
    expect(liveByZone(w)).toEqual({ 'eu-west-1a': 1, 'eu-west-1b': 2, 'eu-west-1c': 1 });
    expect(w.model.group('workers')?.desiredCapacity).toBe(4);

    // Zones now differ by one: nothing more happens.
    w.clock.advance(10 * TIMINGS.launchDelayMs);
    expect(w.observer.stopping).toHaveLength(3);
  });

  it('leaves unbalanced zones alone while AZRebalance is suspended', () => {
    const w = unbalanced(['AZRebalance']);
    w.clock.advance(TIMINGS.terminateDelayMs + 10 * TIMINGS.launchDelayMs);
    expect(liveByZone(w)).toEqual({ 'eu-west-1b': 2, 'eu-west-1c': 2 });
    expect(w.observer.stopping.map((s) => s.reason)).toEqual(['user-request', 'user-request']);
    // Another look at the group meanwhile (any API call does one) must not cut that short.
    w.model.setDesiredCapacity('workers', 4);
    expect(w.observer.stopping).toHaveLength(2);
  });

  it('rebalances when AZRebalance is resumed', () => {
    const w = unbalanced(['AZRebalance']);
    w.clock.advance(TIMINGS.terminateDelayMs);
    w.model.resumeProcesses('workers', ['AZRebalance']);
    expect(liveByZone(w)['eu-west-1a']).toBe(1);
  });
});
