import type { Faults } from './faults.js';
import type { Store } from './kube/store.js';
import type { Recorder } from './recorder.js';
import type { SimClock } from './sim-clock.js';

/** What every part of the simulated cluster acts on: the objects, the clock, the faults and the record. */
export type SimDeps = {
  readonly store: Store;
  readonly clock: SimClock;
  readonly faults: Faults;
  readonly recorder: Recorder;
};
