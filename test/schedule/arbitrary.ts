// Random valid schedules for property tests: a zone, limits, a holiday list and up to five
// windows of every kind (weekly, cron, absolute; date lists; their own zones; priorities).
import fc from 'fast-check';
import { scheduleOf, utc } from '../helpers.js';

export const DAY = 86_400_000;
const ZONES = ['Europe/Amsterdam', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Etc/GMT+2', 'UTC'];
const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
export const RANGE_START = utc('2026-01-01T00:00Z');
export const RANGE_DAYS = 730;

const pad = (n: number) => String(n).padStart(2, '0');
// Times cluster around 01:00–03:59, where DST changes happen, as well as anywhere in the day.
const time = fc.oneof(
  fc.record({ h: fc.integer({ min: 1, max: 3 }), m: fc.constantFrom(0, 15, 30, 45) }),
  fc.record({ h: fc.integer({ min: 0, max: 23 }), m: fc.constantFrom(0, 30) }),
).map(({ h, m }) => `${pad(h)}:${pad(m)}`);

const localDate = fc.integer({ min: 0, max: RANGE_DAYS }).map((d) => new Date(RANGE_START + d * DAY).toISOString().slice(0, 10));

type Limits = { groups: Record<string, { min: number; max: number }>; workloads: Record<string, { min: number; max: number }> };

const limits: fc.Arbitrary<Limits> = fc.record({
  groups: fc.uniqueArray(fc.constantFrom('workers', 'gpu', 'batch'), { minLength: 1, maxLength: 2 }),
  workloads: fc.uniqueArray(fc.constantFrom('shop/web', 'shop/search', 'ops/cron'), { maxLength: 2 }),
}).chain(({ groups, workloads }) =>
  fc.record({
    groups: fc.record(Object.fromEntries(groups.map((g) => [g, fc.integer({ min: 0, max: 5 }).chain((min) => fc.record({ min: fc.constant(min), max: fc.integer({ min, max: min + 30 }) }))]))),
    workloads: fc.record(Object.fromEntries(workloads.map((w) => [w, fc.integer({ min: 0, max: 3 }).chain((min) => fc.record({ min: fc.constant(min), max: fc.integer({ min, max: min + 10 }) }))]))),
  }) as fc.Arbitrary<Limits>,
);

function values(l: Limits, partial: boolean): fc.Arbitrary<{ capacity: Record<string, number>; replicas: Record<string, number> }> {
  const section = (entries: Record<string, { min: number; max: number }>) =>
    fc.record(Object.fromEntries(Object.entries(entries).map(([k, { min, max }]) => [k, fc.integer({ min, max })])), partial ? { requiredKeys: [] } : undefined) as fc.Arbitrary<Record<string, number>>;
  return fc.record({ capacity: section(l.groups), replicas: section(l.workloads) })
    .filter((v) => !partial || Object.keys(v.capacity).length + Object.keys(v.replicas).length > 0);
}

const rule = fc.oneof(
  fc.record({
    weekly: fc.record({
      days: fc.uniqueArray(fc.constantFrom(...DAY_NAMES), { minLength: 1, maxLength: 7 }),
      from: time,
      to: fc.oneof(time, fc.constant('24:00')),
    }).filter((w) => w.from !== w.to && !(w.from === '00:00' && w.to === '24:00' && false)),
  }),
  fc.record({
    cron: fc.record({
      start: fc.tuple(fc.constantFrom('0', '30', '*/30', '15,45'), fc.constantFrom('2', '1-3', '*/6', '20', '0'), fc.constantFrom('*', '1,15'), fc.constantFrom('*', '3,10'), fc.constantFrom('*', '1-5', '0,6')).map((f) => f.join(' ')),
      duration: fc.constantFrom('15m', '1h', '3h30m', '11h', '2d'),
    }),
  }),
  fc.record({ start: localDate, h: fc.integer({ min: 0, max: 23 }), days: fc.integer({ min: 0, max: 12 }), hours: fc.integer({ min: 1, max: 30 }) })
    .map(({ start, h, days, hours }) => {
      const from = utc(`${start}T${pad(h)}:00Z`);
      const to = new Date(from + days * DAY + hours * 3_600_000).toISOString().slice(0, 16);
      return { absolute: { from: `${start}T${pad(h)}:00`, to } };
    }),
);

export const schedules = fc.record({ zone: fc.constantFrom(...ZONES), limits, holidays: fc.uniqueArray(localDate, { minLength: 1, maxLength: 20 }) })
  .chain(({ zone, limits: l, holidays }) =>
    fc.record({
      zone: fc.constant(zone),
      limits: fc.constant(l),
      holidays: fc.constant(holidays),
      defaults: values(l, false),
      windows: fc.array(
        fc.record({
          rule,
          set: values(l, true),
          priority: fc.integer({ min: 0, max: 2 }),
          lists: fc.constantFrom('none', 'alsoOn', 'exceptOn'),
          zone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
        }),
        { maxLength: 5 },
      ),
    }),
  )
  .map((g) => {
    const document = {
      version: 1,
      timezone: g.zone,
      dateLists: { holidays: g.holidays },
      nodeGroups: g.limits.groups,
      workloads: g.limits.workloads,
      default: g.defaults,
      windows: g.windows.map((w, i) => ({
        name: `w${i}`,
        ...w.rule,
        ...(w.zone ? { timezone: w.zone } : {}),
        priority: w.priority,
        ...('absolute' in w.rule || w.lists === 'none' ? {} : { [w.lists]: ['holidays'] }),
        ...w.set,
      })),
    };
    return { document, schedule: scheduleOf(document) };
  });
