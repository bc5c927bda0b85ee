// The bake's watch: after the switch the new version serves while the old one keeps running;
// lb-sync reports haproxy's counters for the new backend (lb/traffic.ts) at every health
// poll, and this loop reads them every pollMs and asks the verdict (bake-verdict.ts). A
// breach ends the watch at once; so does a clean bake once its time is up.
//
// etcd not answering is not a breach and not a reason to stop: the counters are cumulative,
// so what happened meanwhile is in the next report; the time etcd was silent only moves the
// deadline for lb-sync's reports.

import type { Bake } from '../descriptor/index.js';
import type { BakeFigures, BakeRecord, TrafficCounters } from '../state/records.js';
import { advance, bakeVerdict, countsOf, startTally } from './bake-verdict.js';
import { DeployFailure, isEtcdUnavailable } from './errors.js';
import type { LoadBalancer, TrafficReport } from './ports.js';

export type BakeDeps = {
  readonly lb: LoadBalancer;
  readonly now: () => number;
  readonly wait: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly pollMs: number;
  /** How long past the bake's end lb-sync may stay silent before the bake fails. */
  readonly reportGraceMs: number;
};

export type BakeOutcome = { readonly verdict: 'clean' | 'breach'; readonly figures: BakeFigures; readonly breached: readonly string[] };

const counters = (r: TrafficReport): TrafficCounters => ({
  worker: r.worker, responses: r.responses, http5xx: r.http5xx, connectionErrors: r.connectionErrors, responseErrors: r.responseErrors, serverDowns: r.serverDowns,
});

/** The counters before the switch; none reported yet: zeros of no worker (the first report then counts from 0). */
export async function bakeBaseline(lb: LoadBalancer, backend: string): Promise<TrafficCounters> {
  const report = await lb.traffic(backend);
  return report ? counters(report) : { worker: -1, responses: 0, http5xx: 0, connectionErrors: 0, responseErrors: 0, serverDowns: 0 };
}

export async function watchBake(deps: BakeDeps, backend: string, thresholds: Bake, bake: Pick<BakeRecord, 'startedAt' | 'baseline'>, signal: AbortSignal): Promise<BakeOutcome> {
  let tally = startTally(bake.baseline ?? { worker: -1, responses: 0, http5xx: 0, connectionErrors: 0, responseErrors: 0, serverDowns: 0 });
  let down: readonly string[] = [];
  let lastRevision = 0;
  /** The last report's revision when the time was up: a later one proves lb-sync still watched. */
  let revisionAtEnd: number | undefined;
  let silentMs = 0;
  const endsAt = bake.startedAt + thresholds.durationMs;
  // A watch that begins late (a resume, a step retried after etcd's return) gives lb-sync its grace from now.
  const reportBy = Math.max(endsAt, deps.now()) + deps.reportGraceMs;
  for (;;) {
    const asked = deps.now();
    try {
      const report = await deps.lb.traffic(backend);
      if (report && report.revision > lastRevision) {
        tally = advance(tally, counters(report));
        down = report.down;
        lastRevision = report.revision;
      }
    } catch (error) {
      if (!isEtcdUnavailable(error)) throw error;
      silentMs += deps.now() - asked + deps.pollMs;
    }
    const now = deps.now();
    if (now >= endsAt && revisionAtEnd === undefined) revisionAtEnd = lastRevision;
    const figures: BakeFigures = { ...countsOf(tally), down, elapsedMs: now - bake.startedAt };
    const verdict = bakeVerdict({ counts: figures, down, thresholds, elapsedMs: figures.elapsedMs, reportedSinceEnd: revisionAtEnd !== undefined && lastRevision > revisionAtEnd });
    if (verdict.kind === 'breach') return { verdict: 'breach', figures, breached: verdict.breached };
    if (verdict.kind === 'clean') return { verdict: 'clean', figures, breached: [] };
    if (now > reportBy + silentMs) {
      throw new DeployFailure(`lb-sync reported no traffic of ${backend} for ${deps.reportGraceMs} ms after the bake's end, so the bake cannot be judged (is lb-sync running, and as new as the deployer?)`);
    }
    await deps.wait(deps.pollMs, signal);
  }
}

/** One line for the log and the record's reason. */
export function describeFigures(f: BakeFigures): string {
  return `${f.responses} responses, ${f.http5xx} 5xx, ${f.connectionErrors} failed connections, ${f.responseErrors} broken responses, servers DOWN ${f.serverDowns} times in ${(f.elapsedMs / 1000).toFixed(1)} s`;
}
