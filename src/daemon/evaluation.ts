// The schedule's state at an instant and until when it holds: desiredAt, and the next
// instant a window starts or ends (looked for within LOOKAHEAD_MS). Worked out on the
// checking thread when a schedule is taken in, and on the daemon's thread only when the
// known answer has run out; between two boundaries every question is answered from it.

import { desiredAt, nextBoundary, type Desired, type Schedule } from '../schedule/index.js';

/** How far ahead the daemon looks for the next boundary; a later one is found by a later reconcile (the resync). */
export const LOOKAHEAD_MS = 8 * 86_400_000;

export type Evaluation = {
  readonly from: number;
  /** The next boundary after `from`, or undefined when none comes within LOOKAHEAD_MS. */
  readonly boundary: number | undefined;
  readonly desired: Desired;
};

export function evaluate(schedule: Schedule, now: number): Evaluation {
  return { from: now, boundary: nextBoundary(schedule, now, LOOKAHEAD_MS), desired: desiredAt(schedule, now) };
}

/** Whether what `evaluation` says holds at `now` too: no window started or ended in between. */
export function holdsAt(evaluation: Evaluation, now: number): boolean {
  return evaluation.from <= now && now < (evaluation.boundary ?? evaluation.from + LOOKAHEAD_MS);
}
