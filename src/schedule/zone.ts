// IANA time zones on top of Intl, with scalerd's DST policy.
//
// Why not Luxon or Temporal's "compatible" disambiguation: both move a local time that
// falls in a spring-forward gap forward by the gap's length (02:30 → 03:30). scalerd's
// policy is that such a boundary takes effect at the first instant after the gap
// (03:00), so that every boundary in the gap lands on one instant and the order of
// boundaries within a day is kept. A repeated local time (fall back) takes effect at its
// first occurrence. Node 20 has no Temporal, so this small module does the arithmetic.

import { type LocalDateTime, wallMs } from './calendar.js';

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
/** Real offsets lie within ±14 h, so a local time's instant lies within wall ± 14 h. */
const MAX_OFFSET_MS = 14 * MS_PER_HOUR;

export type Resolution =
  | { readonly kind: 'exact'; readonly instant: number }
  /** The local time was skipped (spring forward); instant = the first instant after the gap. */
  | { readonly kind: 'gap'; readonly instant: number }
  /** The local time happened twice (fall back); instant = the first occurrence. */
  | { readonly kind: 'ambiguous'; readonly instant: number; readonly later: number };

const IANA_NAME_RE = /^(?:[A-Za-z][A-Za-z0-9_+-]*)(?:\/[A-Za-z0-9_+-]+)*$/;

/**
 * Resolutions remembered per zone. Windows repeat the same local times day after day and a
 * schedule is evaluated again at every reconcile. Bounded: emptied when full, so a schedule
 * with many distinct times costs no more memory than this, only time.
 */
const RESOLUTIONS_KEPT = 100_000;
/** Years whose offset changes are remembered per zone (a few hundred bytes each). */
const YEARS_KEPT = 400;

/** The offsets of one UTC year: the one at its start, and each change with its instant. */
type YearOffsets = { readonly begin: number; readonly end: number; readonly start: number; readonly changes: readonly { readonly at: number; readonly offset: number }[] };

export class Zone {
  static readonly #cache = new Map<string, Zone>();
  readonly #format: Intl.DateTimeFormat;
  readonly #resolutions = new Map<number, Resolution>();
  readonly #years = new Map<number, YearOffsets>();
  #lastYear: YearOffsets | undefined;

  private constructor(readonly name: string, format: Intl.DateTimeFormat) {
    this.#format = format;
  }

