// The one place that reads the wall clock. Everything else takes time as an argument or
// gets a Clock, so tests run on fixed or simulated time.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
