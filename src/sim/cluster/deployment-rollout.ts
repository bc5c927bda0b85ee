// One step of a Deployment rollout as the deployment controller takes it (rolling.go,
// recreate.go), as pure arithmetic over the ReplicaSets' sizes: which sizes to set now.
// Simplification: scaling a Deployment in the middle of a rollout is not spread
// proportionally over the old ReplicaSets; the step below converges all the same.

import { scaledValue } from './objects.js';

export type RsView = {
  readonly name: string;
  /** spec.replicas */
  readonly replicas: number;
  /** Pods that still exist and have not finished, terminating ones included. */
  readonly pods: number;
  readonly available: number;
  /** Older first, for scaling down the oldest ReplicaSets first. */
  readonly created: string;
};

export type Strategy =
  | { readonly type: 'Recreate' }
  | { readonly type: 'RollingUpdate'; readonly maxSurge?: number | string; readonly maxUnavailable?: number | string };

/** maxSurge rounds up, maxUnavailable down; both 0 would stall, so maxUnavailable becomes 1. */
export function surgeAndUnavailable(strategy: Strategy, replicas: number): { maxSurge: number; maxUnavailable: number } {
  if (strategy.type !== 'RollingUpdate') return { maxSurge: 0, maxUnavailable: replicas };
  const maxSurge = scaledValue(strategy.maxSurge, replicas, true, Math.ceil(replicas / 4));
  const maxUnavailable = scaledValue(strategy.maxUnavailable, replicas, false, Math.floor(replicas / 4));
  return maxSurge === 0 && maxUnavailable === 0 ? { maxSurge, maxUnavailable: 1 } : { maxSurge, maxUnavailable };
}

/** The sizes to set: name → replicas, only for ReplicaSets whose size changes. */
export function rolloutStep(replicas: number, strategy: Strategy, newRs: RsView, old: readonly RsView[]): Map<string, number> {
  const sizes = new Map<string, number>([[newRs.name, newRs.replicas], ...old.map((rs) => [rs.name, rs.replicas] as const)]);
  const oldest = [...old].sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : a.name < b.name ? -1 : 1));
  if (strategy.type === 'Recreate') {
    if (old.some((rs) => rs.replicas > 0)) for (const rs of old) sizes.set(rs.name, 0);
    // The new pods start only once every old pod is gone.
    else if (old.every((rs) => rs.pods === 0)) sizes.set(newRs.name, replicas);
  } else {
    const { maxSurge, maxUnavailable } = surgeAndUnavailable(strategy, replicas);
    const total = () => [...sizes.values()].reduce((a, b) => a + b, 0);
    // Scale the new ReplicaSet up within the surge (or down to the target).
    let newSize = Math.min(newRs.replicas, replicas);
    const room = replicas + maxSurge - (total() - newRs.replicas + newSize);
    if (room > 0) newSize = Math.min(replicas, newSize + room);
    sizes.set(newRs.name, newSize);
    // Scale old ones down, first their unavailable pods, then available ones while enough stay available.
    const minAvailable = replicas - maxUnavailable;
    const newUnavailable = Math.max(0, newSize - newRs.available);
    let budget = total() - minAvailable - newUnavailable;
    for (const rs of oldest) {
      if (budget <= 0) break;
      const unhealthy = Math.min(budget, Math.max(0, rs.replicas - rs.available));
      sizes.set(rs.name, rs.replicas - unhealthy);
      budget -= unhealthy;
    }
    let removable = newRs.available + old.reduce((a, rs) => a + rs.available, 0) - minAvailable;
    for (const rs of oldest) {
      if (removable <= 0) break;
      const size = sizes.get(rs.name)!;
      const down = Math.min(size, removable);
      sizes.set(rs.name, size - down);
      removable -= down;
    }
  }
  const result = new Map<string, number>();
  for (const rs of [newRs, ...old]) if (sizes.get(rs.name) !== rs.replicas) result.set(rs.name, sizes.get(rs.name)!);
  return result;
}
