// The Auto Scaling decisions, as pure functions of the group's zones and its live
// (Pending or InService) instances: where to launch, whom to terminate, when to rebalance.

export type Placed = { readonly availabilityZone: string };

export type Candidate = Placed & {
  readonly instanceId: string;
  readonly launchTime: number;
  /** Launch order, to break ties between instances launched in the same millisecond. */
  readonly seq: number;
  readonly protectedFromScaleIn: boolean;
};

/** Live instances per zone; every zone of the group is present, empty ones with 0. */
export function zoneCounts(zones: readonly string[], live: readonly Placed[]): Map<string, number> {
  const counts = new Map<string, number>(zones.map((zone) => [zone, 0]));
  for (const instance of live) counts.set(instance.availabilityZone, (counts.get(instance.availabilityZone) ?? 0) + 1);
  return counts;
}

/** Zones for `n` new instances: each goes where the fewest live instances are (the first listed zone on a tie). */
export function launchZones(zones: readonly string[], live: readonly Placed[], n: number): string[] {
  const counts = zoneCounts(zones, live);
  const chosen: string[] = [];
  for (let k = 0; k < n; k++) {
    let best: string | undefined;
    for (const zone of zones) if (best === undefined || count(counts, zone) < count(counts, best)) best = zone;
    if (best === undefined) break;
    chosen.push(best);
    counts.set(best, count(counts, best) + 1);
  }
  return chosen;
}

/** The group's TerminationPolicies, and the time the choice is made at (for ClosestToNextInstanceHour). */
export type TerminationOrder = { readonly policies: readonly string[]; readonly now: number };

const HOUR_MS = 3_600_000;

/**
 * How one termination policy orders the candidates within the zone to shrink (0: it does not
 * decide). Every simulated instance comes from the group's one launch template and there is
 * no allocation strategy, so those policies never decide.
 */
function byPolicy(policy: string, now: number): (a: Candidate, b: Candidate) => number {
  const toNextHour = (c: Candidate) => HOUR_MS - ((now - c.launchTime) % HOUR_MS);
  if (policy === 'OldestInstance') return (a, b) => a.launchTime - b.launchTime;
  if (policy === 'NewestInstance') return (a, b) => b.launchTime - a.launchTime || b.seq - a.seq;
  if (policy === 'ClosestToNextInstanceHour') return (a, b) => toNextHour(a) - toNextHour(b);
  return () => 0;
}

/**
 * Up to `n` victims. AWS: (1) the zone with the most instances that has an instance not
 * protected from scale-in, then within it the group's termination policies in order; Default
 * is (2) the oldest launch template or configuration, (3) the instance closest to its next
 * billing hour, (4) random. Default and every tie end in "the oldest launch" here, so that
 * the choice is deterministic. A zone tie goes to the zone listed last, mirroring
 * launchZones. Protected instances are never chosen, so fewer than `n` come back when too
 * many are protected.
 */
export function pickVictims<C extends Candidate>(zones: readonly string[], live: readonly C[], n: number, order: TerminationOrder = { policies: ['Default'], now: 0 }): C[] {
  const comparators = order.policies.map((p) => byPolicy(p, order.now));
  const rank = (a: C, b: C): number => comparators.reduce((result, compare) => result || compare(a, b), 0) || oldestFirst(a, b);
  let pool = [...live];
  const victims: C[] = [];
  for (let k = 0; k < n; k++) {
    const counts = zoneCounts(zones, pool);
    const eligible = pool.filter((c) => !c.protectedFromScaleIn);
    let zone: string | undefined;
    for (const c of eligible) {
      const z = c.availabilityZone;
      if (zone === undefined || count(counts, z) > count(counts, zone) || (count(counts, z) === count(counts, zone) && zones.indexOf(z) > zones.indexOf(zone))) zone = z;
    }
    const victim = eligible.filter((c) => c.availabilityZone === zone).sort(rank)[0];
    if (!victim) break;
    victims.push(victim);
    pool = pool.filter((c) => c !== victim);
  }
  return victims;
}

/**
 * AZRebalance's trigger: the zone to launch in when zones differ by more than one instance,
 * provided the longest zone has an instance the later scale-in may take (otherwise the extra
 * instance could never be removed and the group would stay above desired).
 */
export function rebalanceZone(zones: readonly string[], live: readonly Candidate[]): string | undefined {
  const counts = zoneCounts(zones, live);
  const sizes = zones.map((zone) => count(counts, zone));
  const most = Math.max(...sizes);
  const least = Math.min(...sizes);
  if (zones.length < 2 || most - least <= 1) return undefined;
  const longZones = zones.filter((zone) => count(counts, zone) === most);
  const removable = live.some((c) => longZones.includes(c.availabilityZone) && !c.protectedFromScaleIn);
  return removable ? launchZones(zones, live, 1)[0] : undefined;
}

function oldestFirst(a: Candidate, b: Candidate): number {
  return a.launchTime - b.launchTime || a.seq - b.seq;
}

function count(counts: Map<string, number>, zone: string): number {
  return counts.get(zone) ?? 0;
}
