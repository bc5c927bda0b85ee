// The charts' time axes in the schedule's zone: web/src/time.ts zonedDate gives uPlot the Date
// uPlot.tzDate would (its formula below, verbatim), from a cached formatter instead of a new
// one per call. Every 97 minutes over two years, across DST changes, in zones with odd offsets.

import { describe, expect, it } from 'vitest';
import { zonedDate } from '../../web/src/time.js';

/** uPlot 1.6's tzDate for a zone other than UTC and the local one. */
function uplotTzDate(date: Date, tz: string): Date {
  const date2 = new Date(date.toLocaleString('en-US', { timeZone: tz }));
  date2.setMilliseconds(date.getMilliseconds());
  return date2;
}

describe('zonedDate', () => {
  it.each(['Europe/Amsterdam', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'UTC'])('is uPlot.tzDate in %s', (zone) => {
    const from = Date.parse('2026-01-01T00:00:00.250Z');
    const differ: string[] = [];
    for (let ms = from; ms < from + 2 * 365 * 86_400_000; ms += 97 * 60_000) {
      const ours = zonedDate(zone, ms / 1000).getTime();
      const theirs = uplotTzDate(new Date(ms), zone).getTime();
      if (ours !== theirs) differ.push(`${new Date(ms).toISOString()}: ${new Date(ours).toISOString()} vs ${new Date(theirs).toISOString()}`);
    }
    expect(differ.slice(0, 5)).toEqual([]);
  });
});
