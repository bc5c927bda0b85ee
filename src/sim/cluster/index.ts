// The simulated cluster's own behaviour over the object store: scheduler, kubelets,
// workload controllers, PDB status, garbage collection. Controllers react to store events
// and do their work on the simulated clock, so with a manual clock nothing happens until
// the test advances it, and then everything happens in a reproducible order.

import type { Faults } from '../faults.js';
import { RESOURCES, resourceKey } from '../kube/resources.js';
import type { Store, StoreEvent } from '../kube/store.js';
import type { Recorder } from '../recorder.js';
import type { SimClock } from '../sim-clock.js';
import { type ClusterDeps, type ClusterTimings, type Controller, DEFAULT_CLUSTER_TIMINGS, type PodProcesses } from './controller.js';
import { createControlPlaneLeases } from './control-plane-leases.js';
import { createDaemonSetController } from './daemonset.js';
import { createDeploymentController } from './deployment.js';
import { createEventExpiry } from './event-ttl.js';
import { ClusterEvents } from './events.js';
import { createGarbageCollector } from './garbage-collector.js';
import { installIndexes } from './indexes.js';
import { createKubelet } from './kubelet.js';
import { createNamespaceController, createPodGarbageCollector } from './lifecycle.js';
import { createNodeEvents } from './node-events.js';
import { createNodeLeaseController } from './node-lease.js';
import { createPdbStatusController } from './pdb-status.js';
import { createReplicaSetController } from './replicaset.js';
import { createScheduler } from './scheduler.js';
import { createStatefulSetController } from './statefulset.js';

export { ANNOTATIONS, type ClusterTimings, DEFAULT_CLUSTER_TIMINGS, type PodProcesses } from './controller.js';
export { templateHash } from './objects.js';

export type ControllerDeps = {
  readonly store: Store;
  readonly clock: SimClock;
  readonly faults: Faults;
  readonly recorder: Recorder;
  readonly timings?: Partial<ClusterTimings>;
  /** Pods that run real processes (the kubelet hands them over); none without it. */
  readonly processes?: PodProcesses;
};

export type RunningControllers = {
  /** Unsubscribes every controller and cancels its timers. */
  stop(): void;
  /**
   * Brings the cluster to rest now, without moving the clock, as if it had been running
   * a while (seeding a scenario): controller passes run over and over until none is left,
   * and pods waiting to start start at once, so Deployments are available and
   * StatefulSets complete. Terminations in progress keep their timing.
   */
  settle(): void;
  /** The Events the controllers write; muted while a scenario is seeded. */
  readonly events: ClusterEvents;
};

const MAX_SETTLE_ROUNDS = 10_000;

export function startControllers(deps: ControllerDeps): RunningControllers {
  const timings = { ...DEFAULT_CLUSTER_TIMINGS, ...deps.timings };
  const events = new ClusterEvents(deps.store, deps.clock);
  const cluster: ClusterDeps = { store: deps.store, clock: deps.clock, faults: deps.faults, recorder: deps.recorder, timings, events, ...(deps.processes ? { processes: deps.processes } : {}) };
  installIndexes(deps.store);
  // The order is the order each store event reaches them: the garbage collector first
  // learns of new owners, the scheduler's node accounting sees a pod before anyone acts on it.
  const controllers: Controller[] = [
    createGarbageCollector(cluster),
    createScheduler(cluster),
    createKubelet(cluster),
    createNodeLeaseController(cluster),
    createControlPlaneLeases(cluster),
    createReplicaSetController(cluster),
    createDeploymentController(cluster),
    createStatefulSetController(cluster),
    createDaemonSetController(cluster),
    createPdbStatusController(cluster),
    createPodGarbageCollector(cluster),
    createNamespaceController(cluster),
    createNodeEvents(cluster),
    createEventExpiry(cluster),
  ];
  const byResource = new Map<string, Controller[]>();
  for (const controller of controllers) {
    for (const resource of controller.watches) byResource.set(resource, [...(byResource.get(resource) ?? []), controller]);
  }
  const unsubscribe = deps.store.subscribe((event: StoreEvent) => {
    for (const controller of byResource.get(event.resource) ?? []) controller.onEvent(event);
  });
  replayExisting(cluster, byResource);
  const queues = controllers.flatMap((c) => c.queues);
  return {
    events,
    stop() {
      unsubscribe();
      for (const queue of queues) queue.stop();
      for (const controller of controllers) controller.stop?.();
    },
    settle() {
      for (let round = 0; ; round++) {
        if (round === MAX_SETTLE_ROUNDS) throw new Error(`cluster controllers did not settle after ${MAX_SETTLE_ROUNDS} rounds`);
        let busy = false;
        for (const queue of queues) {
          busy ||= queue.pending;
          queue.flush();
        }
        for (const controller of controllers) busy = (controller.settle?.() ?? false) || busy;
        if (!busy) return;
      }
    },
  };
}

/** Objects stored before the controllers started are seen as if just added (an informer's initial list); pods last. */
function replayExisting(deps: ClusterDeps, byResource: Map<string, Controller[]>): void {
  const resources = RESOURCES.map(resourceKey).sort((a, b) => Number(a === 'pods') - Number(b === 'pods'));
  for (const resource of resources) {
    for (const object of deps.store.list(resource)) {
      for (const controller of byResource.get(resource) ?? []) controller.onEvent({ type: 'ADDED', resource, object, rv: 0 });
    }
  }
}
