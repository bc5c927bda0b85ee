// Limits per node group and per workload: no window and no override may cross them.

import { copyDict } from '../records.js';
import type { Schedule, State } from './types.js';

/** The most nodes a schedule may give a group: twice the 5,000 Kubernetes supports in one cluster. */
export const MAX_NODES = 10_000;
/** The most replicas a schedule may give a workload: the 150,000 pods Kubernetes supports in one cluster. */
export const MAX_REPLICAS = 150_000;

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
