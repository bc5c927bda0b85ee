/**
 * A reference evaluator for scalerd's schedule format v1, for differential tests against the
 * real engine (src/schedule/). It is written from README.md alone ("The schedule" through
 * "Daylight saving time") and shares no code, types or helpers with src/, so that a
 * misreading in the engine cannot be copied into the reference. It favours being obviously
 * correct over being fast: every local time is turned into an instant by literally walking the
 * zone's clock minute by minute (offsets from Intl.DateTimeFormat only), and every occurrence
 * in the range is listed explicitly.
 *
 * Decisions where README leaves room are marked "README ambiguity" below.
 */

export type RefClass = 'recurring' | 'date-list' | 'absolute';
export type RefSource = { kind: 'default' } | { kind: 'window'; window: string; class: RefClass };
export type RefDesired = {
  capacity: Record<string, number>;
  replicas: Record<string, number>;
  sources: { capacity: Record<string, RefSource>; replicas: Record<string, RefSource> };
};
/** One occurrence of window `window` (`index`: its position in `windows[]`), in force over [start, end) epoch ms. */
export type RefInterval = { window: string; index: number; class: RefClass; start: number; end: number };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A bound on |UTC offset|. Real zones lie within −12h…+14h; the walk's proof that it saw every
 * instant that matters (Walk.covers) needs some bound, and every offset sample is checked
 * against it, so a zone outside it fails loudly instead of being evaluated wrongly.
 */
const OFFSET_BOUND = 18 * HOUR;

/** README, Limits: "replicas 0 to 150000 ... (a workload without `max` has that one)". */
const REPLICAS_MAX = 150_000;

// ---------------------------------------------------------------------------------------------
// Zone offsets, from Intl.DateTimeFormat only
// ---------------------------------------------------------------------------------------------

/**
 * UTC offsets (ms) of each zone at every whole UTC minute, one Int32Array of 1440 per UTC day,
 * cached for the life of the process: computing them is the only slow part (one Intl call per
 * minute) and differential tests evaluate many schedules in the same few zones and years.
 */
const offsetDays = new Map<string, Map<number, Int32Array>>();
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * `format` rather than `formatToParts` because it is about 3.5 times faster (≈1 s against
 * ≈3.5 s per zone-year, one call per minute, measured on Node 20). Its output for these options
 * is "MM/DD/YYYY, HH:MM:SS" with Latin digits (en-US, h23); WALL_TEXT rejects anything else, and
 * each day's first sample is checked against formatToParts, so a change in ICU's output cannot
 * go unnoticed.
 */
const WALL_TEXT = /^(\d{2})\/(\d{2})\/(\d{4,}), (\d{2}):(\d{2}):(\d{2})$/;

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      numberingSystem: 'latn',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Milliseconds of a wall-clock reading counted as if it were UTC (works for years 0–99 too). */
function wallMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime();
}

