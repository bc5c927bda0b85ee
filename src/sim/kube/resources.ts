// The resource types the simulated API server serves, as discovery describes them.

export type ResourceType = {
  readonly group: string; // "" for core
  readonly version: string;
  /** Plural, lowercase: the URL segment. */
  readonly resource: string;
  readonly kind: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly subresources?: readonly { readonly name: string; readonly kind: string; readonly verbs: readonly string[]; readonly group?: string; readonly version?: string }[];
};

export const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

const scale = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };
const status = (kind: string) => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });

export const RESOURCES: readonly ResourceType[] = [
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', singular: 'namespace', namespaced: false, shortNames: ['ns'], subresources: [status('Namespace')] },
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', singular: 'node', namespaced: false, shortNames: ['no'], subresources: [status('Node')] },
  {
    group: '', version: 'v1', resource: 'pods', kind: 'Pod', singular: 'pod', namespaced: true, shortNames: ['po'], categories: ['all'],
    subresources: [status('Pod'), { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] }, { name: 'log', kind: 'Pod', verbs: ['get'] }],
  },
  { group: '', version: 'v1', resource: 'events', kind: 'Event', singular: 'event', namespaced: true, shortNames: ['ev'] },
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', singular: 'configmap', namespaced: true, shortNames: ['cm'] },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', singular: 'service', namespaced: true, shortNames: ['svc'], categories: ['all'], subresources: [status('Service')] },
  { group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', singular: 'endpoints', namespaced: true, shortNames: ['ep'] },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', singular: 'deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: [status('Deployment'), scale] },
  { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', singular: 'statefulset', namespaced: true, shortNames: ['sts'], categories: ['all'], subresources: [status('StatefulSet'), scale] },
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', singular: 'replicaset', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: [status('ReplicaSet'), scale] },
  { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', singular: 'daemonset', namespaced: true, shortNames: ['ds'], categories: ['all'], subresources: [status('DaemonSet')] },
  { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', singular: 'poddisruptionbudget', namespaced: true, shortNames: ['pdb'], subresources: [status('PodDisruptionBudget')] },
  { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', singular: 'lease', namespaced: true },
  { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', singular: 'horizontalpodautoscaler', namespaced: true, shortNames: ['hpa'], categories: ['all'], subresources: [status('HorizontalPodAutoscaler')] },
];

/** "pods", "deployments.apps": the key a resource type has in the store. */
export function resourceKey(type: Pick<ResourceType, 'group' | 'resource'>): string {
  return type.group === '' ? type.resource : `${type.resource}.${type.group}`;
}

export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

const byKey = new Map(RESOURCES.map((r) => [resourceKey(r), r]));

export function resourceType(key: string): ResourceType {
  const type = byKey.get(key);
  if (!type) throw new Error(`no resource type ${key}`);
  return type;
}

export function findResource(group: string, version: string, resource: string): ResourceType | undefined {
  const type = byKey.get(group === '' ? resource : `${resource}.${group}`);
  return type && type.version === version ? type : undefined;
}

/** Groups with their versions, in the order discovery lists them. */
export function apiGroups(): { name: string; version: string }[] {
  const seen = new Map<string, string>();
  for (const r of RESOURCES) if (r.group !== '' && !seen.has(r.group)) seen.set(r.group, r.version);
  // autoscaling serves v1 too (the Scale subresource's kind lives there).
  return [...seen].map(([name, version]) => ({ name, version }));
}
