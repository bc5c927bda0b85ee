// What scalerd observes of the world, as plain data: the Auto Scaling groups and their
// instances, the nodes, the pods, the workloads with their autoscalers, and the
// disruption budgets. Adapters (src/aws, src/kube) produce these from SDK objects; the
// planner and the actuator never see an SDK type. Quantities are numbers in base units
// (CPU in millicores, memory in bytes); times are epoch milliseconds.

export type LifecycleState =
  | 'Pending' | 'Pending:Wait' | 'Pending:Proceed' | 'Quarantined'
  | 'InService'
  | 'Terminating' | 'Terminating:Wait' | 'Terminating:Proceed' | 'Terminated'
  | 'Detaching' | 'Detached' | 'EnteringStandby' | 'Standby'
  | (string & {}); // warm-pool and future states pass through as they are

export type InstanceObservation = {
  readonly id: string;
  readonly zone: string;
  readonly lifecycleState: LifecycleState;
  readonly healthy: boolean;
  readonly protectedFromScaleIn: boolean;
  readonly instanceType: string | undefined;
  /** From EC2; the fallback for matching a Node that has no providerID. */
  readonly privateDnsName: string | undefined;
  /** From EC2 (LaunchTime): when a never-joined instance's registration deadline runs out. */
  readonly launchedAt: number | undefined;
};

export type GroupObservation = {
  readonly name: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  readonly zones: readonly string[];
  readonly instances: readonly InstanceObservation[];
  readonly suspendedProcesses: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
};

export type Taint = { readonly key: string; readonly value?: string; readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' };

export type Toleration = {
  readonly key?: string;
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  readonly tolerationSeconds?: number;
};

export type Resources = { readonly cpuMilli: number; readonly memoryBytes: number };

export type NodeObservation = {
  readonly name: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly providerId: string | undefined;
  /** Parsed from providerID `aws:///<zone>/<instance-id>`; undefined when absent or not AWS. */
  readonly instanceId: string | undefined;
  readonly zone: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  /** The Ready condition is present and True. */
  readonly ready: boolean;
  readonly allocatable: Resources & { readonly pods: number };
  readonly createdAt: number;
};

export type OwnerKind = 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'Node' | (string & {});

export type PodObservation = {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly nodeName: string | undefined;
  readonly phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  readonly ready: boolean;
  /** When the pod was asked to stop, or undefined. */
  readonly deletionTimestamp: number | undefined;
  readonly terminationGracePeriodSeconds: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** The controller owner, if any. */
  readonly owner: { readonly kind: OwnerKind; readonly name: string; readonly uid: string } | undefined;
  /** Static pods mirrored by the kubelet (annotation kubernetes.io/config.mirror). */
  readonly mirror: boolean;
  /** Sum of the containers' requests (the larger of that and any init container's). */
  readonly requests: Resources;
  readonly priorityClassName: string | undefined;
  readonly priority: number | undefined;
  readonly tolerations: readonly Toleration[];
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Local storage that does not survive a move: an emptyDir not in memory, or a hostPath. */
  readonly localStorage: boolean;
};

export type WorkloadKind = 'Deployment' | 'StatefulSet';

export type HpaObservation = {
  readonly namespace: string;
  readonly name: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly annotations: Readonly<Record<string, string>>;
};

export type WorkloadObservation = {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly replicas: number;
  readonly readyReplicas: number;
  readonly availableReplicas: number;
  readonly annotations: Readonly<Record<string, string>>;
  /** The autoscaler whose scaleTargetRef is this workload, if any. */
  readonly hpa: HpaObservation | undefined;
};

export type LabelSelector = {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; readonly values?: readonly string[] }[];
};

export type PdbObservation = {
  readonly namespace: string;
  readonly name: string;
  readonly selector: LabelSelector;
  readonly disruptionsAllowed: number;
  readonly currentHealthy: number;
  readonly desiredHealthy: number;
  readonly expectedPods: number;
};

/** One consistent look at the world, taken at the start of a reconcile. */
export type Observation = {
  readonly at: number;
  readonly groups: readonly GroupObservation[];
  readonly nodes: readonly NodeObservation[];
  readonly pods: readonly PodObservation[];
  readonly workloads: readonly WorkloadObservation[];
  readonly pdbs: readonly PdbObservation[];
};

/** "aws:///eu-west-1a/i-0abc…" → zone and instance id (the cluster-autoscaler's rule). */
export function parseProviderId(providerId: string | undefined): { zone: string; instanceId: string } | undefined {
  const m = /^aws:\/\/\/([-0-9a-z]*)\/(i-[0-9a-z]+)$/.exec(providerId ?? '');
  return m ? { zone: m[1]!, instanceId: m[2]! } : undefined;
}
