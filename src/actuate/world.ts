// The actuator's only way to the world. Reads pass through; every mutating call passes
// one gate, which:
// 1. stops the run when it was aborted or this process is no longer the leader (checked
//    before every mutating call, ARCHITECTURE.md "the reconcile");
// 2. records the call as an Action (the report lists them, progress events carry them);
// 3. in a dry run, does not call the port but answers as the world would, and remembers
//    the change so later reads see it (an evicted pod is gone, a terminated instance is
//    Terminating): the same code path then computes everything a real run would do, with
//    zero mutating calls (STYLE.md 12: dry run threads through every mutation).

import type { TerminateResult } from '../ports/cloud.js';
import type { EvictionResult, NodeChange, PodRef, WorkloadRef } from '../ports/cluster.js';
import type { GroupObservation, NodeObservation, PdbObservation, PodObservation, WorkloadObservation } from '../ports/observation.js';
import { Stopped } from './failures.js';
import type { Action, ActionKind, ExecuteDeps } from './types.js';

type HpaChange = { readonly minReplicas?: number; readonly maxReplicas?: number; readonly annotations?: Readonly<Record<string, string | null>> };

export type World = {
  /** The gate alone: throws Stopped when aborted or no longer the leader. */
  checkpoint(): void;
  listNodes(): Promise<NodeObservation[]>;
  listPodsOnNode(node: string): Promise<PodObservation[]>;
  getPod(namespace: string, name: string): Promise<PodObservation | undefined>;
  listPdbs(): Promise<PdbObservation[]>;
  getWorkloads(refs: readonly WorkloadRef[]): Promise<WorkloadObservation[]>;
  describeGroups(asgs: readonly string[]): Promise<GroupObservation[]>;

  changeNode(name: string, change: NodeChange, detail: string): Promise<void>;
  deleteNode(name: string): Promise<'deleted' | 'gone'>;
  evictPod(pod: PodRef): Promise<EvictionResult>;
  deletePod(pod: PodRef, gracePeriodSeconds: number): Promise<'deleted' | 'gone'>;
  annotateWorkload(ref: WorkloadRef, annotations: Readonly<Record<string, string | null>>): Promise<void>;
  changeHpa(namespace: string, name: string, change: HpaChange): Promise<void>;
  scaleWorkload(ref: WorkloadRef, replicas: number): Promise<void>;
  /** IMPORTANT: refuses anything but growth over `current`: a lower desired capacity lets the group pick which instance dies. */
  setDesiredCapacity(asg: string, desired: number, current: number): Promise<void>;
  terminateInstance(instanceId: string): Promise<TerminateResult>;
  suspendProcesses(asg: string, processes: readonly string[]): Promise<void>;
};

export type WorldDeps = Pick<ExecuteDeps, 'cloud' | 'cluster' | 'clock' | 'dryRun' | 'isLeader'> & {
  /** The run's signal; the gate aborts it when leadership is lost, so every wait ends too. */
  readonly controller: AbortController;
  readonly record: (action: Action) => void;
};

