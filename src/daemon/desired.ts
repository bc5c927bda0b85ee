// What the daemon wants now, and why, field by field: the schedule's state at the
// instant (desiredAt), with the overrides in force on top, within the schedule's limits
// (src/overrides). Pure: the instant and the overrides are arguments.

import { applyOverrides, nextOverrideChange, type AppliedSource, type Override } from '../overrides/index.js';
import { desiredAt, type Desired, type Schedule, type State, type WindowClass } from '../schedule/index.js';

/** Why a field has its value: a window (or the default), or an override. */
export type FieldSource =
  | { readonly kind: 'default' }
  /** `class`: what put the window in force, as README's precedence names it (a date list alone: `date-list`). */
  | { readonly kind: 'window'; readonly window: string; readonly class: WindowClass; readonly until: number }
  | { readonly kind: 'override'; readonly id: string; readonly until: number; readonly reason: string; readonly by: string };

export type DesiredView = {
  readonly at: number;
  readonly state: State;
  readonly sources: { readonly capacity: Readonly<Record<string, FieldSource>>; readonly replicas: Readonly<Record<string, FieldSource>> };
  /** When what is in force changes for another reason than a window: an override starts or ends. */
  readonly expiries: readonly number[];
  /** Override values the limits changed, or that name what the schedule does not have, in words. */
  readonly notes: readonly string[];
};

/** `scheduled`: the schedule's own state at `now` (desiredAt), when the caller has it already. */
export function desiredView(schedule: Schedule, now: number, overrides: readonly Override[] = [], scheduled: Desired = desiredAt(schedule, now)): DesiredView {
  const applied = applyOverrides(schedule, scheduled, overrides, now);
  const view = (sources: Readonly<Record<string, AppliedSource>>) => Object.fromEntries(Object.entries(sources).map(([key, s]): [string, FieldSource] => [key, fieldSource(s)]));
  const next = nextOverrideChange(overrides, now);
  return {
    at: now,
    state: applied.state,
    sources: { capacity: view(applied.sources.capacity), replicas: view(applied.sources.replicas) },
    expiries: next === undefined ? [] : [next],
    notes: [...applied.clamped, ...applied.ignored].map((n) => n.message),
  };
}

function fieldSource(s: AppliedSource): FieldSource {
  switch (s.kind) {
    case 'default': return { kind: 'default' };
    case 'window': return { kind: 'window', window: s.window, class: s.class, until: s.end };
    case 'override': return { kind: 'override', id: s.id, until: s.until, reason: s.reason, by: s.by };
  }
}

export function formatSource(source: FieldSource | undefined): string {
  if (!source || source.kind === 'default') return 'default';
  if (source.kind === 'window') return `window ${source.window}${source.class === 'date-list' ? ' (date list)' : ''}`;
  return `override ${source.id} (${source.reason}, by ${source.by})`;
}