  /** The zone for an IANA name, or undefined when the name is not a known IANA zone. */
  static find(name: string): Zone | undefined {
    const cached = Zone.#cache.get(name);
    if (cached) return cached;
    // Intl also accepts offsets such as "+02:00"; a schedule must name a real zone.
    if (!IANA_NAME_RE.test(name)) return undefined;
    let format: Intl.DateTimeFormat;
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      return undefined; // RangeError: unknown time zone; the caller reports it.
    }
    const zone = new Zone(name, format);
    Zone.#cache.set(name, zone);
    return zone;
  }

  /** The local wall-clock reading at an instant. */
  toLocal(instant: number): LocalDateTime {
    const d = new Date(instant + this.offsetMinutes(instant) * MS_PER_MINUTE);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
  }

  /**
   * UTC offset in minutes at an instant (east positive: Amsterdam in winter = 60). Read from
   * the year's offset changes, found once per year through Intl: asking Intl at every
   * instant made evaluating a large schedule take minutes.
   */
  offsetMinutes(instant: number): number {
    const { start, changes } = this.#yearOf(instant);
    let offset = start;
    for (const change of changes) {
      if (change.at > instant) break;
      offset = change.offset;
    }
    return offset;
  }

  /** The offset in minutes when it is the same at every instant of [from, to]; undefined when it changes. */
  fixedOffsetBetween(from: number, to: number): number | undefined {
    const offset = this.offsetMinutes(from);
    const first = this.#yearOf(from);
    if (to < first.end) return first.changes.some((c) => c.at > from && c.at <= to) ? undefined : offset;
    for (let year = new Date(from).getUTCFullYear(); year <= new Date(to).getUTCFullYear(); year++) {
      if (this.#yearOffsets(year).changes.some((c) => c.at > from && c.at <= to)) return undefined;
    }
    return offset;
  }

  /** The offset changes in (from, to]: DST starting or ending, a zone's rule changing; each with the offset after it. */
  offsetChanges(from: number, to: number): { readonly at: number; readonly offset: number }[] {
    const changes: { at: number; offset: number }[] = [];
    for (let year = new Date(from).getUTCFullYear(); year <= new Date(to).getUTCFullYear(); year++) {
      changes.push(...this.#yearOffsets(year).changes.filter((c) => c.at > from && c.at <= to));
    }
    return changes;
  }

  /** The offsets of the UTC year of `instant`: the last one asked for is kept at hand. */
  #yearOf(instant: number): YearOffsets {
    const last = this.#lastYear;
    if (last && last.begin <= instant && instant < last.end) return last;
    const year = new Date(instant).getUTCFullYear();
    const offsets = this.#yearOffsets(year);
    this.#lastYear = offsets;
    return offsets;
  }

  /** The instant of a local time, by the DST policy (see the module comment). */
  resolve(local: LocalDateTime): Resolution {
    return this.resolveWall(wallMs(local));
  }

  /** As resolve, for a wall time in ms (calendar.ts wallMs). */
  resolveWall(wall: number): Resolution {
    const known = this.#resolutions.get(wall);
    if (known) return known;
    if (this.#resolutions.size >= RESOLUTIONS_KEPT) this.#resolutions.clear();
    const resolution = this.#resolve(wall);
    this.#resolutions.set(wall, resolution);
    return resolution;
  }

  #resolve(wall: number): Resolution {
    const offsets = new Set([
      this.offsetMinutes(wall - MAX_OFFSET_MS),
      this.offsetMinutes(wall),
      this.offsetMinutes(wall + MAX_OFFSET_MS),
    ]);
    const instants = [...offsets]
      .map((offset) => wall - offset * MS_PER_MINUTE)
      .filter((instant) => instant + this.offsetMinutes(instant) * MS_PER_MINUTE === wall)
      .sort((a, b) => a - b);
    const [first, second] = instants;
    if (first !== undefined && second !== undefined && second !== first) {
      return { kind: 'ambiguous', instant: first, later: second };
    }
    if (first !== undefined) return { kind: 'exact', instant: first };
    return { kind: 'gap', instant: this.#gapEnd(wall) };
  }

  /** The instant a skipped local wall time's gap ends: the first instant whose offset is the new one. */
  #gapEnd(wall: number): number {
    const before = this.offsetMinutes(wall - MAX_OFFSET_MS);
    const after = this.offsetMinutes(wall + MAX_OFFSET_MS);
    const from = wall - after * MS_PER_MINUTE; // the offset here is still `before`
    const to = wall - before * MS_PER_MINUTE; // and here already `after`
    for (const year of new Set([new Date(from).getUTCFullYear(), new Date(to).getUTCFullYear()])) {
      const change = this.#yearOffsets(year).changes.find((c) => c.at > from && c.at <= to && c.offset === after);
      if (change) return change.at;
    }
    return to;
  }

  /** The offset by Intl, to the minute: the source of truth, and slow. */
  #intlOffsetMinutes(instant: number): number {
    const whole = Math.floor(instant / 1000) * 1000;
    const parts = this.#format.formatToParts(new Date(whole));
    const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
    const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return Math.round((wall - whole) / MS_PER_MINUTE);
  }

  /**
   * The year's offset changes: the offset at each UTC midnight, and where two differ, the
   * second of the change by bisection. (Zones change their offset at most a few times a
   * year and never twice in a day.)
   */
  #yearOffsets(year: number): YearOffsets {
    const known = this.#years.get(year);
    if (known) return known;
    if (this.#years.size >= YEARS_KEPT) this.#years.clear();
    const first = Date.UTC(year, 0, 1);
    const end = Date.UTC(year + 1, 0, 1);
    const start = this.#intlOffsetMinutes(first);
    const changes: { at: number; offset: number }[] = [];
    let offset = start;
    for (let day = first + MS_PER_DAY; day <= end; day += MS_PER_DAY) {
      const next = this.#intlOffsetMinutes(day);
      if (next === offset) continue;
      let lo = day - MS_PER_DAY; // still `offset`
      let hi = day; // already `next`
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (this.#intlOffsetMinutes(mid) === offset) lo = mid;
        else hi = mid;
      }
      if (hi < end) changes.push({ at: hi, offset: next });
      offset = next;
    }
    const offsets = { begin: first, end, start, changes };
    this.#years.set(year, offsets);
    return offsets;
  }

  /** "+01:00" style offset at an instant. */
  offsetLabel(instant: number): string {
    const offset = this.offsetMinutes(instant);
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }
}
