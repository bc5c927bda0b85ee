// The parsers of every numeric and duration flag: one grammar for durations (10m, 1h30m,
// 2d, 90s), each flag with its own documented range. Commander names the flag in front of
// the message ("option '--for <duration>' argument '99999999d' is invalid. …") and the CLI
// exits 2; a value past what the code can represent (a date beyond year 275760) is never
// reached.

import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../schedule/calendar.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Each duration flag's range, in ms; README's command list gives the same. */
export const DURATION_RANGES = {
  /** override set --for: at most a year; longer is a change of the schedule. */
  overrideFor: { min: MINUTE, max: 366 * DAY },
  /** scale and drain --timeout: a drain deadline per node. */
  drainTimeout: { min: SECOND, max: 7 * DAY },
  /** run --resync. */
  resync: { min: SECOND, max: DAY },
} as const;

/** "1h30m" for a range's message. */
export function describeDuration(ms: number): string {
  const parts: [number, string][] = [[Math.floor(ms / DAY), 'd'], [Math.floor((ms % DAY) / HOUR), 'h'], [Math.floor((ms % HOUR) / MINUTE), 'm'], [Math.floor((ms % MINUTE) / SECOND), 's']];
  return parts.filter(([n]) => n > 0).map(([n, unit]) => `${n}${unit}`).join('') || '0s';
}

/** A duration flag's parser: the value in ms, within [min, max]. */
export function durationArg(range: { readonly min: number; readonly max: number }): (value: string) => number {
  return (value) => {
    const ms = parseDuration(value);
    const within = `from ${describeDuration(range.min)} to ${describeDuration(range.max)}`;
    if (ms === undefined) throw new InvalidArgumentError(`expected a duration ${within}, such as 30s, 10m, 1h30m or 2d`);
    if (ms < range.min || ms > range.max) throw new InvalidArgumentError(`${describeDuration(ms)} is outside the range ${within}`);
    return ms;
  };
}

/** A whole-number flag's parser, within [min, max]. */
export function wholeNumberArg(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

/** A number flag's parser (decimals allowed), above 0 and at most max. */
export function positiveNumberArg(max: number): (value: string) => number {
  return (value) => {
    const n = /^\d{1,15}(\.\d{1,15})?$/.test(value) ? Number(value) : Number.NaN;
    if (!(n > 0 && n <= max)) throw new InvalidArgumentError(`expected a number above 0 and at most ${max}`);
    return n;
  };
}

/** Kubernetes client rate (--qps) and burst (--burst): far above what an API server takes. */
export const MAX_QPS = 10_000;
export const MAX_BURST = 100_000;
/** Entries kept or shown (--history-limit, --history, -n): the history ConfigMap holds 1 MiB. */
export const MAX_HISTORY = 1_000;
/** The simulator's clock (--speed): simulated seconds per real second. */
export const MAX_SPEED = 10_000;
