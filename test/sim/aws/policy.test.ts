import { describe, expect, it } from 'vitest';
import { launchZones, pickVictims, rebalanceZone, zoneCounts, type Candidate } from '../../../src/sim/aws/policy.js';

const ZONES = ['a', 'b', 'c'];
let seq = 0;
const at = (zone: string, launchTime: number, protectedFromScaleIn = false): Candidate => ({ instanceId: `i-${seq++}`, availabilityZone: zone, launchTime, seq, protectedFromScaleIn });

describe('zoneCounts', () => {
  it('lists every zone of the group, empty ones with 0', () => {
    expect(Object.fromEntries(zoneCounts(ZONES, [at('b', 0), at('b', 1)]))).toEqual({ a: 0, b: 2, c: 0 });
  });
});

describe('launchZones', () => {
  it('spreads new instances evenly, filling the emptiest zones first', () => {
    expect(launchZones(ZONES, [at('a', 0), at('a', 1), at('b', 2)], 4)).toEqual(['c', 'b', 'c', 'a']);
  });

  it('breaks ties by the order the group lists its zones', () => {
    expect(launchZones(ZONES, [], 5)).toEqual(['a', 'b', 'c', 'a', 'b']);
  });
});

describe('pickVictims with the group\'s termination policies', () => {
  const HOUR = 3_600_000;
  // One zone, so only the policies decide.
  const live = () => [at('a', 0), at('a', 30 * 60_000), at('a', 50 * 60_000)];

  it('OldestInstance and NewestInstance take the oldest and the newest', () => {
    const l = live();
    expect(pickVictims(['a'], l, 1, { policies: ['OldestInstance'], now: HOUR })).toEqual([l[0]]);
    expect(pickVictims(['a'], l, 1, { policies: ['NewestInstance'], now: HOUR })).toEqual([l[2]]);
  });

  it('ClosestToNextInstanceHour takes the one whose billing hour ends soonest', () => {
    const l = live();
    // At 1:20 the three have run 80, 50 and 30 minutes: 40, 10 and 30 minutes to their next hour.
    expect(pickVictims(['a'], l, 1, { policies: ['ClosestToNextInstanceHour'], now: HOUR + 20 * 60_000 })).toEqual([l[1]]);
  });

  it('applies them in order, ending in Default (the oldest) on a tie; one template, so launch-template policies never decide', () => {
    const twins = [at('a', 5), at('a', 5), at('a', 9)];
    expect(pickVictims(['a'], twins, 1, { policies: ['OldestLaunchTemplate', 'Default'], now: 10 })).toEqual([twins[0]]);
    expect(pickVictims(['a'], twins, 2, { policies: ['ClosestToNextInstanceHour', 'NewestInstance'], now: HOUR })).toEqual([twins[1], twins[0]]);
  });

  it('still chooses the zone first', () => {
    const l = [at('a', 0), at('b', 1), at('b', 2)];
    expect(pickVictims(['a', 'b'], l, 1, { policies: ['OldestInstance'], now: 10 })).toEqual([l[1]]);
  });
});

describe('pickVictims (Default termination policy, simplified)', () => {
  it('takes from the zone with the most instances, the oldest there first', () => {
    const old = at('b', 10);
    const live = [at('a', 0), at('b', 20), old, at('c', 5)];
    expect(pickVictims(ZONES, live, 1)).toEqual([old]);
  });

  it('re-counts zones after each pick, so several victims come from several zones', () => {
    const live = [at('a', 0), at('a', 1), at('b', 2), at('b', 3), at('c', 4)];
    expect(pickVictims(ZONES, live, 2).map((c) => c.availabilityZone)).toEqual(['b', 'a']);
  });

  it('never picks an instance protected from scale-in, and picks fewer when it must', () => {
    const free = at('c', 9);
    const live = [at('a', 0, true), at('a', 1, true), at('b', 2, true), free];
    expect(pickVictims(ZONES, live, 3)).toEqual([free]);
  });

  it('skips a zone whose instances are all protected, even when it is the largest', () => {
    const live = [at('a', 0, true), at('a', 1, true), at('a', 2, true), at('b', 3), at('c', 4), at('c', 5)];
    expect(pickVictims(ZONES, live, 1).map((c) => c.availabilityZone)).toEqual(['c']);
  });
});

describe('rebalanceZone', () => {
  it('stays quiet while zones differ by at most one instance', () => {
    expect(rebalanceZone(ZONES, [at('a', 0), at('a', 1), at('b', 2), at('c', 3)])).toBeUndefined();
  });

  it('names the short zone once zones differ by more than one', () => {
    expect(rebalanceZone(ZONES, [at('a', 0), at('a', 1), at('b', 2), at('b', 3)])).toBe('c');
  });

  it('does not rebalance when the long zone has nothing it may terminate', () => {
    expect(rebalanceZone(ZONES, [at('a', 0, true), at('a', 1, true), at('b', 2, true), at('b', 3, true)])).toBeUndefined();
  });
});
