import { startControllers, type ClusterTimings } from '../../../src/sim/cluster/index.js';
import { Faults } from '../../../src/sim/faults.js';
import { applyDefaults } from '../../../src/sim/kube/defaults.js';
import { type KubeObject, Store } from '../../../src/sim/kube/store.js';
import { Recorder } from '../../../src/sim/recorder.js';
import { SimClock } from '../../../src/sim/sim-clock.js';

type Loose = Record<string, any>;

export const START = Date.parse('2026-01-05T10:00:00Z');

export type Cluster = ReturnType<typeof cluster>;

/** A store with the cluster controllers on a manual clock, and the "default" namespace. */
export function cluster(timings: Partial<ClusterTimings> = {}) {
  const clock = new SimClock({ manual: true, start: START });
  const store = new Store({ clock });
  const faults = new Faults();
  const recorder = new Recorder();
  const create = (resource: string, object: Loose): KubeObject => store.create(resource, applyDefaults(resource, object as KubeObject));
  create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  const controllers = startControllers({ store, clock, faults, recorder, timings });
  const get = (resource: string, name: string, namespace: string | undefined = 'default') => store.get(resource, namespace, name);
  return {
    clock, store, faults, recorder, controllers, create, get,
    /** Simulated seconds pass (0: just let the controllers react). */
    advance: (seconds = 0) => clock.advance(seconds * 1000),
    pods: (namespace = 'default') => store.list('pods', namespace),
    pod: (name: string, namespace = 'default') => store.get('pods', namespace, name),
    status: (resource: string, name: string): Loose => (get(resource, name)?.status ?? {}) as Loose,
  };
}

export type NodeOptions = { cpu?: string; memory?: string; pods?: number; labels?: Record<string, string>; taints?: Loose[]; ready?: 'True' | 'False' | 'Unknown'; unschedulable?: boolean; ip?: string };

export function nodeObject(name: string, o: NodeOptions = {}): Loose {
  const allocatable = { cpu: o.cpu ?? '4', memory: o.memory ?? '16Gi', pods: String(o.pods ?? 110) };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { providerID: `aws:///eu-west-1a/i-${name}`, ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: {
      capacity: allocatable, allocatable,
      conditions: [{ type: 'Ready', status: o.ready ?? 'True', reason: 'KubeletReady' }],
      addresses: [{ type: 'InternalIP', address: o.ip ?? '10.0.0.1' }, { type: 'Hostname', address: name }],
    },
  };
}

export const addNode = (c: Cluster, name: string, o: NodeOptions = {}) => c.create('nodes', nodeObject(name, o));

export function setNodeReady(c: Cluster, name: string, ready: 'True' | 'False' | 'Unknown'): void {
  c.store.mutate('nodes', undefined, name, (n) => {
    (n.status as Loose).conditions = [{ type: 'Ready', status: ready }];
  });
}

export type PodOptions = { cpu?: string; memory?: string; labels?: Record<string, string>; annotations?: Record<string, string>; spec?: Loose };

export function podSpec(o: PodOptions = {}): Loose {
  const requests = { ...(o.cpu ? { cpu: o.cpu } : {}), ...(o.memory ? { memory: o.memory } : {}) };
  return { containers: [{ name: 'app', image: 'nginx:1.27', resources: Object.keys(requests).length ? { requests } : {} }], ...(o.spec ?? {}) };
}

export const addPod = (c: Cluster, name: string, o: PodOptions = {}) =>
  c.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: o.labels ?? { app: name }, ...(o.annotations ? { annotations: o.annotations } : {}) }, spec: podSpec(o) });

export function template(labels: Record<string, string>, o: PodOptions = {}): Loose {
  return { metadata: { labels, ...(o.annotations ? { annotations: o.annotations } : {}) }, spec: podSpec(o) };
}

/** A Deployment, StatefulSet, ReplicaSet or DaemonSet over pods labelled app=<name>. */
export function workload(kind: 'Deployment' | 'StatefulSet' | 'ReplicaSet' | 'DaemonSet', name: string, replicas: number | undefined, o: PodOptions & { extra?: Loose } = {}): Loose {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1', kind,
    metadata: { name, namespace: 'default' },
    spec: { ...(replicas === undefined ? {} : { replicas }), selector: { matchLabels: labels }, template: template(labels, o), ...(o.extra ?? {}) },
  };
}

const RESOURCE = { Deployment: 'deployments.apps', StatefulSet: 'statefulsets.apps', ReplicaSet: 'replicasets.apps', DaemonSet: 'daemonsets.apps' } as const;

export const addWorkload = (c: Cluster, kind: keyof typeof RESOURCE, name: string, replicas?: number, o: PodOptions & { extra?: Loose } = {}) =>
  c.create(RESOURCE[kind], workload(kind, name, replicas, o));

export const phase = (pod: KubeObject | undefined) => (pod?.status as Loose | undefined)?.phase as string | undefined;
export const nodeOf = (pod: KubeObject | undefined) => (pod?.spec as Loose | undefined)?.nodeName as string | undefined;
export const condition = (pod: KubeObject | undefined, type: string) => ((pod?.status as Loose | undefined)?.conditions ?? []).find((x: Loose) => x.type === type) as Loose | undefined;
export const isReady = (pod: KubeObject | undefined) => condition(pod, 'Ready')?.status === 'True';

export function setReplicas(c: Cluster, resource: string, name: string, replicas: number): void {
  c.store.mutate(resource, 'default', name, (o) => {
    (o.spec as Loose).replicas = replicas;
  });
}
