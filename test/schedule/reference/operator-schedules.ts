// Schedules as operators write them, generated for the differential test against the
// reference evaluator: zones with every kind of DST (none, 1 h, 30 min, at midnight, a
// date-line zone), weekly windows across midnight and the week's end, `24:00` ends, day
// ranges and lists, cron windows with durations, absolute windows, date lists (with
// ranges) in `alsoOn` and `exceptOn`, priorities, partial fields, per-window zones.
// Dates and times are drawn towards what makes precedence and DST hard: weekends, the
// days the clocks change, the hours around 00:00–03:59.
import fc from 'fast-check';

export const ZONES = [
  'Europe/Amsterdam', 'America/New_York', 'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Apia', 'Asia/Kolkata', 'UTC',
] as const;

/** The year every generated schedule is compared over. */
export const YEAR_FROM = Date.parse('2027-01-01T00:00Z');
export const YEAR_TO = Date.parse('2028-01-01T00:00Z');
const DAY = 86_400_000;

/** Local dates on which some of ZONES change their clocks in 2027, and their neighbours. */
const DST_DATES = [
  '2027-03-14', '2027-11-07', // New York
  '2027-03-28', '2027-10-31', // Amsterdam
  '2027-04-03', '2027-04-04', '2027-09-04', '2027-09-05', // Santiago (at 24:00 Saturday)
  '2027-10-03', // Lord Howe (April 4 above too)
];

const pad = (n: number): string => String(n).padStart(2, '0');
const dateOf = (day: number): string => new Date(YEAR_FROM + day * DAY).toISOString().slice(0, 10);

const anyDate = fc.integer({ min: -3, max: 368 }).map(dateOf);
const date = fc.oneof({ weight: 3, arbitrary: anyDate }, { weight: 1, arbitrary: fc.constantFrom(...DST_DATES) });

/** Times cluster where clocks change (00:00–03:59) and at common edges. */
const time = fc.oneof(
  fc.record({ h: fc.integer({ min: 0, max: 3 }), m: fc.constantFrom(0, 15, 30, 45) }),
  fc.record({ h: fc.integer({ min: 0, max: 23 }), m: fc.constantFrom(0, 30) }),
).map(({ h, m }) => `${pad(h)}:${pad(m)}`);

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const days = fc.oneof(
  fc.constantFrom('Mon-Fri', 'Fri-Mon', 'Sat-Sun', 'Sun-Fri', 'Mon-Sun', 'Sat,Sun', 'Sun', 'Sat', 'Fri', 'Mon,Wed,Fri', 'Thu-Tue'),
  fc.uniqueArray(fc.constantFrom(...DAY_NAMES), { minLength: 1, maxLength: 7 }),
  fc.uniqueArray(fc.constantFrom('Mon-Wed', 'Sat', 'Fri-Sun', 'Sun'), { minLength: 1, maxLength: 2 }),
);

const weekly = fc.record({ days, from: time, to: fc.oneof({ weight: 3, arbitrary: time }, { weight: 1, arbitrary: fc.constant('24:00') }) })
  .filter((w) => w.from !== w.to && !(w.from === '00:00' && w.to === '24:00' && false));

const cron = fc.record({
  start: fc.tuple(
    fc.constantFrom('0', '30', '*/30', '15,45', '*/20'),
    fc.constantFrom('2', '1-3', '*/6', '20', '0', '23', '0-3'),
    fc.constantFrom('*', '*', '1,15', '*/10', '1-7', '29'),
    fc.constantFrom('*', '*', '3,10', '4', '9-11'),
    fc.constantFrom('*', '*', '1-5', '0,6', '7', '6'),
  ).map((f) => f.join(' ')),
  duration: fc.constantFrom('15m', '1h', '90m', '3h30m', '11h', '2d', '1d12h'),
});

const absolute = fc.record({ from: date, h: fc.integer({ min: 0, max: 23 }), m: fc.constantFrom(0, 30), days: fc.integer({ min: 0, max: 10 }), hours: fc.integer({ min: 1, max: 30 }) })
  .map(({ from, h, m, days: d, hours }) => {
    const start = Date.parse(`${from}T${pad(h)}:${pad(m)}Z`);
    const end = new Date(start + d * DAY + hours * 3_600_000).toISOString().slice(0, 16);
    return { from: `${from}T${pad(h)}:${pad(m)}`, to: end };
  });

const rule = fc.oneof(
  { weight: 5, arbitrary: weekly.map((w) => ({ weekly: w })) },
  { weight: 2, arbitrary: cron.map((c) => ({ cron: c })) },
  { weight: 1, arbitrary: absolute.map((a) => ({ absolute: a })) },
);