/** The local wall-clock reading at instant t in zone, as wall ms (wallMs). */
function wallClockAt(zone: string, t: number): number {
  const text = formatter(zone).format(t);
  const m = WALL_TEXT.exec(text);
  if (!m) throw new Error(`reference evaluator: unexpected Intl output ${JSON.stringify(text)} for ${zone}`);
  return wallMs(Number(m[3]), Number(m[1]), Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function wallClockAtByParts(zone: string, t: number): number {
  const p: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(t)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return wallMs(p.year!, p.month!, p.day!, p.hour!, p.minute!, p.second!);
}

function offsetsOfUtcDay(zone: string, day: number): Int32Array {
  let days = offsetDays.get(zone);
  if (!days) offsetDays.set(zone, (days = new Map()));
  let offs = days.get(day);
  if (offs) return offs;
  offs = new Int32Array(1440);
  const dayStart = day * DAY;
  if (wallClockAt(zone, dayStart) !== wallClockAtByParts(zone, dayStart)) {
    throw new Error(`reference evaluator: Intl format and formatToParts disagree for ${zone} at ${new Date(dayStart).toISOString()}`);
  }
  for (let k = 0; k < 1440; k++) {
    const t = dayStart + k * MINUTE;
    const off = wallClockAt(zone, t) - t;
    // The walk assumes offsets are whole minutes (true of every zone since the 1970s; local
    // mean times before that had seconds) and bounded (see OFFSET_BOUND).
    if (off % MINUTE !== 0 || Math.abs(off) > OFFSET_BOUND) {
      throw new Error(`reference evaluator: unsupported UTC offset ${off} ms in ${zone} at ${new Date(t).toISOString()}`);
    }
    offs[k] = off;
  }
  days.set(day, offs);
  return offs;
}

/** The UTC offset (ms) of zone at whole UTC minute t. */
function offsetAtMinute(zone: string, t: number): number {
  if (t % MINUTE !== 0) throw new Error('reference evaluator: offsetAtMinute needs a whole minute');
  const day = Math.floor(t / DAY);
  return offsetsOfUtcDay(zone, day)[(t - day * DAY) / MINUTE]!;
}

// ---------------------------------------------------------------------------------------------
// The walk: when a local wall time "happens"
// ---------------------------------------------------------------------------------------------

/**
 * README's DST policy is one rule: walk the instants in order keeping the high-water mark hw(t),
 * the latest local time the clock has shown at or before t; a local time W takes effect at the
 * first instant with hw(t) >= W. A time in a gap is never shown, so it happens at the first
 * instant after the gap; a time shown twice happens the first time; nothing happens twice.
 *
 * A Walk covers the instants of whole UTC minutes [lo, hi]. Offsets change only at whole UTC
 * minutes (transitions in tzdb are on whole minutes), so within minute j the offset is
 * constant and the local clock rises exactly with real time; the highest reading within minute
 * j is at its last millisecond. hwEnd[j] is therefore hw at the end of minute j:
 *   hwEnd[j] = max(hwEnd[j−1], local(start of j) + 59 999).
 * W happens in the first minute j with hwEnd[j] >= W (hwEnd is nondecreasing, so binary
 * search finds it). Inside that minute hw(t) = max(hwEnd[j−1], local(t)) with hwEnd[j−1] < W,
 * so the instant is the first t in the minute with local(t) = t + off(j) >= W, which is
 * max(start of j, W − off(j)). For W on a whole minute (all README's times) that is the start
 * of j; the formula also serves local date-times with seconds, which the schema allows.
 */
class Walk {
  private readonly first: number;
  private readonly last: number;
  private readonly offs: Int32Array;
  private readonly hwEnd: Float64Array;

  constructor(zone: string, lo: number, hi: number) {
    this.first = Math.floor(lo / MINUTE) * MINUTE;
    this.last = Math.ceil(hi / MINUTE) * MINUTE;
    const n = (this.last - this.first) / MINUTE + 1;
    this.offs = new Int32Array(n);
    this.hwEnd = new Float64Array(n);
    let hw = -Infinity;
    for (let j = 0; j < n; j++) {
      const t = this.first + j * MINUTE;
      const off = offsetAtMinute(zone, t);
      this.offs[j] = off;
      hw = Math.max(hw, t + off + (MINUTE - 1));
      this.hwEnd[j] = hw;
    }
  }

  /**
   * Whether happens(W) is exact. Before `first` the clock read at most first + OFFSET_BOUND,
   * so if W is later than that, no instant before the walk reached W and the walk's hw agrees
   * with the true one where it matters; and at `last` the clock reads at least
   * last − OFFSET_BOUND, so if W is not later than that the walk reaches W.
   */
  covers(W: number): boolean {
    return W > this.first + OFFSET_BOUND && W <= this.last - OFFSET_BOUND;
  }

  happens(W: number): number {
    if (!this.covers(W)) throw new Error('reference evaluator: wall time outside the walk');
    let lo = 0;
    let hi = this.hwEnd.length - 1; // covers(W) guarantees hwEnd[hi] >= W
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.hwEnd[mid]! >= W) hi = mid;
      else lo = mid + 1;
    }
    return Math.max(this.first + lo * MINUTE, W - this.offs[lo]!);
  }
}

/** One zone's clock for an evaluator: a walk over its range, and small walks for wall times far outside it. */
class ZoneClock {
  private readonly main: Walk;
  constructor(
    private readonly zone: string,
    lo: number,
    hi: number,
  ) {
    this.main = new Walk(zone, lo, hi);
  }

