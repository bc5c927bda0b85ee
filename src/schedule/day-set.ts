// A set of local dates (epoch days) kept as sorted, merged ranges. A date list is written
// as dates and ranges; expanding "2026-01-01..2999-12-31" into one entry per day would let
// a 1 MiB schedule ask for billions of them. Membership is a binary search.

export class DaySet {
  static readonly empty = new DaySet([]);

  /** Sorted by start, disjoint and not touching: [from, to] with both ends included. */
  readonly #ranges: readonly (readonly [number, number])[];

  private constructor(ranges: readonly (readonly [number, number])[]) {
    this.#ranges = ranges;
  }

  /** The union of ranges given in any order, overlapping or not. */
  static of(ranges: Iterable<readonly [from: number, to: number]>): DaySet {
    const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [from, to] of sorted) {
      const last = merged[merged.length - 1];
      if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
      else merged.push([from, to]);
    }
    return merged.length === 0 ? DaySet.empty : new DaySet(merged);
  }

  static union(sets: Iterable<DaySet>): DaySet {
    return DaySet.of([...sets].flatMap((set) => set.#ranges));
  }

  /** The merged ranges, for passing the set between threads (DaySet.of takes them back). */
  ranges(): [number, number][] {
    return this.#ranges.map(([from, to]) => [from, to]);
  }

  has(day: number): boolean {
    const ranges = this.#ranges;
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [from, to] = ranges[mid]!;
      if (day < from) hi = mid - 1;
      else if (day > to) lo = mid + 1;
      else return true;
    }
    return false;
  }

  get size(): number {
    return this.#ranges.reduce((n, [from, to]) => n + to - from + 1, 0);
  }
}
