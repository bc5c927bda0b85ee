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

/**
 * Up to `n` victims by the Default termination policy, simplified. AWS: (1) the zone with the
 * most instances that has an instance not protected from scale-in, (2) the oldest launch
 * template or configuration, (3) the instance closest to its next billing hour, (4) random.
 * Every simulated instance comes from the group's one launch template, so (2) never decides,
 * and (3)–(4) become "the oldest launch" so that the choice is deterministic. A zone tie goes
 * to the zone listed last, mirroring launchZones. Protected instances are never chosen, so
 * fewer than `n` come back when too many are protected.
 */
export function pickVictims<C extends Candidate>(zones: readonly string[], live: readonly C[], n: number): C[] {
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
    const victim = eligible.filter((c) => c.availabilityZone === zone).sort(oldestFirst)[0];
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
