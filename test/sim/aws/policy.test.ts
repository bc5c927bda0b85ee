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
