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
/** Real offsets lie within ±14 h, so a local time's instant lies within wall ± 14 h. */
const MAX_OFFSET_MS = 14 * MS_PER_HOUR;

export type Resolution =
  | { readonly kind: 'exact'; readonly instant: number }
  /** The local time was skipped (spring forward); instant = the first instant after the gap. */
  | { readonly kind: 'gap'; readonly instant: number }
  /** The local time happened twice (fall back); instant = the first occurrence. */
  | { readonly kind: 'ambiguous'; readonly instant: number; readonly later: number };

const IANA_NAME_RE = /^(?:[A-Za-z][A-Za-z0-9_+-]*)(?:\/[A-Za-z0-9_+-]+)*$/;

export class Zone {
  static readonly #cache = new Map<string, Zone>();
  readonly #format: Intl.DateTimeFormat;

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
    const parts = this.#format.formatToParts(new Date(instant));
    const get = (type: Intl.DateTimeFormatPartTypes): number =>
      Number(parts.find((p) => p.type === type)?.value ?? NaN);
    return {
      year: get('year'),
      month: get('month'),
      day: get('day'),
      hour: get('hour'),
      minute: get('minute'),
      second: get('second'),
    };
  }

  /** UTC offset in minutes at an instant (east positive: Amsterdam in winter = 60). */
  offsetMinutes(instant: number): number {
    const whole = Math.floor(instant / 1000) * 1000;
    return Math.round((wallMs(this.toLocal(whole)) - whole) / MS_PER_MINUTE);
  }

  /** The instant of a local time, by the DST policy (see the module comment). */
  resolve(local: LocalDateTime): Resolution {
    const wall = wallMs(local);
    const offsets = new Set([
      this.offsetMinutes(wall - MAX_OFFSET_MS),
      this.offsetMinutes(wall),
      this.offsetMinutes(wall + MAX_OFFSET_MS),
    ]);
    const instants = [...offsets]
      .map((offset) => wall - offset * MS_PER_MINUTE)
      .filter((instant) => wallMs(this.toLocal(instant)) === wall)
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
    // Before the gap the offset is smaller; wall - before is after the transition, and
    // wall - after is before it. Binary search the transition to the second.
    const before = this.offsetMinutes(wall - MAX_OFFSET_MS);
    const after = this.offsetMinutes(wall + MAX_OFFSET_MS);
    let lo = wall - after * MS_PER_MINUTE; // offset here is still `before`
    let hi = wall - before * MS_PER_MINUTE; // offset here is already `after`
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (this.offsetMinutes(mid) === before) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  /** "+01:00" style offset at an instant. */
  offsetLabel(instant: number): string {
    const offset = this.offsetMinutes(instant);
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }
}
