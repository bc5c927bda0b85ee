// Limits per node group and per workload: no window and no override may cross them.

import { copyDict } from '../records.js';
import type { Schedule, State } from './types.js';

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** The state with every value brought within its limits; unknown keys are kept as they are. */
export function clampState(schedule: Schedule, state: State): State {
  const capacity = copyDict(state.capacity);
  const replicas = copyDict(state.replicas);
  for (const group of schedule.nodeGroups) {
    const value = capacity[group.name];
    if (value !== undefined) capacity[group.name] = clamp(value, group.min, group.max);
  }
  for (const workload of schedule.workloads) {
    const value = replicas[workload.key];
    if (value !== undefined) replicas[workload.key] = clamp(value, workload.min, workload.max);
  }
  return { capacity, replicas };
}