const dateEntry = fc.oneof(
  { weight: 4, arbitrary: date },
  { weight: 1, arbitrary: fc.tuple(anyDate, fc.integer({ min: 0, max: 6 })).map(([d, n]) => `${d}..${dateOf((Date.parse(`${d}T00:00Z`) - YEAR_FROM) / DAY + n)}`) },
);

type Limit = { min: number; max: number };
type Shape = { groups: Record<string, Limit>; workloads: Record<string, Limit & { withMax: boolean }> };

const shape: fc.Arbitrary<Shape> = fc.record({
  groups: fc.uniqueArray(fc.constantFrom('workers', 'gpu', 'batch'), { minLength: 1, maxLength: 3 }),
  workloads: fc.uniqueArray(fc.constantFrom('shop/web', 'shop/search', 'ops/cron'), { maxLength: 3 }),
}).chain(({ groups, workloads }) => fc.record({
  groups: fc.record(Object.fromEntries(groups.map((g) => [g, fc.integer({ min: 0, max: 4 }).chain((min) => fc.record({ min: fc.constant(min), max: fc.integer({ min, max: min + 20 }) }))]))),
  workloads: fc.record(Object.fromEntries(workloads.map((w) => [w, fc.integer({ min: 0, max: 3 }).chain((min) => fc.record({ min: fc.constant(min), max: fc.integer({ min, max: min + 8 }), withMax: fc.boolean() }))]))),
}) as fc.Arbitrary<Shape>);

/** Values within the limits, often at their edges. */
function values(s: Shape, partial: boolean) {
  const value = ({ min, max }: Limit) => fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
  const section = (limits: Record<string, Limit>) =>
    fc.record(Object.fromEntries(Object.entries(limits).map(([k, l]) => [k, value(l)])), partial ? { requiredKeys: [] } : undefined) as fc.Arbitrary<Record<string, number>>;
  return fc.record({ capacity: section(s.groups), replicas: section(s.workloads) });
}

const LIST_NAMES = ['holidays', 'closures', 'extra'];

export const operatorSchedules = fc.record({ zone: fc.constantFrom(...ZONES), shape, listCount: fc.integer({ min: 1, max: 3 }) })
  .chain(({ zone, shape: s, listCount }) => fc.record({
    zone: fc.constant(zone),
    shape: fc.constant(s),
    lists: fc.tuple(...LIST_NAMES.slice(0, listCount).map(() => fc.uniqueArray(dateEntry, { minLength: 1, maxLength: 12 }))),
    defaults: values(s, false),
    windows: fc.array(fc.record({
      rule,
      set: values(s, true),
      priority: fc.option(fc.integer({ min: -2, max: 3 }), { nil: undefined }),
      alsoOn: fc.subarray(LIST_NAMES.slice(0, listCount)),
      exceptOn: fc.subarray(LIST_NAMES.slice(0, listCount), { maxLength: 1 }),
      zone: fc.option(fc.constantFrom(...ZONES), { nil: undefined, freq: 4 }),
    }), { minLength: 1, maxLength: 6 }),
  }))
  .map((g) => {
    const windows = g.windows.map((w, i) => {
      const recurring = !('absolute' in w.rule);
      const set = { capacity: w.set.capacity, replicas: w.set.replicas };
      // A window must set something: an empty one takes the first group at its minimum.
      if (Object.keys(set.capacity).length + Object.keys(set.replicas).length === 0) {
        const [group, limit] = Object.entries(g.shape.groups)[0]!;
        set.capacity = { [group]: limit.min };
      }
      return {
        name: `w${i}`,
        ...w.rule,
        ...(w.zone ? { timezone: w.zone } : {}),
        ...(w.priority !== undefined ? { priority: w.priority } : {}),
        ...(recurring && w.alsoOn.length ? { alsoOn: w.alsoOn } : {}),
        ...(recurring && w.exceptOn.length ? { exceptOn: w.exceptOn } : {}),
        ...(Object.keys(set.capacity).length ? { capacity: set.capacity } : {}),
        ...(Object.keys(set.replicas).length ? { replicas: set.replicas } : {}),
      };
    });
    const used = new Set(windows.flatMap((w) => [...(w.alsoOn ?? []), ...(w.exceptOn ?? [])]));
    return {
      version: 1,
      timezone: g.zone,
      dateLists: Object.fromEntries(g.lists.map((entries, i) => [LIST_NAMES[i]!, entries]).filter(([name]) => used.has(name as string))),
      nodeGroups: Object.fromEntries(Object.entries(g.shape.groups).map(([k, l]) => [k, { min: l.min, max: l.max }])),
      workloads: Object.fromEntries(Object.entries(g.shape.workloads).map(([k, l]) => [k, { min: l.min, ...(l.withMax ? { max: l.max } : {}) }])),
      default: g.defaults,
      windows,
    };
  });
