// Plain calendar arithmetic on local dates and times, with no time zone involved.
// Dates are handled as "epoch days" (days since 1970-01-01) so that sets of dates and
// date ranges are cheap integer operations.

export type LocalDate = { readonly year: number; readonly month: number; readonly day: number };

export type LocalDateTime = LocalDate & {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
};

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

const MS_PER_DAY = 86_400_000;

export const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

export function epochDay(date: LocalDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / MS_PER_DAY;
}

/** The date of an epoch day, by arithmetic (H. Hinnant's civil_from_days): evaluation asks for every day of a year per window. */
export function fromEpochDay(day: number): LocalDate {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1_460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day: doy - Math.floor((153 * mp + 2) / 5) + 1 };
}

export function isoWeekday(day: number): IsoWeekday {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((day + 3) % 7) + 7) % 7 + 1) as IsoWeekday;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isValidDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** The local wall-clock reading as if it were UTC: the zone-free "wall time" in ms. */
export function wallMs(t: LocalDateTime): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
}

/** wallMs(atMinuteOfDay(day, minuteOfDay)), without building the date: the hot path of evaluation. */
export function wallAtMinuteOfDay(day: number, minuteOfDay: number): number {
  return day * MS_PER_DAY + minuteOfDay * 60_000;
}

export function atMinuteOfDay(day: number, minuteOfDay: number): LocalDateTime {
  // minuteOfDay may be 1440 ("24:00"): that is 00:00 of the next day.
  const date = fromEpochDay(day + Math.floor(minuteOfDay / 1440));
  const m = minuteOfDay % 1440;
  return { ...date, hour: Math.floor(m / 60), minute: m % 60, second: 0 };
}

export function formatDate(date: LocalDate): string {
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

export function formatMinuteOfDay(minuteOfDay: number): string {
  return `${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
}

export function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})$/;
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** "2026-12-25" → epoch day, or undefined when malformed or not a real date. */
export function parseDate(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isValidDate(y, mo, d) ? epochDay({ year: y, month: mo, day: d }) : undefined;
}

/** "20:00" → minute of day; "24:00" only when allowEndOfDay. */
export function parseTimeOfDay(text: string, allowEndOfDay: boolean): number | undefined {
  const m = TIME_RE.exec(text);
  if (!m) return undefined;
  const [h, mi] = [Number(m[1]), Number(m[2])];
  if (h === 24 && mi === 0) return allowEndOfDay ? 1440 : undefined;
  return h <= 23 && mi <= 59 ? h * 60 + mi : undefined;
}

/** "2026-11-27T06:00" (seconds optional, no offset: it is local to a zone). */
export function parseLocalDateTime(text: string): LocalDateTime | undefined {
  const m = DATE_TIME_RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number, number, number, number, number, number,
  ];
  if (!isValidDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  return { year: y, month: mo, day: d, hour: h, minute: mi, second: s };
}

const DURATION_RE = /^(?:(\d{1,9})d)?(?:(\d{1,9})h)?(?:(\d{1,9})m)?(?:(\d{1,9})s)?$/;

/**
 * "11h", "1h30m", "2d", "90s" → milliseconds; undefined when malformed or zero. The one
 * grammar of durations: in schedules (whose schema allows whole minutes only) and in every
 * command-line flag, each of which checks its own range (src/cli/arguments.ts).
 */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text);
  if (!m || text === '') return undefined;
  const ms = (((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0)) * 1000;
  return ms > 0 ? ms : undefined;
}

export function formatDuration(ms: number): string {
  let minutes = Math.round(ms / 60_000);
  const d = Math.floor(minutes / 1440);
  minutes -= d * 1440;
  const h = Math.floor(minutes / 60);
  const m = minutes - h * 60;
  return [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : ''].join('') || '0m';
}
