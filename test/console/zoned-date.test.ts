// The charts' time axes in the schedule's zone: web/src/time.ts zonedDate gives uPlot the Date
// uPlot.tzDate would (its formula below, verbatim), from a cached formatter instead of a new
// one per call. Over two years and closely around each DST change, in zones with odd offsets.

import { describe, expect, it } from 'vitest';
import { zonedDate } from '../../web/src/time.js';

/** uPlot 1.6's tzDate for a zone other than UTC and the local one. */
function uplotTzDate(date: Date, tz: string): Date {
  const date2 = new Date(date.toLocaleString('en-US', { timeZone: tz }));
  date2.setMilliseconds(date.getMilliseconds());
  return date2;
}

const HOUR = 3_600_000;

/** Every 389 minutes over two years (drifting through every time of day), and every 5 minutes for two hours either side of each change of the zone's offset. */
function instants(zone: string): number[] {
  const from = Date.parse('2026-01-01T00:00:00.250Z');
  const to = from + 2 * 365 * 24 * HOUR;
  const offset = (ms: number) => zonedDate(zone, ms / 1000).getTime() - ms;
  const out: number[] = [];
  for (let ms = from; ms < to; ms += 389 * 60_000) out.push(ms);
  for (let ms = from; ms < to; ms += HOUR) {
    if (offset(ms) === offset(ms + HOUR)) continue;
    for (let near = ms - 2 * HOUR; near <= ms + 3 * HOUR; near += 5 * 60_000) out.push(near);
  }
  return out;
}

describe('zonedDate', () => {
  it.each(['Europe/Amsterdam', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'UTC'])('is uPlot.tzDate in %s', (zone) => {
    const differ: string[] = [];
    for (const ms of instants(zone)) {
      const ours = zonedDate(zone, ms / 1000).getTime();
      const theirs = uplotTzDate(new Date(ms), zone).getTime();
      if (ours !== theirs) differ.push(`${new Date(ms).toISOString()}: ${new Date(ours).toISOString()} vs ${new Date(theirs).toISOString()}`);
    }
    expect(differ.slice(0, 5)).toEqual([]);
  });
});
