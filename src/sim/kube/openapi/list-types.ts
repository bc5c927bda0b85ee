// The x-kubernetes-* extensions of the served definitions, which no published package in
// reach carries (kubernetes-models and @kubernetes/client-node drop them; the Debian
// packages that ship a Kubernetes swagger.json have v1.13's). They are the Go markers of
// k8s.io/api v1.32 (`+listType`, `+listMapKey`, `+structType=atomic`, and the
// patchStrategy / patchMergeKey struct tags) as the upstream OpenAPI publishes them,
// written out here for every list field of a served type. Both the OpenAPI documents
// (kubectl's strategic merge patches) and server-side apply's merge (managed-fields/)
// read them: one table, so the two cannot disagree.
//
// A list field of a served type that is missing here is atomic (replaced whole), as an
// unmarked list is upstream. Upstream, a list with a patch strategy of merge and no list
// type is associative by its merge key for server-side apply too (kube-openapi's
// schemaconv falls back on the patch strategy): such lists are written here as maps.

export type ListType = {
  /** x-kubernetes-list-type: atomic (replaced whole), set (scalars, union), map (items keyed). */
  readonly listType: 'atomic' | 'set' | 'map';
  /** x-kubernetes-list-map-keys, for a map. */
  readonly keys?: readonly string[];
  /** x-kubernetes-patch-strategy: "merge", "merge,retainKeys" (strategic merge patch). */
  readonly patchStrategy?: string;
  /** x-kubernetes-patch-merge-key. */
  readonly mergeKey?: string;
};

const atomic: ListType = { listType: 'atomic' };
const byKey = (...keys: string[]): ListType => ({ listType: 'map', keys, patchStrategy: 'merge', mergeKey: keys[0] });
const mapOnly = (...keys: string[]): ListType => ({ listType: 'map', keys });
const conditions = byKey('type');

const container: Record<string, ListType> = {
  args: atomic,
  command: atomic,
  env: byKey('name'),
  envFrom: atomic,
  ports: { listType: 'map', keys: ['containerPort', 'protocol'], patchStrategy: 'merge', mergeKey: 'containerPort' },
  resizePolicy: atomic,
  volumeDevices: byKey('devicePath'),
  volumeMounts: byKey('mountPath'),
};

