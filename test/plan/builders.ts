// A small fluent builder for observations, and a planning helper with a schedule derived
// from what was built. Defaults: nodes are Ready, schedulable, InService, 4 CPU / 16 GiB /
// 110 pods, in zone eu-west-1a; a group's desired capacity is its counted instances.

import { utc } from '../helpers.js';
import { plan, type Plan, type PlanOptionsInput } from '../../src/plan/index.js';
import type {
  GroupObservation, HpaObservation, LabelSelector, NodeObservation, Observation, PdbObservation, PodObservation,
  Taint, Toleration, WorkloadKind, WorkloadObservation,
} from '../../src/ports/observation.js';
import type { Instance } from '../../src/plan/match.js';
import type { NodeGroup, Workload } from '../../src/schedule/types.js';

export const T0 = utc('2026-03-02T20:00Z');
export const MIN = 60_000;
export const GiB = 2 ** 30;
export const MiB = 2 ** 20;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type NodeOpts = {
  zone?: string;
  cpu?: number;
  mem?: number;
  maxPods?: number;
  ready?: boolean;
  unschedulable?: boolean;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  taints?: Taint[];
  createdAt?: number;
  lifecycle?: string;
  protected?: boolean;
  /** false: the node has no providerID and is matched by its name = the instance's private DNS name. */
  providerId?: boolean;
  launchedAt?: number;
};

export type PodOpts = {
  node?: string;
  cpu?: number;
  mem?: number;
  /** ReplicaSet of this Deployment (label app=<name>, pod-template-hash). */
  deploy?: string;
  sts?: string;
  ds?: string;
  /** No controller. */
  bare?: boolean;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  localStorage?: boolean;
  mirror?: boolean;
  phase?: PodObservation['phase'];
  deletedAt?: number;
  grace?: number;
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  priorityClassName?: string;
};

export const HASH = '5d8f7c';
export const instanceIdOf = (node: string) => `i-${node.replace(/[^0-9a-z]/g, '')}`;

export class World {
  at = T0;
  readonly groups: Mutable<GroupObservation>[] = [];
  readonly nodeGroups: Mutable<NodeGroup>[] = [];
  readonly nodes: Mutable<NodeObservation>[] = [];
  readonly pods: Mutable<PodObservation>[] = [];
  readonly workloads: Mutable<WorkloadObservation>[] = [];
  readonly scheduled: Workload[] = [];
  readonly pdbs: PdbObservation[] = [];
  private readonly explicitDesired = new Map<string, number>();
  private current: Mutable<GroupObservation> | undefined;
  private seq = 0;

