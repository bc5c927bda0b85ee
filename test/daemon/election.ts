// Leader-election candidates on a simulator, as a daemon runs them: an elector on the
// simulator's clock over a Lease store, its callbacks recorded with the simulated time.
// Shared by the election tests.

import { LeaderElector, type LeaderElectorOptions, type StopReason } from '../../src/daemon/leader.js';
import type { LeaseStore } from '../../src/ports/lease.js';
import type { Sim } from '../../src/sim/index.js';

export type Candidate = {
  readonly id: string;
  readonly elector: LeaderElector;
  readonly store: LeaseStore;
  /** [simulated time, what happened], in order. */
  readonly events: [number, string][];
  /** Stops the loop; resolves when run() has returned. */
  stop(): Promise<void>;
};

/** Starts a candidate's loop on `lease` ({ namespace, name }) with `store`. */
export function startCandidate(sim: Sim, lease: { namespace: string; name: string }, id: string, store: LeaseStore, more: Partial<LeaderElectorOptions> = {}): Candidate {
  const events: [number, string][] = [];
  const at = (what: string) => events.push([sim.clock.now(), what]);
  const elector = new LeaderElector({
    store, namespace: lease.namespace, name: lease.name, identity: id, clock: sim.clock, sleep: (ms, signal) => sim.clock.sleep(ms, signal),
    onStartedLeading: () => at('started'),
    onStoppedLeading: (reason: StopReason) => at(`stopped:${reason}`),
    onNewLeader: (leader) => at(`leader:${leader}`),
    ...more,
  });
  const controller = new AbortController();
  const done = elector.run(controller.signal);
  return { id, elector, store, events, stop: async () => { controller.abort(); await done; } };
}

/** Intervals where both candidates' callbacks said they were leading. */
export function overlaps(a: readonly [number, string][], b: readonly [number, string][]): string[] {
  const terms = (events: readonly [number, string][]) => {
    const out: [number, number][] = [];
    let from: number | undefined;
    for (const [at, e] of events) {
      if (e === 'started') from = at;
      else if (e.startsWith('stopped:') && from !== undefined) { out.push([from, at]); from = undefined; }
    }
    if (from !== undefined) out.push([from, Infinity]);
    return out;
  };
  return terms(a).flatMap(([s1, e1]) => terms(b).filter(([s2, e2]) => s1 < e2 && s2 < e1).map(([s2, e2]) => `[${s1},${e1}] and [${s2},${e2}]`));
}
