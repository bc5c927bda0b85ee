// The one place that reads the wall clock. Everything else takes time as an argument or
// gets a Clock, so tests run on fixed or simulated time.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** RFC 3339 in UTC to the second, as Kubernetes writes its timestamps: "2026-11-26T06:15:02Z". */
export function isoSeconds(instant: number): string {
  return `${new Date(instant).toISOString().slice(0, 19)}Z`;
}
