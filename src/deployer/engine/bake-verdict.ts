// The bake's verdict: a pure function of haproxy's counters for the new backend (as lb-sync
// reports them, cumulative per haproxy worker), the descriptor's thresholds and time.
//
// Judged: the share of 5xx responses (a broken answer the client saw is a 502 there), failed
// connections to the servers (econ: a healthy server on a healthy network refuses none, and a
// crashed one refuses them at once, before haproxy's checks notice), and servers going DOWN.
// Broken responses (eresp) are reported, not judged: haproxy also counts one when a server
// closes an idle kept-alive connection just as a request is sent on it, and retries it.
//
// Counters are counted from the bake's baseline. A reload starts a new haproxy worker whose
// counters begin at 0 again: what the old worker had counted since the baseline is carried
// over, so a reload during the bake neither hides errors nor invents them.

import type { Bake } from '../descriptor/index.js';
import type { TrafficCounters } from '../state/records.js';

export type Counts = Omit<TrafficCounters, 'worker'>;


/** Where the counting stands: the worker's counters at its start (`base`), the last report, and what earlier workers counted. */
export type Tally = { readonly base: TrafficCounters; readonly last: TrafficCounters; readonly carried: Counts };

const KEYS = ['responses', 'http5xx', 'connectionErrors', 'responseErrors', 'serverDowns'] as const;

/** From the counters at the bake's start. */
export const startTally = (baseline: TrafficCounters): Tally => ({ base: baseline, last: baseline, carried: NO_COUNTS });

const each = (f: (key: (typeof KEYS)[number]) => number): Counts => Object.fromEntries(KEYS.map((k) => [k, f(k)])) as Record<(typeof KEYS)[number], number>;

/** What one worker counted between two of its reports. */
const between = (from: TrafficCounters, to: TrafficCounters): Counts => each((k) => to[k] - from[k]);

const add = (a: Counts, b: Counts): Counts => each((k) => a[k] + b[k]);

export const NO_COUNTS: Counts = each(() => 0);

/** The tally after a new report; another worker (or counters that went back) starts a new segment from 0. */
export function advance(tally: Tally, report: TrafficCounters): Tally {
  const restarted = report.worker !== tally.last.worker || KEYS.some((k) => report[k] < tally.last[k]);
  if (!restarted) return { ...tally, last: report };
  const zero: TrafficCounters = { worker: report.worker, ...NO_COUNTS };
  return { base: zero, last: report, carried: add(tally.carried, between(tally.base, tally.last)) };
}

export const countsOf = (tally: Tally): Counts => add(tally.carried, between(tally.base, tally.last));

export type BakeVerdict =
  | { readonly kind: 'watching' }
  | { readonly kind: 'clean' }
  | { readonly kind: 'breach'; readonly breached: readonly string[] };

export type BakeInput = {
  readonly counts: Counts;
  /** The new version's servers DOWN in the last report. */
  readonly down: readonly string[];
  readonly thresholds: Bake;
  readonly elapsedMs: number;
  /** lb-sync has reported since the bake's time was up (its report proves it still watches). */
  readonly reportedSinceEnd: boolean;
};

const percent = (part: number, whole: number) => (whole === 0 ? (part > 0 ? 100 : 0) : (100 * part) / whole);
const round = (value: number) => Math.round(value * 10) / 10;

/**
 * Breach as soon as any limit is exceeded (whatever time remains); clean once the bake's
 * time is up and lb-sync reported after that with every count within its limit.
 */
export function bakeVerdict(input: BakeInput): BakeVerdict {
  const { counts, thresholds: t } = input;
  const breached: string[] = [];
  const share = percent(counts.http5xx, counts.responses);
  if (counts.http5xx > 0 && share > t.max5xxPercent) breached.push(`${counts.http5xx} of ${counts.responses} responses were 5xx (${round(share)}%, limit ${t.max5xxPercent}%)`);
  if (counts.connectionErrors > t.maxConnectionErrors) breached.push(`${counts.connectionErrors} failed connections to its servers (limit ${t.maxConnectionErrors})`);
  const downs = Math.max(counts.serverDowns, input.down.length);
  if (downs > t.maxServersDown) breached.push(`servers went DOWN ${downs === 1 ? 'once' : `${downs} times`}${input.down.length > 0 ? ` (DOWN now: ${input.down.join(', ')})` : ''} (limit ${t.maxServersDown})`);
  if (breached.length > 0) return { kind: 'breach', breached };
  return input.elapsedMs >= t.durationMs && input.reportedSinceEnd ? { kind: 'clean' } : { kind: 'watching' };
}