/** By definition name, then field name. */
export const LIST_TYPES: Readonly<Record<string, Readonly<Record<string, ListType>>>> = {
  'io.k8s.api.apps.v1.DaemonSetStatus': { conditions },
  'io.k8s.api.apps.v1.DeploymentStatus': { conditions },
  'io.k8s.api.apps.v1.ReplicaSetStatus': { conditions },
  'io.k8s.api.apps.v1.StatefulSetSpec': { volumeClaimTemplates: atomic },
  'io.k8s.api.apps.v1.StatefulSetStatus': { conditions },
  'io.k8s.api.autoscaling.v2.HPAScalingRules': { policies: atomic },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec': { metrics: atomic },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus': { conditions, currentMetrics: atomic },
  'io.k8s.api.core.v1.Capabilities': { add: atomic, drop: atomic },
  'io.k8s.api.core.v1.CephFSVolumeSource': { monitors: atomic },
  'io.k8s.api.core.v1.ConfigMapProjection': { items: atomic },
  'io.k8s.api.core.v1.ConfigMapVolumeSource': { items: atomic },
  'io.k8s.api.core.v1.Container': container,
  'io.k8s.api.core.v1.ContainerImage': { names: atomic },
  'io.k8s.api.core.v1.ContainerStatus': { allocatedResourcesStatus: byKey('name'), volumeMounts: { listType: 'atomic', patchStrategy: 'merge', mergeKey: 'mountPath' } },
  'io.k8s.api.core.v1.DownwardAPIProjection': { items: atomic },
  'io.k8s.api.core.v1.DownwardAPIVolumeSource': { items: atomic },
  'io.k8s.api.core.v1.EndpointSubset': { addresses: atomic, notReadyAddresses: atomic, ports: atomic },
  'io.k8s.api.core.v1.Endpoints': { subsets: atomic },
  'io.k8s.api.core.v1.EphemeralContainer': container,
  'io.k8s.api.core.v1.ExecAction': { command: atomic },
  'io.k8s.api.core.v1.FCVolumeSource': { targetWWNs: atomic, wwids: atomic },
  'io.k8s.api.core.v1.HTTPGetAction': { httpHeaders: atomic },
  'io.k8s.api.core.v1.HostAlias': { hostnames: atomic },
  'io.k8s.api.core.v1.ISCSIVolumeSource': { portals: atomic },
  'io.k8s.api.core.v1.LinuxContainerUser': { supplementalGroups: atomic },
  'io.k8s.api.core.v1.LoadBalancerIngress': { ports: atomic },
  'io.k8s.api.core.v1.LoadBalancerStatus': { ingress: atomic },
  'io.k8s.api.core.v1.NamespaceSpec': { finalizers: atomic },
  'io.k8s.api.core.v1.NamespaceStatus': { conditions },
  'io.k8s.api.core.v1.NodeAffinity': { preferredDuringSchedulingIgnoredDuringExecution: atomic },
  'io.k8s.api.core.v1.NodeSelector': { nodeSelectorTerms: atomic },
  'io.k8s.api.core.v1.NodeSelectorRequirement': { values: atomic },
  'io.k8s.api.core.v1.NodeSelectorTerm': { matchExpressions: atomic, matchFields: atomic },
  'io.k8s.api.core.v1.NodeSpec': { podCIDRs: { listType: 'set', patchStrategy: 'merge' }, taints: atomic },
  'io.k8s.api.core.v1.NodeStatus': {
    addresses: byKey('type'), conditions, images: atomic, runtimeHandlers: atomic, volumesAttached: atomic, volumesInUse: atomic,
  },
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': { accessModes: atomic },
  'io.k8s.api.core.v1.PersistentVolumeClaimStatus': { accessModes: atomic, conditions },
  'io.k8s.api.core.v1.PodAffinity': { preferredDuringSchedulingIgnoredDuringExecution: atomic, requiredDuringSchedulingIgnoredDuringExecution: atomic },
  'io.k8s.api.core.v1.PodAffinityTerm': { matchLabelKeys: atomic, mismatchLabelKeys: atomic, namespaces: atomic },
  'io.k8s.api.core.v1.PodAntiAffinity': { preferredDuringSchedulingIgnoredDuringExecution: atomic, requiredDuringSchedulingIgnoredDuringExecution: atomic },
  'io.k8s.api.core.v1.PodDNSConfig': { nameservers: atomic, options: atomic, searches: atomic },
  'io.k8s.api.core.v1.PodSecurityContext': { supplementalGroups: atomic, sysctls: atomic },
  'io.k8s.api.core.v1.PodSpec': {
    containers: byKey('name'),
    ephemeralContainers: byKey('name'),
    hostAliases: byKey('ip'),
    imagePullSecrets: byKey('name'),
    initContainers: byKey('name'),
    readinessGates: atomic,
    resourceClaims: { listType: 'map', keys: ['name'], patchStrategy: 'merge,retainKeys', mergeKey: 'name' },
    schedulingGates: byKey('name'),
    tolerations: atomic,
    topologySpreadConstraints: { listType: 'map', keys: ['topologyKey', 'whenUnsatisfiable'], patchStrategy: 'merge', mergeKey: 'topologyKey' },
    volumes: { listType: 'map', keys: ['name'], patchStrategy: 'merge,retainKeys', mergeKey: 'name' },
  },
  'io.k8s.api.core.v1.PodStatus': {
    conditions,
    containerStatuses: atomic,
    ephemeralContainerStatuses: atomic,
    hostIPs: { listType: 'atomic', patchStrategy: 'merge', mergeKey: 'ip' },
    initContainerStatuses: atomic,
    podIPs: { listType: 'atomic', patchStrategy: 'merge', mergeKey: 'ip' },
    resourceClaimStatuses: byKey('name'),
  },
  'io.k8s.api.core.v1.ProjectedVolumeSource': { sources: atomic },
  'io.k8s.api.core.v1.RBDVolumeSource': { monitors: atomic },
  'io.k8s.api.core.v1.ResourceRequirements': { claims: mapOnly('name') },
  'io.k8s.api.core.v1.ResourceStatus': { resources: mapOnly('resourceID') },
  'io.k8s.api.core.v1.SecretProjection': { items: atomic },
  'io.k8s.api.core.v1.SecretVolumeSource': { items: atomic },
  'io.k8s.api.core.v1.ServiceSpec': {
    clusterIPs: atomic, externalIPs: atomic, ipFamilies: atomic, loadBalancerSourceRanges: atomic,
    ports: { listType: 'map', keys: ['port', 'protocol'], patchStrategy: 'merge', mergeKey: 'port' },
  },
  'io.k8s.api.core.v1.ServiceStatus': { conditions },
  'io.k8s.api.core.v1.TopologySpreadConstraint': { matchLabelKeys: atomic },
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': { conditions },
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': { dryRun: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': { matchExpressions: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': { values: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    finalizers: { listType: 'set', patchStrategy: 'merge' },
    managedFields: atomic,
    ownerReferences: byKey('uid'),
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails': { causes: atomic },
};

/**
 * Types owned and replaced as one value (`+structType=atomic`, x-kubernetes-map-type:
 * atomic): server-side apply tracks them as a single field (`f:selector: {}`).
 */
export const ATOMIC_STRUCTS: ReadonlySet<string> = new Set([
  'io.k8s.api.core.v1.ConfigMapKeySelector',
  'io.k8s.api.core.v1.LocalObjectReference',
  'io.k8s.api.core.v1.NodeSelector',
  'io.k8s.api.core.v1.NodeSelectorTerm',
  'io.k8s.api.core.v1.ObjectFieldSelector',
  'io.k8s.api.core.v1.ObjectReference',
  'io.k8s.api.core.v1.ResourceFieldSelector',
  'io.k8s.api.core.v1.SecretKeySelector',
  'io.k8s.api.core.v1.TypedLocalObjectReference',
  'io.k8s.api.core.v1.TypedObjectReference',
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
]);

export function listTypeOf(definition: string, field: string): ListType | undefined {
  return LIST_TYPES[definition]?.[field];
}