export function createWorld(deps: WorldDeps): World {
  const { cloud, cluster, clock, dryRun, controller } = deps;
  // What a dry run pretends it did, so that its later reads agree.
  const gonePods = new Set<string>();
  const goingInstances = new Set<string>();
  const deletedNodes = new Set<string>();
  const desired = new Map<string, number>();
  const uidGone = (pod: PodObservation) => gonePods.has(pod.uid);

  function guard(): void {
    if (!controller.signal.aborted && deps.isLeader && !deps.isLeader()) controller.abort(new Stopped('leadership'));
    if (controller.signal.aborted) throw controller.signal.reason instanceof Stopped ? controller.signal.reason : new Stopped('abort');
  }

  async function write<T>(kind: ActionKind, target: string, detail: string, real: () => Promise<T>, pretend: () => T): Promise<T> {
    guard();
    deps.record({ at: clock.now(), kind, target, detail });
    return dryRun ? pretend() : real();
  }

  return {
    checkpoint: guard,
    listNodes: async () => (await cluster.listNodes()).filter((n) => !deletedNodes.has(n.name)),
    listPodsOnNode: async (node) => (await cluster.listPodsOnNode(node)).filter((p) => !uidGone(p)),
    getPod: async (namespace, name) => {
      const pod = await cluster.getPod(namespace, name);
      return pod && !uidGone(pod) ? pod : undefined;
    },
    listPdbs: () => cluster.listPdbs(),
    getWorkloads: (refs) => cluster.getWorkloads(refs),
    describeGroups: async (asgs) => {
      const groups = await cloud.describeGroups(asgs);
      if (!dryRun) return groups;
      return groups.map((g) => ({
        ...g,
        desiredCapacity: desired.get(g.name) ?? g.desiredCapacity,
        instances: g.instances.map((i) => (goingInstances.has(i.id) ? { ...i, lifecycleState: 'Terminating' } : i)),
      }));
    },

    changeNode: (name, change, detail) =>
      write('change-node', name, detail, async () => void (await cluster.changeNode(name, change)), () => undefined),
    deleteNode: (name) =>
      write('delete-node', name, 'delete the Node object', () => cluster.deleteNode(name), () => (deletedNodes.add(name), 'deleted' as const)),
    evictPod: (pod) =>
      write('evict-pod', `${pod.namespace}/${pod.name}`, `policy/v1 eviction, UID ${pod.uid}`, () => cluster.evictPod(pod), () => (gonePods.add(pod.uid), { kind: 'evicted' as const })),
    deletePod: (pod, grace) =>
      write('delete-pod', `${pod.namespace}/${pod.name}`, `delete with grace ${grace} s, UID ${pod.uid} (policy force)`, () => cluster.deletePod(pod, grace), () => (gonePods.add(pod.uid), 'deleted' as const)),
    annotateWorkload: (ref, annotations) =>
      write('annotate-workload', `${ref.kind}/${ref.namespace}/${ref.name}`, describeNotes(annotations), () => cluster.annotateWorkload(ref, annotations), () => undefined),
    changeHpa: (namespace, name, change) =>
      write('change-hpa', `${namespace}/${name}`, describeHpa(change), () => cluster.changeHpa(namespace, name, change), () => undefined),
    scaleWorkload: (ref, replicas) =>
      write('scale-workload', `${ref.kind}/${ref.namespace}/${ref.name}`, `replicas ${replicas}`, () => cluster.scaleWorkload(ref, replicas), () => undefined),
    setDesiredCapacity: async (asg, value, current) => {
      if (!(value > current)) throw new Error(`refusing SetDesiredCapacity ${value} on ${asg}: not above the current ${current}; scalerd never lowers it`);
      return write('set-desired-capacity', asg, `${current} → ${value}`, () => cloud.setDesiredCapacity(asg, value), () => void desired.set(asg, value));
    },
    terminateInstance: (id) =>
      write('terminate-instance', id, 'TerminateInstanceInAutoScalingGroup, ShouldDecrementDesiredCapacity=true', () => cloud.terminateInstance(id), () => (goingInstances.add(id), { kind: 'terminating' as const, activityId: undefined })),
    suspendProcesses: (asg, processes) =>
      write('suspend-processes', asg, processes.join(', '), () => cloud.suspendProcesses(asg, processes), () => undefined),
  };
}

function describeNotes(annotations: Readonly<Record<string, string | null>>): string {
  return Object.entries(annotations).map(([k, v]) => (v === null ? `remove ${k}` : `${k}=${v}`)).join(', ');
}

function describeHpa(change: HpaChange): string {
  return [
    change.minReplicas !== undefined ? `minReplicas ${change.minReplicas}` : undefined,
    change.maxReplicas !== undefined ? `maxReplicas ${change.maxReplicas}` : undefined,
    change.annotations ? describeNotes(change.annotations) : undefined,
  ].filter(Boolean).join(', ');
}
