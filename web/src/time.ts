// Times as the console shows them: in the schedule's zone (what the schedule is written in),
// with the viewer's own zone and UTC on hover.

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(zone: string | undefined, iso: string, withDate = true): string {
  const key = `${zone ?? ''}|${withDate}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      ...(zone ? { timeZone: zone } : {}),
      ...(withDate ? { weekday: 'short', day: 'numeric', month: 'short' } : {}),
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short',
    });
    formats.set(key, format);
  }
  return format.format(new Date(iso));
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/**
 * For uPlot's `tzDate`: the instant (in seconds) as a Date whose local fields (getHours, …)
 * read the wall time in `zone`, as uPlot.tzDate makes it; but from one formatter per zone,
 * where uPlot.tzDate builds one at every call (toLocaleString with a timeZone, ~0.3 ms), and a
 * chart's axes call it some sixty times a draw: a third of a 30-day chart's draw
 * (bench/console.bench.ts).
 */
export function zonedDate(zone: string, seconds: number): Date {
  let format = wallClocks.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    wallClocks.set(zone, format);
  }
  const ms = seconds * 1000;
  const f: Record<string, number> = {};
  for (const part of format.formatToParts(ms)) if (part.type !== 'literal') f[part.type] = Number(part.value);
  return new Date(f.year!, f.month! - 1, f.day!, f.hour!, f.minute!, f.second!, ((ms % 1000) + 1000) % 1000);
}

/** "Mon 7 Dec, 20:00 CET" in the schedule's zone. */
export const local = (zone: string, iso: string): string => formatIn(zone, iso);

/** What a time's title says: the viewer's zone and UTC. */
export const hoverText = (iso: string): string => `${formatIn(undefined, iso)} (your time) · ${iso.replace('T', ' ').replace('Z', ' UTC')}`;

/** "in 3 h 12 min", "in 45 s", "2 min ago". */
export function relative(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  const s = Math.round(abs / 1000);
  const text = s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : s < 86_400 ? `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min` : `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}
