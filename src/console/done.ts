// What was done, for the schedule chart's past days: per node group the Auto Scaling
// group's desired capacity and per workload its replicas, as the history recorded them
// before and after each scale operation — beside what the schedule wanted then, so a
// night that did not reach its size shows. Pure: the history entries and the range are
// arguments.
//
// Each operation gives a step at its start (its `from`) and one at its end (its `to`, or
// what it got to): a failed or stopped scale-down got as far as the nodes it removed; a
// scale-up that did not finish leaves its end unknown, so no end step. Before the oldest
// entry the history knows nothing (it keeps a bounded number), so the steps begin there.

import { isoSeconds } from '../clock.js';
import type { HistoryEntry } from '../daemon/history.js';
import type { DoneJson, DoneStepJson } from './wire.js';

export function doneSteps(entries: readonly HistoryEntry[], from: number, to: number): DoneJson {
  const capacity: Record<string, { at: number; step: DoneStepJson }[]> = {};
  const replicas: Record<string, { at: number; step: DoneStepJson }[]> = {};
  const add = (series: typeof capacity, key: string, at: number, value: number, entry: HistoryEntry) => {
    if (!Number.isSafeInteger(value)) return;
    (series[key] ??= []).push({ at, step: { at: isoSeconds(at), value, entry: entry.id, outcome: entry.outcome } });
  };
  // list() gives the newest first; an entry edited by hand may carry anything, so each step is checked.
  const timed = entries.map((e) => ({ e, start: Date.parse(e.start), end: Date.parse(e.end) })).filter((t) => Number.isFinite(t.start) && Number.isFinite(t.end));
  for (const { e, start, end } of timed.sort((a, b) => a.start - b.start)) {
    const finished = e.outcome === 'done' || e.outcome === 'complete';
    for (const [group, change] of Object.entries(e.groups ?? {})) {
      if (typeof change !== 'object' || change === null) continue;
      add(capacity, group, start, change.from, e);
      if (finished) add(capacity, group, end, change.to, e);
      else if (change.to < change.from) {
        const removed = (e.nodes ?? []).filter((n) => n.group === group && n.result === 'removed').length;
        add(capacity, group, end, Math.max(change.to, change.from - removed), e);
      }
    }
    // A workload is in an entry only when its change was made.
    for (const [key, change] of Object.entries(e.workloads ?? {})) {
      if (typeof change !== 'object' || change === null) continue;
      add(replicas, key, start, change.from, e);
      add(replicas, key, end, change.to, e);
    }
  }
  return { capacity: within(capacity, from, to), replicas: within(replicas, from, to) };
}

/** The steps in [from, to], led by the one in force at `from` (moved to `from`), if the history knows it. */
function within(series: Record<string, { at: number; step: DoneStepJson }[]>, from: number, to: number): Record<string, DoneStepJson[]> {
  const out: Record<string, DoneStepJson[]> = {};
  for (const [key, steps] of Object.entries(series)) {
    const before = steps.filter((s) => s.at < from).at(-1);
    const inside = steps.filter((s) => s.at >= from && s.at <= to).map((s) => s.step);
    const shown = before ? [{ ...before.step, at: isoSeconds(from) }, ...inside] : inside;
    if (shown.length > 0) out[key] = shown;
  }
  return out;
}
