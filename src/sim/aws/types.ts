// The simulated AWS side (Auto Scaling + EC2) as the rest of the simulator sees it.

/** What the cluster side of the simulator learns about instances. */
export interface InstanceObserver {
  /** The instance is running; cloud-init starts and the cluster decides when (or whether) it joins. */
  instanceRunning(instance: InstanceInfo): void;
  /**
   * The instance's machine is going away (Terminating began): its kubelet stops, its pods die.
   * `reason` tells who chose the instance: a client naming it, or the group itself.
   */
  instanceStopping(instance: InstanceInfo, reason: TerminationReason): void;
}

/**
 * Why an instance is terminated. Only 'user-request' is a client naming the exact instance
 * (TerminateInstanceInAutoScalingGroup); the others are the group choosing its own victim,
 * which is what scalerd must never provoke on a node that still runs pods.
 */
export type TerminationReason = 'user-request' | 'scale-in' | 'az-rebalance';

export type InstanceInfo = {
  readonly instanceId: string;
  readonly group: string;
  readonly availabilityZone: string;
  /** Also the Kubernetes node name, as on EC2 with the default hostname type. */
  readonly privateDnsName: string;
  readonly privateIpAddress: string;
  readonly instanceType: string;
};

/** An Auto Scaling group as a scenario declares it. */
export type GroupSpec = {
  readonly name: string;
  readonly availabilityZones: readonly string[];
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  readonly instanceType: string;
  readonly launchTemplate: { readonly id: string; readonly name: string; readonly version: string };
  readonly tags: Readonly<Record<string, string>>;
  /** Processes suspended from the start, e.g. ["AZRebalance"]. */
  readonly suspendedProcesses?: readonly string[];
};

export type AwsTimings = {
  /** Pending → InService (and EC2 pending → running), simulated ms. */
  readonly launchDelayMs: number;
  /** Terminating → Terminated (EC2 shutting-down → terminated), simulated ms. */
  readonly terminateDelayMs: number;
  /** How long a terminated instance stays visible in DescribeInstances, simulated ms. */
  readonly terminatedVisibleMs: number;
  /** After a failed launch (an injected RunInstances fault), when the group tries again, simulated ms (default 10 s). */
  readonly launchRetryMs?: number;
};

export const DEFAULT_AWS_TIMINGS: AwsTimings = { launchDelayMs: 40_000, terminateDelayMs: 30_000, terminatedVisibleMs: 3_600_000 };
