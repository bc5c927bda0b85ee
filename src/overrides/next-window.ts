// `--until-next-window`: "wake the cluster now, until the schedule next says otherwise".
// The end is the first instant after `now` at which the schedule's desired state changes,
// not merely the next window boundary: where one weekend day's occurrence ends and the
// next one's starts, or a window starts under a stronger one, nothing changes, and an
// override ending there would hand the cluster back to the very state it overrode.

import { nextBoundary, timeline } from '../schedule/evaluate.js';
import type { Schedule } from '../schedule/types.js';

const DAY = 86_400_000;
const HORIZON = 8 * 366 * DAY;

/**
 * The first instant after `now` at which the desired state differs from the one at `now`;
 * undefined when it never does again (no windows, only past absolute windows, or windows
 * that change nothing within eight years): the caller must then refuse, as there is no
 * "next window" to end at.
 */
export function nextWindowChange(schedule: Schedule, now: number): number | undefined {
  // Cheap first: a schedule with no boundary ahead has no change ahead.
  if (nextBoundary(schedule, now) === undefined) return undefined;
  // The timeline is made as it is read: eight years ahead costs what lies before the first change.
  return timeline(schedule, now, now + HORIZON, 1).transitions[0]?.at;
}