  group(name: string, opts: { asg?: string; minSize?: number; maxSize?: number; desired?: number; suspended?: string[]; scheduleMin?: number; scheduleMax?: number } = {}): this {
    const asg = opts.asg ?? name;
    const group: Mutable<GroupObservation> = {
      name: asg, minSize: opts.minSize ?? 0, maxSize: opts.maxSize ?? 100, desiredCapacity: 0,
      zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], instances: [], suspendedProcesses: opts.suspended ?? ['AZRebalance'], tags: {},
    };
    if (opts.desired !== undefined) this.explicitDesired.set(asg, opts.desired);
    this.groups.push(group);
    this.nodeGroups.push({ name, asg, min: opts.scheduleMin ?? 0, max: opts.scheduleMax ?? 100 });
    this.current = group;
    return this;
  }

  /** An instance of the current group with its node. */
  node(name: string, opts: NodeOpts = {}): this {
    const zone = opts.zone ?? 'eu-west-1a';
    const id = this.instance(instanceIdOf(name), { ...opts, zone, dns: name });
    this.nodes.push({
      name, uid: `uid-${name}`, resourceVersion: '1',
      providerId: opts.providerId === false ? undefined : `aws:///${zone}/${id}`,
      instanceId: opts.providerId === false ? undefined : id,
      zone, labels: { 'topology.kubernetes.io/zone': zone, ...opts.labels }, annotations: { ...opts.annotations },
      taints: [...(opts.taints ?? [])], unschedulable: opts.unschedulable ?? false, ready: opts.ready ?? true,
      allocatable: { cpuMilli: opts.cpu ?? 4000, memoryBytes: opts.mem ?? 16 * GiB, pods: opts.maxPods ?? 110 },
      createdAt: opts.createdAt ?? T0 - 24 * 60 * MIN,
    });
    return this;
  }

  /** Several nodes: `nodes('n', 3, …)` makes n1, n2, n3. */
  nodes_(prefix: string, count: number, opts: NodeOpts = {}): this {
    for (let i = 1; i <= count; i++) this.node(`${prefix}${i}`, opts);
    return this;
  }

  /** An instance without a node (not joined), or the instance behind `node`. */
  instance(id: string, opts: NodeOpts & { dns?: string } = {}): string {
    if (!this.current) throw new Error('group() first');
    const instance: Instance = {
      id, zone: opts.zone ?? 'eu-west-1a', lifecycleState: opts.lifecycle ?? 'InService', healthy: true,
      protectedFromScaleIn: opts.protected ?? false, instanceType: 'm5.xlarge', privateDnsName: opts.dns,
      launchedAt: opts.launchedAt ?? T0 - 24 * 60 * MIN,
    };
    this.current.instances = [...this.current.instances, instance];
    return id;
  }

  unjoined(id: string, opts: NodeOpts = {}): this {
    this.instance(id, opts);
    return this;
  }

  pod(key: string, opts: PodOpts = {}): this {
    const [namespace, name] = key.split('/') as [string, string];
    const labels: Record<string, string> = { ...opts.labels };
    let owner: PodObservation['owner'];
    if (opts.deploy) {
      labels.app ??= opts.deploy;
      labels['pod-template-hash'] = HASH;
      owner = { kind: 'ReplicaSet', name: `${opts.deploy}-${HASH}`, uid: `rs-${opts.deploy}` };
    } else if (opts.sts) {
      labels.app ??= opts.sts;
      owner = { kind: 'StatefulSet', name: opts.sts, uid: `sts-${opts.sts}` };
    } else if (opts.ds) {
      labels.app ??= opts.ds;
      owner = { kind: 'DaemonSet', name: opts.ds, uid: `ds-${opts.ds}` };
    } else if (!opts.bare && !opts.mirror) {
      owner = { kind: 'ReplicaSet', name: `${name}-rs`, uid: `rs-${name}` };
    }
    this.pods.push({
      namespace, name, uid: `uid-${namespace}-${name}-${this.seq++}`, nodeName: opts.node, phase: opts.phase ?? 'Running', ready: true,
      deletionTimestamp: opts.deletedAt, terminationGracePeriodSeconds: opts.grace ?? 30, labels, annotations: { ...opts.annotations },
      owner, mirror: opts.mirror ?? false, requests: { cpuMilli: opts.cpu ?? 100, memoryBytes: opts.mem ?? 128 * MiB },
      priorityClassName: opts.priorityClassName, priority: undefined, tolerations: opts.tolerations ?? [], nodeSelector: opts.nodeSelector ?? {},
      localStorage: opts.localStorage ?? false,
    });
    return this;
  }

  /** `count` pods of a Deployment spread over `nodes` round robin, and the Deployment itself. */
  deployment(key: string, count: number, nodes: readonly string[], opts: PodOpts & { hpa?: Partial<HpaObservation>; annotations?: Record<string, string> } = {}): this {
    const [, name] = key.split('/') as [string, string];
    for (let i = 0; i < count; i++) this.pod(`${key}-${i}`, { ...opts, annotations: {}, deploy: name, node: nodes[i % nodes.length] });
    return this.workload(key, { replicas: count, hpa: opts.hpa, annotations: opts.annotations });
  }

  /** A DaemonSet pod on every node so far. */
  daemonSet(key: string, opts: PodOpts = {}): this {
    const [namespace, name] = key.split('/') as [string, string];
    for (const node of this.nodes) this.pod(`${namespace}/${name}-${node.name}`, { cpu: 50, mem: 64 * MiB, ...opts, ds: name, node: node.name });
    return this;
  }

  workload(key: string, opts: { kind?: WorkloadKind; replicas?: number; available?: number; hpa?: Partial<HpaObservation>; annotations?: Record<string, string>; min?: number; max?: number } = {}): this {
    const [namespace, name] = key.split('/') as [string, string];
    const replicas = opts.replicas ?? 1;
    this.workloads.push({
      kind: opts.kind ?? 'Deployment', namespace, name, uid: `uid-${key}`, resourceVersion: '1', replicas, readyReplicas: opts.available ?? replicas,
      availableReplicas: opts.available ?? replicas, annotations: { ...opts.annotations },
      hpa: opts.hpa ? { namespace, name: `${name}-hpa`, minReplicas: 1, maxReplicas: 10, annotations: {}, ...opts.hpa } : undefined,
    });
    this.scheduled.push({ key, namespace, name, kind: opts.kind, min: opts.min ?? 0, max: opts.max ?? 1000 });
    return this;
  }

  pdb(key: string, opts: { selector?: LabelSelector; app?: string; allowed?: number; desiredHealthy?: number; expectedPods?: number } = {}): this {
    const [namespace, name] = key.split('/') as [string, string];
    this.pdbs.push({
      namespace, name, selector: opts.selector ?? { matchLabels: { app: opts.app ?? name } },
      disruptionsAllowed: opts.allowed ?? 1, currentHealthy: opts.expectedPods ?? 3, desiredHealthy: opts.desiredHealthy ?? 2, expectedPods: opts.expectedPods ?? 3,
    });
    return this;
  }

  /** Change a node in place (after building it). */
  withNode(name: string, change: (node: Mutable<NodeObservation>) => void): this {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node ${name}`);
    change(node);
    return this;
  }

  build(): Observation {
    const groups = this.groups.map((g) => ({
      ...g,
      desiredCapacity: this.explicitDesired.get(g.name) ?? g.instances.filter((i) => ['Pending', 'Pending:Wait', 'Pending:Proceed', 'InService'].includes(i.lifecycleState)).length,
    }));
    return structuredClone({ at: this.at, groups, nodes: this.nodes, pods: this.pods, workloads: this.workloads, pdbs: this.pdbs });
  }

  schedule(): { nodeGroups: NodeGroup[]; workloads: Workload[] } {
    return { nodeGroups: this.nodeGroups, workloads: this.scheduled };
  }
}

export const world = (): World => new World();

/** scalerd's annotation value on a node it marked. */
export function scalerdMark(phase: string, startedAt = T0 - 10 * MIN, owner = 'scalerd'): Pick<NodeOpts, 'annotations' | 'taints' | 'unschedulable'> {
  return {
    unschedulable: true,
    taints: [{ key: 'scalerd.io/scale-down', value: owner, effect: 'NoSchedule' }],
    annotations: { 'scalerd.io/scale-down': JSON.stringify({ owner, startedAt: new Date(startedAt).toISOString(), phase }) },
  };
}

export type Desired = { capacity?: Record<string, number>; replicas?: Record<string, number> };

export function planOf(w: World, desired: Desired, options?: PlanOptionsInput, now = T0): Plan {
  return plan({ observation: w.build(), schedule: w.schedule(), desired: { capacity: desired.capacity ?? {}, replicas: desired.replicas ?? {} }, now, options });
}

export const kinds = (p: Plan): string[] => p.steps.map((s) => s.kind);
export const nodesOf = (p: Plan, kind: 'drain-node' | 'resume-node' | 'rollback-node'): string[] =>
  p.steps.flatMap((s) => (s.kind === kind ? [s.node] : []));
