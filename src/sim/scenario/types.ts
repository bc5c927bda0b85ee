// A scenario as written (scenarios/scenario.schema.json), after the schema check.

export type Quantity = string;
export type Requests = { cpu?: Quantity; memory?: Quantity };
export type Taint = { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' };

export type ScenarioTimings = {
  launchSeconds?: number;
  joinSeconds?: number;
  readySeconds?: number;
  terminateSeconds?: number;
  nodeRemovalSeconds?: number;
  podStartupSeconds?: number;
  podExitSeconds?: number;
};

export type ScenarioNodeGroup = {
  name: string;
  asg?: string;
  zones: string[];
  min: number;
  max: number;
  desired: number;
  instanceType?: string;
  allocatable: { cpu: Quantity; memory: Quantity; pods: number };
  /** A cloud-init file (relative to the scenario file) whose JoinConfiguration gives labels and taints. */
  userData?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  suspendedProcesses?: string[];
  tags?: Record<string, string>;
};

export type ScenarioWorkload = {
  namespace: string;
  name: string;
  kind: 'Deployment' | 'StatefulSet';
  replicas: number;
  requests?: Requests;
  pdb?: { minAvailable?: number | string; maxUnavailable?: number | string };
  priorityClassName?: string;
  emptyDir?: boolean;
  hostPath?: boolean;
  ignoresSigterm?: boolean;
  terminationGracePeriodSeconds?: number;
  nodeSelector?: Record<string, string>;
  tolerations?: Record<string, unknown>[];
  hpa?: { min: number; max: number };
};

export type ScenarioDaemonSet = { namespace: string; name: string; requests?: Requests; tolerateAll?: boolean };

export type ScenarioPod = { namespace: string; name: string; requests?: Requests; emptyDir?: boolean };

export type Scenario = {
  name: string;
  description?: string;
  region?: string;
  timings?: ScenarioTimings;
  nodeGroups: ScenarioNodeGroup[];
  namespaces?: string[];
  workloads?: ScenarioWorkload[];
  daemonSets?: ScenarioDaemonSet[];
  pods?: ScenarioPod[];
};
