// Overrides on top of the schedule's desired state. Pure: `now` is an argument.
//
// Per field, on its own: among the overrides in force at `now` that set it, the newest
// (latest createdAt; then the later `from`, then the greater id, so the answer never
// depends on the order they were read in) wins over the schedule. Expired and pending
// overrides are ignored. The schedule's limits bind overrides as they bind windows: a
// value outside them is clamped, and the clamping reported, since it means the schedule's
// limits changed after the override was set (the CLI refuses such values) or the entry
// was edited by hand.

import { copyDict } from '../records.js';
import { clamp, clampState } from '../schedule/limits.js';
import type { Desired, Schedule, Source, State } from '../schedule/types.js';
import { type Override, phaseAt } from './types.js';

/** A value that comes from an override. */
export type OverrideSource = {
  readonly kind: 'override';
  readonly id: string;
  readonly until: number;
  readonly by: string;
  readonly reason: string;
};

/** Where a value of the result came from: the schedule's default, a window, or an override. */
export type AppliedSource = Source | OverrideSource;

export type Section = 'capacity' | 'replicas';

/** An override's value brought within the schedule's limits. */
export type Clamping = {
  readonly code: 'SCALERD_WARN_OVERRIDE_CLAMPED';
  readonly id: string;
  readonly section: Section;
  readonly key: string;
  readonly asked: number;
  readonly applied: number;
  readonly min: number;
  readonly max: number;
  readonly message: string;
};

/** An override's value for a node group or workload the schedule does not declare (any more). */
export type Ignored = {
  readonly code: 'SCALERD_WARN_OVERRIDE_IGNORED';
  readonly id: string;
  readonly section: Section;
  readonly key: string;
  readonly message: string;
};

export type Applied = {
  readonly state: State;
  readonly sources: {
    readonly capacity: Readonly<Record<string, AppliedSource>>;
    readonly replicas: Readonly<Record<string, AppliedSource>>;
  };
  readonly clamped: readonly Clamping[];
  readonly ignored: readonly Ignored[];
  /** The overrides in force at `now`, newest first (whether or not any of their values won). */
  readonly active: readonly Override[];
};

/** Newest first: latest createdAt, then the later from, then the greater id. */
export function newestFirst(a: Override, b: Override): number {
  return b.createdAt - a.createdAt || b.from - a.from || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The overrides in force at `now` (from ≤ now < until), newest first. */
export function activeOverrides(overrides: readonly Override[], now: number): Override[] {
  return overrides.filter((o) => phaseAt(o, now) === 'active').sort(newestFirst);
}

/** The overrides that have ended by `now`: the store drops them at its next write. */
export function expired(overrides: readonly Override[], now: number): Override[] {
  return overrides.filter((o) => phaseAt(o, now) === 'expired');
}

/**
 * The first instant after `now` at which an override starts or ends, for the daemon's
 * triggers (an override expires on time, not at the next schedule boundary); undefined
 * when none will.
 */
export function nextOverrideChange(overrides: readonly Override[], now: number): number | undefined {
  const later = overrides.flatMap((o) => [o.from, o.until]).filter((t) => t > now);
  return later.length > 0 ? Math.min(...later) : undefined;
}

/** The schedule's desired state at `now` with the overrides in force applied, clamped to the limits. */
export function applyOverrides(schedule: Schedule, desired: Desired, overrides: readonly Override[], now: number): Applied {
  const active = activeOverrides(overrides, now);
  const state = { capacity: copyDict(desired.state.capacity), replicas: copyDict(desired.state.replicas) };
  const sources: Record<Section, Record<string, AppliedSource>> = {
    capacity: copyDict<AppliedSource>(desired.sources.capacity),
    replicas: copyDict<AppliedSource>(desired.sources.replicas),
  };
  const limits: Record<Section, ReadonlyMap<string, { min: number; max: number }>> = {
    capacity: new Map(schedule.nodeGroups.map((g) => [g.name, g])),
    replicas: new Map(schedule.workloads.map((w) => [w.key, w])),
  };
  const clamped: Clamping[] = [];
  const ignored: Ignored[] = [];
  const decided = { capacity: new Set<string>(), replicas: new Set<string>() };
  for (const override of active) {
    for (const section of ['capacity', 'replicas'] as const) {
      for (const [key, asked] of Object.entries(override[section] ?? {})) {
        const limit = limits[section].get(key);
        if (!limit) {
          const what = section === 'capacity' ? 'node group' : 'workload';
          ignored.push({
            code: 'SCALERD_WARN_OVERRIDE_IGNORED', id: override.id, section, key,
            message: `override ${override.id}: the schedule declares no ${what} "${key}"; its ${section} for it is ignored (clear the override, or declare the ${what} again)`,
          });
          continue;
        }
        // A newer override already decided this field: this one is shadowed, not clamped.
        if (decided[section].has(key)) continue;
        decided[section].add(key);
        const applied = clamp(asked, limit.min, limit.max);
        if (applied !== asked) {
          clamped.push({
            code: 'SCALERD_WARN_OVERRIDE_CLAMPED', id: override.id, section, key, asked, applied, min: limit.min, max: limit.max,
            message: `override ${override.id}: ${section} ${asked} for "${key}" is ${asked < limit.min ? 'below its min' : 'above its max'} ${asked < limit.min ? limit.min : limit.max} in the schedule; ${applied} is applied`,
          });
        }
        state[section][key] = applied;
        sources[section][key] = { kind: 'override', id: override.id, until: override.until, by: override.by, reason: override.reason };
      }
    }
  }
  return { state: clampState(schedule, state), sources, clamped, ignored, active };
}