  /** The instant at which local wall time W (wall ms) happens. */
  happens(W: number): number {
    if (this.main.covers(W)) return this.main.happens(W);
    // An absolute window's far end, typically: walk just the stretch around W, which any
    // instant at which W can happen lies in (|offset| <= OFFSET_BOUND).
    const around = new Walk(this.zone, W - OFFSET_BOUND - 2 * MINUTE, W + OFFSET_BOUND + 2 * MINUTE);
    return around.happens(W);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the document
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** An own property only: names like `constructor` or `toString` are ordinary keys (README). */
function own(obj: unknown, key: string): unknown {
  return obj !== null && typeof obj === 'object' && Object.hasOwn(obj, key) ? (obj as Json)[key] : undefined;
}

function ownEntries(obj: unknown): [string, unknown][] {
  return obj !== null && typeof obj === 'object' ? Object.entries(obj as Json) : [];
}

/** Sets an own data property even for a key such as `__proto__`. */
function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function fail(message: string): never {
  throw new Error(`reference evaluator: ${message}`);
}

/** A date YYYY-MM-DD as a day number (days since 1970-01-01), refusing dates like 2026-02-30. */
function dayNumber(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text) ?? fail(`bad date ${text}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = wallMs(y, mo, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) fail(`bad date ${text}`);
  return ms / DAY;
}

/** A local date-time YYYY-MM-DDTHH:MM (README) or YYYY-MM-DDTHH:MM:SS (the schema also allows it), as wall ms. */
function localDateTime(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text) ?? fail(`bad local date-time ${text}`);
  const [h, mi, s] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) fail(`bad local date-time ${text}`);
  return dayNumber(m[1]!) * DAY + h * HOUR + mi * MINUTE + s * 1000;
}

/** A local time HH:MM as minutes of the day; "24:00" (allowed for `to`) is 1440, the end of the day. */
function localTime(text: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text) ?? fail(`bad local time ${text}`);
  const [h, mi] = [Number(m[1]), Number(m[2])];
  if (h === 24 && mi === 0) return 1440;
  if (h > 23 || mi > 59) fail(`bad local time ${text}`);
  return h * 60 + mi;
}

/** Day of the week of a day number, 0 = Sunday … 6 = Saturday (JavaScript's and cron's numbering). */
function weekday(day: number): number {
  return new Date(day * DAY).getUTCDay();
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * README: "Days are `Mon`…`Sun`, ranges (`Fri-Mon` wraps), comma lists or an array." A range
 * runs forward from its first day to its last, wrapping past Sunday; a one-day range (`Mon-Mon`)
 * is that day. An array's items may themselves be comma lists (the schema allows it).
 */
function parseDays(spec: unknown): Set<number> {
  const items = Array.isArray(spec) ? spec : [spec];
  const days = new Set<number>();
  for (const item of items) {
    if (typeof item !== 'string') fail(`bad days ${JSON.stringify(spec)}`);
    for (const part of item.split(',')) {
      const m = /^([A-Z][a-z]{2})(?:-([A-Z][a-z]{2}))?$/.exec(part) ?? fail(`bad days ${JSON.stringify(spec)}`);
      const a = DAY_NAMES.indexOf(m[1]!);
      const b = m[2] === undefined ? a : DAY_NAMES.indexOf(m[2]);
      if (a < 0 || b < 0) fail(`bad days ${JSON.stringify(spec)}`);
      for (let d = a; ; d = (d + 1) % 7) {
        days.add(d);
        if (d === b) break;
      }
    }
  }
  return days;
}

/**
 * README: "`90m`, `1h30m`, `2d`; elapsed time, at most 31 days". Units d, h, m in that order (the
 * schema's pattern); README names no seconds, so `s` is refused.
 */
function parseDuration(text: string): number {
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/.exec(text);
  if (!m || text === '') fail(`bad duration ${text}`);
  return Number(m[1] ?? 0) * DAY + Number(m[2] ?? 0) * HOUR + Number(m[3] ?? 0) * MINUTE;
}

type CronSpec = {
  minutes: number[];
  hours: number[];
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>; // 0–6, Sunday 0 (7 folded into 0)
  domRestricted: boolean;
  dowRestricted: boolean;
};

/**
 * One cron field: comma list of `*`, `n`, `a-b`, `*∕s`, `a-b∕s`. Anything else (names such as
 * MON or JAN, `a∕s`, `?`, `L`) is refused rather than guessed: README promises five fields
 * with "Vixie semantics" and nothing more, and a refusal shows up in a differential test where a
 * guess would hide.
 */
function parseCronField(text: string, min: number, max: number): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(?:(\*)|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part) ?? fail(`unsupported cron field ${text}`);
    const [lo, hi] = m[1] ? [min, max] : [Number(m[2]), m[3] === undefined ? Number(m[2]) : Number(m[3])];
    if (!m[1] && m[3] === undefined && m[4] !== undefined) fail(`unsupported cron field ${text} (a/step)`);
    const step = m[4] === undefined ? 1 : Number(m[4]);
    if (lo < min || hi > max || lo > hi || step < 1) fail(`bad cron field ${text}`);
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return values;
}

function parseCron(expr: string): CronSpec {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) fail(`cron needs five fields: ${expr}`);
  const [mi, h, dom, mon, dow] = fields as [string, string, string, string, string];
  const daysOfWeek = new Set([...parseCronField(dow, 0, 7)].map((d) => d % 7));
  return {
    minutes: [...parseCronField(mi, 0, 59)].sort((a, b) => a - b),
    hours: [...parseCronField(h, 0, 23)].sort((a, b) => a - b),
    daysOfMonth: parseCronField(dom, 1, 31),
    months: parseCronField(mon, 1, 12),
    daysOfWeek,
    // README: "a day field that starts with `*` (`*`, `*/2`) is not a restriction", as in
    // Vixie cron; `1-31` is one.
    domRestricted: !dom.startsWith('*'),
    dowRestricted: !dow.startsWith('*'),
  };
}

/** Whether the cron's own day rule (day of month, month, day of week; Vixie) starts on local date `day`. */
function cronDayMatches(c: CronSpec, day: number): boolean {
  const date = new Date(day * DAY);
  if (!c.months.has(date.getUTCMonth() + 1)) return false;
  const dom = c.daysOfMonth.has(date.getUTCDate());
  const dow = c.daysOfWeek.has(date.getUTCDay());
  return c.domRestricted && c.dowRestricted ? dom || dow : dom && dow;
}

type Rule =
  | { type: 'weekly'; days: Set<number>; from: number; to: number }
  | { type: 'cron'; cron: CronSpec; duration: number }
  | { type: 'absolute'; from: number; to: number };

type Window = {
  name: string;
  index: number;
  zone: string;
  priority: number;
  rule: Rule;
  alsoOn: string[];
  exceptOn: string[];
  capacity: Map<string, number>;
  replicas: Map<string, number>;
};

function numberMap(obj: unknown): Map<string, number> {
  const map = new Map<string, number>();
  for (const [k, v] of ownEntries(obj)) {
    if (typeof v !== 'number') fail(`bad value for ${k}`);
    map.set(k, v);
  }
  return map;
}

function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail('bad date list reference');
  return value as string[];
}

function readWindow(w: unknown, index: number, docZone: string): Window {
  const name = own(w, 'name');
  if (typeof name !== 'string') fail(`window ${index} has no name`);
  const zone = own(w, 'timezone') ?? docZone;
  if (typeof zone !== 'string') fail(`bad timezone in ${name}`);
  const priority = own(w, 'priority') ?? 0;
  if (typeof priority !== 'number') fail(`bad priority in ${name}`);
  const weekly = own(w, 'weekly');
  const cron = own(w, 'cron');
  const absolute = own(w, 'absolute');
  let rule: Rule;
  if (weekly !== undefined) {
    const from = localTime(String(own(weekly, 'from')));
    const to = localTime(String(own(weekly, 'to')));
    if (from === 1440 || from === to) fail(`bad weekly times in ${name}`);
    rule = { type: 'weekly', days: parseDays(own(weekly, 'days')), from, to };
  } else if (cron !== undefined) {
    rule = { type: 'cron', cron: parseCron(String(own(cron, 'start'))), duration: parseDuration(String(own(cron, 'duration'))) };
  } else if (absolute !== undefined) {
    rule = { type: 'absolute', from: localDateTime(String(own(absolute, 'from'))), to: localDateTime(String(own(absolute, 'to'))) };
  } else {
    fail(`window ${name} has no weekly, cron or absolute`);
  }
  return {
    name,
    index,
    zone,
    priority,
    rule,
    alsoOn: stringList(own(w, 'alsoOn')),
    exceptOn: stringList(own(w, 'exceptOn')),
    capacity: numberMap(own(w, 'capacity')),
    replicas: numberMap(own(w, 'replicas')),
  };
}

/** dateLists: each name to its inclusive day-number ranges (a single date is a range of one). */
function readDateLists(obj: unknown): Map<string, [number, number][]> {
  const lists = new Map<string, [number, number][]>();
  for (const [name, items] of ownEntries(obj)) {
    if (!Array.isArray(items)) fail(`bad date list ${name}`);
    lists.set(
      name,
      items.map((item): [number, number] => {
        const [a, b] = String(item).split('..');
        return [dayNumber(a!), dayNumber(b ?? a!)];
      }),
    );
  }
  return lists;
}

// ---------------------------------------------------------------------------------------------
// The evaluator
// ---------------------------------------------------------------------------------------------

const CLASS_RANK: Record<RefClass, number> = { recurring: 1, 'date-list': 2, absolute: 3 };
const CLASSES_STRONGEST_FIRST: RefClass[] = ['absolute', 'date-list', 'recurring'];

/**
 * One window's occurrences of one class, sorted by start, with the running maximum of their
 * ends: the window is in force (in this class) at t iff some occurrence has start <= t < end,
 * iff the last one starting at or before t is preceded by (or is) one ending after t.
 */
class InForceIndex {
  private readonly starts: number[];
  private readonly maxEnd: number[];
  constructor(occs: { start: number; end: number }[]) {
    const sorted = [...occs].sort((a, b) => a.start - b.start);
    this.starts = sorted.map((o) => o.start);
    this.maxEnd = [];
    let m = -Infinity;
    for (const o of sorted) this.maxEnd.push((m = Math.max(m, o.end)));
  }
  inForce(t: number): boolean {
    let lo = 0;
    let hi = this.starts.length; // first index with start > t
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && this.maxEnd[lo - 1]! > t;
  }
}

type Limits = { min: number; max: number };

export class ReferenceEvaluator {
  private readonly from: number;
  private readonly to: number;
  private readonly zones: string[];
  private readonly windows: Window[];
  private readonly groups: Map<string, Limits> = new Map();
  private readonly workloads: Map<string, Limits> = new Map();
  private readonly defaultCapacity: Map<string, number>;
  private readonly defaultReplicas: Map<string, number>;
  /** Occurrences in force anywhere in [from, to], i.e. start <= to and end > from, non-empty. */
  private readonly occurrences: RefInterval[] = [];
  /** Per window (by index), per class: which instants the window is in force. */
  private readonly index: Map<RefClass, InForceIndex>[] = [];

  /** doc: the parsed JSON schedule document (already valid per the schema; you may assume validity). Precomputes every occurrence in force anywhere in [from, to] (epoch ms). */
  constructor(doc: unknown, from: number, to: number) {
    if (!(from <= to)) fail('from must not be after to');
    this.from = from;
    this.to = to;
    const docZone = own(doc, 'timezone');
    if (typeof docZone !== 'string') fail('no timezone');
    const dateLists = readDateLists(own(doc, 'dateLists'));
    for (const [name, g] of ownEntries(own(doc, 'nodeGroups'))) {
      const min = own(g, 'min');
      const max = own(g, 'max');
      if (typeof min !== 'number' || typeof max !== 'number') fail(`node group ${name} needs min and max`);
      this.groups.set(name, { min, max });
    }
    // README: workload "optional `min`/`max` replicas"; schema: min default 0, max default 150000.
    for (const [key, w] of ownEntries(own(doc, 'workloads'))) {
      const min = own(w, 'min') ?? 0;
      const max = own(w, 'max') ?? REPLICAS_MAX;
      if (typeof min !== 'number' || typeof max !== 'number') fail(`bad limits for workload ${key}`);
      this.workloads.set(key, { min, max });
    }
    const dflt = own(doc, 'default');
    this.defaultCapacity = numberMap(own(dflt, 'capacity'));
    this.defaultReplicas = numberMap(own(dflt, 'replicas'));
    for (const g of this.groups.keys()) if (!this.defaultCapacity.has(g)) fail(`default has no capacity for ${g}`);
    for (const w of this.workloads.keys()) if (!this.defaultReplicas.has(w)) fail(`default has no replicas for ${w}`);

    const rawWindows = own(doc, 'windows') ?? [];
    if (!Array.isArray(rawWindows)) fail('windows must be an array');
    this.windows = rawWindows.map((w, i) => readWindow(w, i, docZone));
    this.zones = [...new Set([docZone, ...this.windows.map((w) => w.zone)])];

    // Candidate local start dates. Upper end: an occurrence starting at or before `to` has its
    // start time at most to + |offset| < (UTC day of to + 1) + 1 day. Lower end: one still in
    // force after `from` started at most 31 days (cron) before it, and its start wall time is
    // above the clock reading at that instant (at least from − 31d − |offset|). Two days more on
    // each side as slack; occurrences outside [from, to] are filtered out below anyway.
    const firstDay = Math.floor(from / DAY) - 35;
    const lastDay = Math.floor(to / DAY) + 3;

    // One walk per zone covering every wall time those dates can ask for (from firstDay 00:00 to
    // the end of the day after lastDay, ± OFFSET_BOUND): the margins only spare ZoneClock its
    // fallback walks, correctness does not depend on them.
    const clocks = new Map<string, ZoneClock>();
    for (const z of this.zones) clocks.set(z, new ZoneClock(z, firstDay * DAY - 2 * DAY, (lastDay + 2) * DAY + 2 * DAY));

    const inLists = (names: string[], day: number): boolean =>
      names.some((n) => (dateLists.get(n) ?? fail(`unknown date list ${n}`)).some(([a, b]) => a <= day && day <= b));

    /**
     * Whether a weekly or cron window starts on local date `day`, and in which class (by cause):
     * exceptOn wins over everything; if the window's own rule starts it that day anyway it is
     * recurring (alsoOn naming the same date changes nothing); otherwise a date in alsoOn
     * brings in a date-list occurrence.
     */
    const startClass = (w: Window, day: number, ownRule: boolean): RefClass | undefined => {
      if (inLists(w.exceptOn, day)) return undefined;
      if (ownRule) return 'recurring';
      if (inLists(w.alsoOn, day)) return 'date-list';
      return undefined;
    };

    for (const w of this.windows) {
      const clock = clocks.get(w.zone)!;
      const occs: RefInterval[] = [];
      const add = (cls: RefClass, start: number, end: number) =>
        occs.push({ window: w.name, index: w.index, class: cls, start, end });
      const rule = w.rule;
      if (rule.type === 'weekly') {
        for (let day = firstDay; day <= lastDay; day++) {
          const cls = startClass(w, day, rule.days.has(weekday(day)));
          if (!cls) continue;
          // "a `to` at or before `from` ends on the next day"; 24:00 is the next day's 00:00.
          const endDay = rule.to > rule.from ? day : day + 1;
          add(cls, clock.happens(day * DAY + rule.from * MINUTE), clock.happens(endDay * DAY + rule.to * MINUTE));
        }
      } else if (rule.type === 'cron') {
        for (let day = firstDay; day <= lastDay; day++) {
          const cls = startClass(w, day, cronDayMatches(rule.cron, day));
          if (!cls) continue;
          // On every start date (own or alsoOn) the minute and hour fields give the times.
          for (const h of rule.cron.hours) {
            for (const m of rule.cron.minutes) {
              const start = clock.happens(day * DAY + h * HOUR + m * MINUTE);
              add(cls, start, start + rule.duration); // elapsed time, not local time
            }
          }
        }
      } else {
        add('absolute', clock.happens(rule.from), clock.happens(rule.to));
      }
      // Keep non-empty occurrences in force somewhere in [from, to]. An occurrence whose start
      // and end happen at the same instant (a window wholly inside a gap) has no instant. Cron
      // starts in one gap all happen at its end: identical intervals are kept once.
      const seen = new Set<string>();
      const kept: RefInterval[] = [];
      for (const o of occs) {
        if (!(o.end > o.start && o.end > from && o.start <= to)) continue;
        const key = `${o.class} ${o.start} ${o.end}`;
        if (seen.has(key)) continue;
        seen.add(key);
        kept.push(o);
      }
      this.occurrences.push(...kept);
      const perClass = new Map<RefClass, InForceIndex>();
      for (const cls of CLASSES_STRONGEST_FIRST) {
        const ofClass = kept.filter((o) => o.class === cls);
        if (ofClass.length > 0) perClass.set(cls, new InForceIndex(ofClass));
      }
      this.index.push(perClass);
    }
  }

  /** The desired state at an instant in [from, to). */
  at(instant: number): RefDesired {
    if (!(instant >= this.from && instant <= this.to)) fail('instant outside [from, to]');
    // Each window competes with its strongest occurrence in force now ("when occurrences of
    // one window with different classes overlap"), or not at all.
    const strongest: (RefClass | undefined)[] = this.windows.map((w) =>
      CLASSES_STRONGEST_FIRST.find((cls) => this.index[w.index]!.get(cls)?.inForce(instant)),
    );

    /**
     * README, Precedence: among the windows in force that set the field, the stronger class,
     * then the higher priority, then the later in the file. The default when none.
     */
    const decide = (field: (w: Window) => Map<string, number>, key: string, dflt: number, limits: Limits) => {
      let best: { w: Window; cls: RefClass; value: number } | undefined;
      for (const w of this.windows) {
        const cls = strongest[w.index];
        const value = field(w).get(key);
        if (cls === undefined || value === undefined) continue;
        const wins =
          !best ||
          CLASS_RANK[cls] > CLASS_RANK[best.cls] ||
          (CLASS_RANK[cls] === CLASS_RANK[best.cls] &&
            (w.priority > best.w.priority || (w.priority === best.w.priority && w.index > best.w.index)));
        if (wins) best = { w, cls, value };
      }
      const raw = best ? best.value : dflt;
      // "Values are always clamped to the limits" (the default's too).
      const value = Math.min(limits.max, Math.max(limits.min, raw));
      const source: RefSource = best ? { kind: 'window', window: best.w.name, class: best.cls } : { kind: 'default' };
      return { value, source };
    };

    const out: RefDesired = { capacity: {}, replicas: {}, sources: { capacity: {}, replicas: {} } };
    for (const [g, limits] of this.groups) {
      const { value, source } = decide((w) => w.capacity, g, this.defaultCapacity.get(g)!, limits);
      setOwn(out.capacity, g, value);
      setOwn(out.sources.capacity, g, source);
    }
    for (const [k, limits] of this.workloads) {
      const { value, source } = decide((w) => w.replicas, k, this.defaultReplicas.get(k)!, limits);
      setOwn(out.replicas, k, value);
      setOwn(out.sources.replicas, k, source);
    }
    return out;
  }

  /** Every occurrence interval overlapping [from, to), any order. */
  intervals(): readonly RefInterval[] {
    return this.occurrences.filter((o) => o.start < this.to && o.end > this.from).map((o) => ({ ...o }));
  }

  /** Sorted unique instants in (from, to) at which some occurrence starts or ends. */
  boundaries(): number[] {
    const set = new Set<number>();
    for (const o of this.occurrences) {
      for (const t of [o.start, o.end]) if (t > this.from && t < this.to) set.add(t);
    }
    return [...set].sort((a, b) => a - b);
  }

  /** Sorted instants in (from, to) at which the UTC offset of any zone the document uses (its timezone and windows' own) changes. */
  offsetChanges(): number[] {
    const set = new Set<number>();
    // Offsets change only at whole minutes, so checking each whole minute in (from, to)
    // against the minute before finds every change.
    for (const zone of this.zones) {
      for (let t = Math.floor(this.from / MINUTE) * MINUTE + MINUTE; t < this.to; t += MINUTE) {
        if (offsetAtMinute(zone, t) !== offsetAtMinute(zone, t - MINUTE)) set.add(t);
      }
    }
    return [...set].sort((a, b) => a - b);
  }
}
