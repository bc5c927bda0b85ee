// Human-readable instants: local time in a zone with its offset, and UTC.

import { WEEKDAY_NAMES, epochDay, formatDate, isoWeekday, pad } from './calendar.js';
import type { Zone } from './zone.js';

/** "Fri 2026-11-27 06:00 +01:00" */
export function formatLocal(zone: Zone, instant: number): string {
  const local = zone.toLocal(instant);
  const weekday = WEEKDAY_NAMES[isoWeekday(epochDay(local)) - 1];
  const seconds = local.second ? `:${pad(local.second)}` : '';
  return `${weekday} ${formatDate(local)} ${pad(local.hour)}:${pad(local.minute)}${seconds} ${zone.offsetLabel(instant)}`;
}

/** "2026-11-27T05:00Z", "2026-11-27T05:00:17Z", or with milliseconds when it has them. */
export function formatUtc(instant: number): string {
  let text = utcTexts.get(instant);
  if (text === undefined) {
    const iso = new Date(instant).toISOString();
    text = iso.endsWith(':00.000Z') ? `${iso.slice(0, 16)}Z` : iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
    if (utcTexts.size >= UTC_TEXTS_KEPT) utcTexts.clear();
    utcTexts.set(instant, text);
  }
  return text;
}

/**
 * A timeline printed as JSON names the start and end of every field's source at every
 * change: the same few instants, formatted millions of times (a third of the time of a
 * two-year plan), so the last ones are kept.
 */
const utcTexts = new Map<number, string>();
const UTC_TEXTS_KEPT = 4_096;
