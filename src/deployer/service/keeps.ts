// Which versions of an app its records keep, and so which of those running are orphans:
// a pure function of the app's records and what its hostnames point at. The reconciler
// (reconcile.ts) removes an orphan only after the drain delay (orphanSince).
//
// Kept: every version a hostname of the app points at (never taken from under traffic);
// the version and the version replaced of a deployment still RUNNING (it may go either
// way); and the version of the newest deployment that succeeded, unless an undeploy came
// after it. Everything else is an orphan: a version a deployment left behind when it
// stopped without finishing, say, or whose clean-up was cut short.

import type { DeploymentRecord } from '../state/records.js';

export type AppView = {
  /** The app's records, any order. */
  readonly records: readonly DeploymentRecord[];
  /** The versions the app's hostnames point at now. */
  readonly serving: readonly number[];
  /** The versions present: a Deployment or Service in the cluster, or a backend in the load balancer. */
  readonly present: readonly number[];
};

export function keptVersions(view: Pick<AppView, 'records' | 'serving'>): Set<number> {
  const kept = new Set(view.serving);
  for (const r of view.records) {
    if (r.status !== 'RUNNING') continue;
    kept.add(r.version);
    if (r.previousVersion !== undefined) kept.add(r.previousVersion);
  }
  const newestFirst = [...view.records].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  for (const r of newestFirst) {
    if (r.status !== 'SUCCESS' || r.kind === 'reconcile') continue;
    if (r.kind === 'undeploy' || r.reason === 'undeploy') break;
    kept.add(r.version);
    break;
  }
  return kept;
}

/** Present versions no record keeps, oldest first. */
export function orphanVersions(view: AppView): number[] {
  const kept = keptVersions(view);
  return [...new Set(view.present)].filter((v) => !kept.has(v)).sort((a, b) => a - b);
}

/**
 * When each orphan was first seen as one (from `since`, the previous pass's), and which may
 * go now: those seen for at least `drainDelayMs`, so a version traffic just left is not
 * removed under requests still in flight.
 */
export function orphanSince(since: ReadonlyMap<number, number>, orphans: readonly number[], now: number, drainDelayMs: number): { since: Map<number, number>; remove: number[] } {
  const next = new Map(orphans.map((v) => [v, since.get(v) ?? now]));
  return { since: next, remove: orphans.filter((v) => now - next.get(v)! >= drainDelayMs) };
}
