// The in-flight registry (STYLE.md 7, Karpenter queue.go): keys of what this run is acting
// on, by stable id — an instance id, a pod's namespace/name with its UID — so that nothing
// is acted on twice within a run even if a plan names it twice or two tasks meet it (a
// pod seen again on a re-list while its eviction is under way). A claim is never released
// during the run: once claimed, the claimant owns it to the end.

import type { PodRef } from '../ports/cluster.js';

export const instanceKey = (id: string): string => `instance/${id}`;
export const nodeKey = (name: string): string => `node/${name}`;
export const podKey = (pod: PodRef): string => `pod/${pod.namespace}/${pod.name}/${pod.uid}`;

export class InFlight {
  readonly #keys = new Set<string>();

  /** Claims every key, or none (false) when any is claimed already. */
  claim(...keys: string[]): boolean {
    if (this.hasAny(...keys)) return false;
    for (const key of keys) this.#keys.add(key);
    return true;
  }

  hasAny(...keys: string[]): boolean {
    return keys.some((key) => this.#keys.has(key));
  }
}
