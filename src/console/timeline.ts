// The console's schedule chart as data: what is wanted, field by field and why, at every
// instant it changes between `from` and `to` — the schedule's own timeline (the engine
// `scalerd plan` prints) with the overrides on top, as the daemon applies them
// (desiredView). Also what the chart marks: the zone's DST changes, the override periods,
// and the stretches a date list (holidays, closures) put a window in force. Pure: the
// schedule, the overrides and the range are arguments.

import { isoSeconds } from '../clock.js';
import { desiredView, type FieldSource } from '../daemon/desired.js';
import type { Override } from '../overrides/index.js';
import { formatLocal, timelineStream, type Desired, type Schedule } from '../schedule/index.js';
import type { SourceJson, TimelineJson, TimelinePointJson } from './wire.js';

/** Past this many points the chart could not show them apart anyway; the range is cut short there. */
export const MAX_POINTS = 5_000;

/** `draft`: an override not stored yet, shown as if it were ("what if I add this"). */
export function consoleTimeline(schedule: Schedule, from: number, to: number, overrides: readonly Override[], draft?: Override): TimelineJson {
  // A draft is what would be stored now: newer than every stored override, so it wins where
  // they overlap, as it would once stored (a tie in createdAt would fall to the ids' order).
  const newest = draft && { ...draft, createdAt: Math.max(draft.createdAt, ...overrides.map((o) => o.createdAt + 1)) };
  const all = newest ? [...overrides, newest] : overrides;
  const stream = timelineStream(schedule, from, to);
  const overrideEdges = all.flatMap((o) => [o.from, o.until]).filter((t) => t > from && t < to);
  const points: TimelinePointJson[] = [];
  const dateLists: { window: string; from: string; until: string }[] = [];
  let last = '';
  const add = (at: number, scheduled: Desired, started: readonly string[], ended: readonly string[]) => {
    const view = desiredView(schedule, at, all, scheduled);
    const key = JSON.stringify(view.state);
    const named = (pick: (o: Override) => number) => all.filter((o) => pick(o) === at).map((o) => `override ${o.id}`);
    const startedHere = [...started, ...named((o) => o.from)];
    const endedHere = [...ended, ...named((o) => o.until)];
    if (points.length > 0 && key === last && startedHere.length === 0 && endedHere.length === 0) return;
    last = key;
    points.push({ at: isoSeconds(at), local: formatLocal(schedule.zone, at), state: view.state, sources: { capacity: sourcesJson(view.sources.capacity), replicas: sourcesJson(view.sources.replicas) }, started: startedHere, ended: endedHere });
    for (const source of [...Object.values(scheduled.sources.capacity), ...Object.values(scheduled.sources.replicas)]) {
      if (source.kind !== 'window' || source.class !== 'date-list') continue;
      const span = { window: source.window, from: isoSeconds(source.start), until: isoSeconds(source.end) };
      if (!dateLists.some((d) => d.window === span.window && d.from === span.from)) dateLists.push(span);
    }
  };
  add(from, stream.initial, [], []);
  let scheduled = stream.initial;
  let edge = 0;
  const sortedEdges = [...new Set(overrideEdges)].sort((a, b) => a - b);
  const overrideEdgesBefore = (at: number) => {
    // Between two of its transitions the schedule's state is the last one's: it holds until the next.
    while (edge < sortedEdges.length && sortedEdges[edge]! < at && points.length < MAX_POINTS) add(sortedEdges[edge++]!, scheduled, [], []);
  };
  for (const transition of stream.transitions) {
    overrideEdgesBefore(transition.at);
    if (points.length >= MAX_POINTS) break;
    scheduled = transition.desired;
    if (sortedEdges[edge] === transition.at) edge++;
    add(transition.at, transition.desired, transition.started, transition.ended);
  }
  overrideEdgesBefore(to);
  return {
    timezone: schedule.zone.name,
    from: isoSeconds(from),
    to: isoSeconds(to),
    groups: schedule.nodeGroups.map((g) => ({ name: g.name, min: g.min, max: g.max })),
    workloads: schedule.workloads.map((w) => ({ key: w.key, min: w.min, max: w.max })),
    points,
    marks: {
      dst: schedule.zone.offsetChanges(from, to).map((c) => ({ at: isoSeconds(c.at), local: formatLocal(schedule.zone, c.at), offsetMinutes: c.offset })),
      overrides: all.filter((o) => o.until > from && o.from < to).map((o) => ({ id: o.id, from: isoSeconds(o.from), until: isoSeconds(o.until), reason: o.reason, by: o.by, draft: o === newest })),
      dateLists,
    },
  };
}

function sourcesJson(sources: Readonly<Record<string, FieldSource>>): Record<string, SourceJson> {
  return Object.fromEntries(Object.entries(sources).map(([key, s]): [string, SourceJson] => {
    switch (s.kind) {
      case 'default': return [key, { kind: 'default' }];
      case 'window': return [key, { kind: 'window', window: s.window, class: s.class, until: isoSeconds(s.until) }];
      case 'override': return [key, { kind: 'override', id: s.id, until: isoSeconds(s.until), reason: s.reason, by: s.by }];
    }
  }));
}
