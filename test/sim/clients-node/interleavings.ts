// Random interleavings of what happens to a cluster while scalerd drains it: evictions,
// deletes, scale changes, cordons, instance terminations and the clock moving. Operations
// name their targets by position (modulo what exists then), so any sequence applies to any
// state and fast-check can shrink it.

import fc from 'fast-check';
import { KubeApi } from '../../../src/sim/kube/api.js';
import { ApiError } from '../../../src/sim/kube/api-error.js';
import { RESOURCES, resourceKey } from '../../../src/sim/kube/resources.js';
import { route, type ResourceRoute } from '../../../src/sim/kube/routes.js';
import type { KubeObject, StoreEvent } from '../../../src/sim/kube/store.js';
import type { Sim } from '../../../src/sim/index.js';

export type Op =
  | { readonly kind: 'evict'; readonly pick: number; readonly precondition: 'none' | 'uid' | 'stale' | 'missing-pod' }
  | { readonly kind: 'delete'; readonly pick: number; readonly graceSeconds: number | undefined }
  | { readonly kind: 'scale'; readonly workload: 'deployments/web' | 'deployments/cache' | 'statefulsets/search'; readonly replicas: number }
  | { readonly kind: 'cordon'; readonly pick: number; readonly unschedulable: boolean }
  | { readonly kind: 'terminate'; readonly pick: number; readonly decrement: boolean }
  | { readonly kind: 'advance'; readonly ms: number };

export const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('evict' as const), pick: fc.nat(50), precondition: fc.constantFrom('none' as const, 'uid' as const, 'uid' as const, 'uid' as const, 'stale' as const, 'missing-pod' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(50), graceSeconds: fc.constantFrom(undefined, 0, 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('scale' as const), workload: fc.constantFrom('deployments/web' as const, 'deployments/cache' as const, 'statefulsets/search' as const), replicas: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cordon' as const), pick: fc.nat(10), unschedulable: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('terminate' as const), pick: fc.nat(10), decrement: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.oneof(fc.constantFrom(0, 100, 500, 1_000, 5_000), fc.nat(12_000)) }) },
);

const CLIENT = 'property-test';
const MERGE = 'application/merge-patch+json';

/** The simulator's API verbs in-process, for the operations whose HTTP path is not under test. */
export class InProcess {
  readonly #api: KubeApi;

  constructor(private readonly sim: Sim) {
    this.#api = new KubeApi({ store: sim.store, clock: sim.clock, faults: sim.faults, recorder: sim.recorder });
  }

  /** Runs a write; an object deleted or changed meanwhile (404, 409) or a refused size (422) is not a failure. */
  write(fn: (api: KubeApi) => KubeObject): KubeObject | undefined {
    try {
      return fn(this.#api);
    } catch (error) {
      if (error instanceof ApiError && [404, 409, 422].includes(error.code)) return undefined;
      throw error;
    }
  }

  deletePod(pod: KubeObject, graceSeconds: number | undefined): KubeObject | undefined {
    return this.write((api) => api.delete(at(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`), graceSeconds === undefined ? {} : { gracePeriodSeconds: graceSeconds }, CLIENT));
  }

  scale(workload: string, replicas: number): KubeObject | undefined {
    return this.write((api) => api.patch(at(`/apis/apps/v1/namespaces/shop/${workload}/scale`), MERGE, { spec: { replicas } }, CLIENT));
  }

  cordon(node: KubeObject, unschedulable: boolean): KubeObject | undefined {
    return this.write((api) => api.patch(at(`/api/v1/nodes/${node.metadata.name}`), MERGE, { spec: { unschedulable: unschedulable ? true : null } }, CLIENT));
  }

  /** Through the AWS model, as TerminateInstanceInAutoScalingGroup does; refusals (at MinSize) are fine. */
  terminate(pick: number, decrement: boolean): void {
    const live = this.sim.aws.instances().filter((i) => i.lifecycle === 'InService' || i.lifecycle === 'Pending');
    const victim = live[pick % Math.max(1, live.length)];
    if (victim) this.sim.aws.terminateInstance(victim.instanceId, decrement);
  }
}

function at(path: string): ResourceRoute {
  const r = route(path);
  if (r.kind !== 'resource') throw new Error(`not a resource path: ${path}`);
  return r;
}

/**
 * Watches every store event for resourceVersions that do not increase: globally (each
 * event above the one before) and per object (each change of an object above its last).
 */
export class VersionMonitor {
  readonly problems: string[] = [];
  #last: number;
  readonly #perObject = new Map<string, number>();
  readonly #stop: () => void;

  constructor(sim: Sim) {
    this.#last = sim.store.resourceVersion;
    for (const resource of RESOURCES.map(resourceKey)) {
      for (const object of sim.store.list(resource)) this.#perObject.set(`${resource}/${object.metadata.uid}`, Number(object.metadata.resourceVersion));
    }
    this.#stop = sim.store.subscribe((event) => this.#check(event));
  }

  stop(): void {
    this.#stop();
  }

  /** The rv an object had at its last change, if seen. */
  lastVersion(resource: string, object: KubeObject): number | undefined {
    return this.#perObject.get(`${resource}/${object.metadata.uid}`);
  }

  #check(event: StoreEvent): void {
    const id = idOf(event);
    const previous = this.#perObject.get(id);
    if (event.rv <= this.#last) this.problems.push(`${event.type} ${id} at rv ${event.rv} after rv ${this.#last}`);
    if (previous !== undefined && event.rv <= previous) this.problems.push(`${event.type} ${id} at rv ${event.rv}, not above its previous ${previous}`);
    if (event.object.metadata.resourceVersion !== String(event.rv)) this.problems.push(`${id} carries rv ${event.object.metadata.resourceVersion} in an event at rv ${event.rv}`);
    this.#last = Math.max(this.#last, event.rv);
    this.#perObject.set(id, event.rv);
  }
}

const idOf = (event: StoreEvent) => `${event.resource}/${event.object.metadata.uid}`;

