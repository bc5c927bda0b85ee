// The Kubernetes objects as they are on the wire, narrowed to the fields the adapter reads
// or writes. Plain JSON: times are RFC 3339 strings (metav1.Time, MicroTime), never Date,
// whatever a generated client declares; quantities are strings. Fields are optional as the
// API makes them, so every reader says what an absent field means.

export type ObjectMeta = {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly OwnerReference[];
};

export type OwnerReference = { readonly apiVersion?: string; readonly kind: string; readonly name: string; readonly uid: string; readonly controller?: boolean };

export type ListMeta = { readonly resourceVersion?: string; readonly continue?: string };

/** A list answer: one page of items, and the token of the next page when there is one. */
export type List<T> = { readonly metadata?: ListMeta; readonly items: T[] };

type Quantities = Readonly<Record<string, string>>;
type Condition = { readonly type: string; readonly status: string; readonly reason?: string };

export type Taint = { readonly key: string; readonly value?: string; readonly effect: string; readonly timeAdded?: string };

export type Node = {
  readonly metadata?: ObjectMeta;
  readonly spec?: { readonly providerID?: string; readonly taints?: readonly Taint[]; readonly unschedulable?: boolean };
  readonly status?: { readonly conditions?: readonly Condition[]; readonly allocatable?: Quantities };
};

export type ContainerPort = { readonly name?: string; readonly containerPort: number; readonly protocol?: string };

export type Container = {
  readonly name?: string;
  readonly resources?: { readonly requests?: Quantities };
  readonly restartPolicy?: string;
  readonly ports?: readonly ContainerPort[];
};

export type ContainerStatus = {
  readonly name: string;
  readonly ready?: boolean;
  readonly restartCount?: number;
  readonly state?: { readonly waiting?: { readonly reason?: string }; readonly running?: object; readonly terminated?: { readonly reason?: string } };
};

export type Toleration = {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
  readonly tolerationSeconds?: number;
};

export type Volume = { readonly name: string; readonly emptyDir?: { readonly medium?: string }; readonly hostPath?: object };

export type Pod = {
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly nodeName?: string;
    readonly containers?: readonly Container[];
    readonly initContainers?: readonly Container[];
    readonly overhead?: Quantities;
    readonly terminationGracePeriodSeconds?: number;
    readonly priorityClassName?: string;
    readonly priority?: number;
    readonly tolerations?: readonly Toleration[];
    readonly nodeSelector?: Readonly<Record<string, string>>;
    readonly volumes?: readonly Volume[];
  };
  readonly status?: {
    readonly phase?: string;
    readonly conditions?: readonly Condition[];
    readonly podIP?: string;
    readonly containerStatuses?: readonly ContainerStatus[];
  };
};

/** A Deployment or a StatefulSet: what scaling reads of either, and the deployer of its Deployments. */
export type Workload = {
  readonly metadata?: ObjectMeta;
  readonly spec?: { readonly replicas?: number };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly replicas?: number;
    readonly readyReplicas?: number;
    readonly availableReplicas?: number;
    readonly updatedReplicas?: number;
    readonly conditions?: readonly Condition[];
  };
};

/** core/v1 Service: the deployer reads only its metadata back. */
export type Service = { readonly metadata?: ObjectMeta };

export type HorizontalPodAutoscaler = {
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly minReplicas?: number;
    readonly maxReplicas?: number;
    readonly scaleTargetRef?: { readonly apiVersion?: string; readonly kind: string; readonly name: string };
  };
};

export type LabelSelector = {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
};

export type PodDisruptionBudget = {
  readonly metadata?: ObjectMeta;
  readonly spec?: { readonly selector?: LabelSelector };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly disruptionsAllowed?: number;
    readonly currentHealthy?: number;
    readonly desiredHealthy?: number;
    readonly expectedPods?: number;
  };
};

export type ConfigMap = {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: ObjectMeta;
  readonly data?: Readonly<Record<string, string>>;
};

/** coordination.k8s.io/v1; acquireTime and renewTime are MicroTime: six fractional digits. */
export type Lease = {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly holderIdentity?: string;
    readonly leaseDurationSeconds?: number;
    readonly acquireTime?: string;
    readonly renewTime?: string;
    readonly leaseTransitions?: number;
  };
};

/** core/v1 Event, as written (firstTimestamp, lastTimestamp: metav1.Time). */
export type Event = {
  readonly apiVersion: 'v1';
  readonly kind: 'Event';
  readonly metadata: ObjectMeta;
  readonly involvedObject: { readonly apiVersion: string; readonly kind: string; readonly name: string; readonly namespace?: string; readonly uid?: string; readonly resourceVersion?: string };
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly source: { readonly component: string; readonly host?: string };
  readonly reportingComponent: string;
  readonly reportingInstance?: string;
  readonly firstTimestamp: string;
  readonly lastTimestamp: string;
  readonly count: number;
};

/** A watch stream's line: an object event, a BOOKMARK (only its resourceVersion), or an ERROR carrying a Status. */
export type WatchEvent = { readonly type: string; readonly object: Record<string, unknown> };
