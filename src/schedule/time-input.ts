// Times as people type them (the CLI, the console): "now", an instant with an offset ("2026-11-27T06:00Z",
// "2026-11-27T06:00+01:00"), or a local date or date-time in the schedule's zone
// ("2026-11-27", "2026-11-27T06:00"), resolved by the same DST policy as the schedule.

import { UsageError } from '../errors.js';
import { parseDate, parseLocalDateTime, fromEpochDay } from './calendar.js';
import type { Zone } from './zone.js';

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseTimeArg(text: string, option: string, zone: Zone, now: number): number {
  // "now" is taken to the whole minute: schedules are written in minutes, and plans read better.
  if (text === 'now') return Math.floor(now / 60_000) * 60_000;
  if (WITH_OFFSET.test(text)) {
    const instant = Date.parse(text);
    if (!Number.isNaN(instant)) return instant;
  }
  const local = parseLocalDateTime(text);
  if (local) return zone.resolve(local).instant;
  const day = parseDate(text);
  if (day !== undefined) return zone.resolve({ ...fromEpochDay(day), hour: 0, minute: 0, second: 0 }).instant;
  throw new UsageError(
    'SCALERD_ERR_CLI_TIME',
    `${option} "${text}" is not a time: use "now", a local time in ${zone.name} such as 2026-11-27T06:00 or 2026-11-27, or an instant with an offset such as 2026-11-27T05:00Z`,
  );
}
