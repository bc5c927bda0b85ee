// Five-field cron expressions (minute hour day-of-month month day-of-week), Vixie cron
// semantics: when both day fields are restricted a day matches either; when one is `*`
// only the other counts. Evaluated per local date by the occurrence generator, so the
// DST policy of zone.ts applies to cron starts too (robfig/cron skips starts in a gap;
// scalerd does not).

import { type IsoWeekday, daysInMonth } from './calendar.js';

export type Cron = {
  readonly source: string;
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday (7 is folded into 0). */
  readonly daysOfWeek: ReadonlySet<number>;
  readonly dayOfMonthRestricted: boolean;
  readonly dayOfWeekRestricted: boolean;
};

export type CronParseResult =
  | { readonly ok: true; readonly cron: Cron }
  | { readonly ok: false; readonly message: string; readonly hint: string };

type FieldSpec = { name: string; min: number; max: number; names?: readonly string[]; nameBase?: number };

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
    nameBase: 1,
  },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], nameBase: 0 },
];

const HINT = 'write five fields "minute hour day-of-month month day-of-week", e.g. "0 20 * * 1-5" (20:00 Monday to Friday)';

class FieldError extends Error {}

function parseValue(text: string, spec: FieldSpec): number {
  const upper = text.toUpperCase();
  const named = spec.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + (spec.nameBase ?? 0);
  if (!/^\d+$/.test(text)) throw new FieldError(`"${text}" is not a number${spec.names ? ' or a name' : ''} in the ${spec.name} field`);
  const value = Number(text);
  if (value < spec.min || value > spec.max) {
    throw new FieldError(`${value} is outside ${spec.min}-${spec.max} in the ${spec.name} field`);
  }
  return value;
}

function parseField(text: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (range === undefined || range === '' || extra !== undefined) {
      throw new FieldError(`"${part}" is not a valid ${spec.name} item`);
    }
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
        throw new FieldError(`step "${stepText}" in the ${spec.name} field must be a positive number`);
      }
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (range === '*') {
      [lo, hi] = [spec.min, spec.max];
    } else if (range.includes('-')) {
      const [a, b, more] = range.split('-');
      if (a === undefined || b === undefined || more !== undefined) {
        throw new FieldError(`"${range}" is not a valid range in the ${spec.name} field`);
      }
      [lo, hi] = [parseValue(a, spec), parseValue(b, spec)];
      if (lo > hi) throw new FieldError(`range ${range} in the ${spec.name} field runs backwards`);
    } else {
      lo = parseValue(range, spec);
      hi = stepText === undefined ? lo : spec.max;
    }
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return values;
}

export function parseCron(source: string): CronParseResult {
  const fields = source.trim().split(/\s+/);
  if (fields.length !== 5) {
    return { ok: false, message: `cron "${source}" has ${fields.length} fields, expected 5`, hint: HINT };
  }
  try {
    const sets = fields.map((field, i) => parseField(field, FIELDS[i] as FieldSpec));
    const [minutes, hours, daysOfMonth, months, rawDaysOfWeek] = sets as [
      Set<number>, Set<number>, Set<number>, Set<number>, Set<number>,
    ];
    const daysOfWeek = new Set([...rawDaysOfWeek].map((d) => d % 7));
    const cron: Cron = {
      source,
      minutes: [...minutes].sort((a, b) => a - b),
      hours: [...hours].sort((a, b) => a - b),
      daysOfMonth,
      months,
      daysOfWeek,
      dayOfMonthRestricted: !fields[2]!.startsWith('*'),
      dayOfWeekRestricted: !fields[4]!.startsWith('*'),
    };
    if (!canEverMatch(cron)) {
      return {
        ok: false,
        message: `cron "${source}" never matches: no month in it has those days`,
        hint: 'check the day-of-month and month fields (February has at most 29 days; April, June, September and November 30)',
      };
    }
    return { ok: true, cron };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, message: `cron "${source}": ${error.message}`, hint: HINT };
    throw error;
  }
}

function canEverMatch(cron: Cron): boolean {
  if (cron.dayOfWeekRestricted) return true; // some weekday falls in every month
  // Only day-of-month counts: some chosen month must have one of the chosen days (2024 is a leap year).
  return [...cron.months].some((month) => [...cron.daysOfMonth].some((d) => d <= daysInMonth(2024, month)));
}

/** Does the cron's date part match a local date? */
export function cronMatchesDate(cron: Cron, month: number, dayOfMonth: number, weekday: IsoWeekday): boolean {
  if (!cron.months.has(month)) return false;
  const domMatch = cron.daysOfMonth.has(dayOfMonth);
  const dowMatch = cron.daysOfWeek.has(weekday % 7);
  if (cron.dayOfMonthRestricted && cron.dayOfWeekRestricted) return domMatch || dowMatch;
  return domMatch && dowMatch;
}
