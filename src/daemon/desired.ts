// What the daemon wants now, and why, field by field: the schedule's state at the
// instant (desiredAt), then whatever the overrides say (supplied by the override store),
// then the schedule's limits. Pure: the instant and the overrides are arguments.

import { desiredAt, type Schedule, type Source, type State } from '../schedule/index.js';

/** Why a field has its value: a window (or the default), or an override. */
export type FieldSource =
  | { readonly kind: 'default' }
  | { readonly kind: 'window'; readonly window: string; readonly until: number }
  | { readonly kind: 'override'; readonly id: string; readonly until: number; readonly reason: string; readonly by: string };

export type DesiredView = {
  readonly at: number;
  readonly state: State;
  readonly sources: { readonly capacity: Readonly<Record<string, FieldSource>>; readonly replicas: Readonly<Record<string, FieldSource>> };
  /** Instants at which what is in force changes for another reason than the schedule (an override ends). */
  readonly expiries: readonly number[];
  /** Values the limits changed, in words. */
  readonly notes: readonly string[];
};

/** The overrides' say on the schedule's state; the daemon's default has none. */
export type ApplyOverrides = (schedule: Schedule, scheduled: DesiredView, now: number) => DesiredView;

export function scheduledView(schedule: Schedule, now: number): DesiredView {
  const desired = desiredAt(schedule, now);
  const view = (sources: Readonly<Record<string, Source>>) =>
    Object.fromEntries(Object.entries(sources).map(([key, source]): [string, FieldSource] => [key, source.kind === 'window' ? { kind: 'window', window: source.window, until: source.end } : { kind: 'default' }]));
  return { at: now, state: desired.state, sources: { capacity: view(desired.sources.capacity), replicas: view(desired.sources.replicas) }, expiries: [], notes: [] };
}

export function formatSource(source: FieldSource | undefined): string {
  if (!source || source.kind === 'default') return 'default';
  if (source.kind === 'window') return `window ${source.window}`;
  return `override ${source.id} (${source.reason}, by ${source.by})`;
}
