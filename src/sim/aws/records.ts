// The simulated AWS state: groups, instances and scaling activities, with the one lifecycle
// table that ties an instance's Auto Scaling state to its EC2 state.

import type { GroupSettings } from './group-settings.js';
import type { GroupSpec, InstanceInfo } from './types.js';

export type LifecycleState = 'Pending' | 'InService' | 'Terminating' | 'Terminated';
export type Ec2StateName = 'pending' | 'running' | 'shutting-down' | 'terminated';

/** Allowed moves, and the EC2 state (name and code) each lifecycle state shows. */
export const LIFECYCLE: Readonly<Record<LifecycleState, { readonly next: readonly LifecycleState[]; readonly ec2: Ec2StateName; readonly code: number }>> = {
  Pending: { next: ['InService', 'Terminating'], ec2: 'pending', code: 0 },
  InService: { next: ['Terminating'], ec2: 'running', code: 16 },
  Terminating: { next: ['Terminated'], ec2: 'shutting-down', code: 32 },
  Terminated: { next: [], ec2: 'terminated', code: 48 },
};

/** Every process SuspendProcesses accepts; only Launch, Terminate and AZRebalance change what the simulator does. */
export const SCALING_PROCESSES = ['Launch', 'Terminate', 'AddToLoadBalancer', 'AlarmNotification', 'AZRebalance', 'HealthCheck', 'InstanceRefresh', 'ReplaceUnhealthy', 'ScheduledActions'] as const;
export type ScalingProcess = (typeof SCALING_PROCESSES)[number];

export const isScalingProcess = (name: string): name is ScalingProcess => (SCALING_PROCESSES as readonly string[]).includes(name);

export type LaunchTemplateRef = GroupSpec['launchTemplate'];

export type InstanceRecord = InstanceInfo & {
  readonly reservationId: string;
  readonly launchTemplate: LaunchTemplateRef;
  readonly launchTime: number;
  readonly seq: number;
  readonly tags: Readonly<Record<string, string>>;
  lifecycle: LifecycleState;
  protectedFromScaleIn: boolean;
  terminatedAt?: number;
};

export type ActivityStatus = 'InProgress' | 'Successful' | 'Failed';

export type ActivityRecord = {
  readonly activityId: string;
  readonly group: string;
  readonly groupArn: string;
  /** Absent for a launch that failed before EC2 gave an instance. */
  readonly instanceId?: string;
  readonly description: string;
  readonly cause: string;
  /** JSON, as AWS gives it. */
  readonly details: string;
  readonly startTime: number;
  readonly seq: number;
  /** A launch of an instance that ran before the scenario began: no cooldown follows it. */
  readonly preexisting?: true;
  statusCode: ActivityStatus;
  /** Why a Failed activity failed. */
  statusMessage?: string;
  progress: number;
  endTime?: number;
};

export type GroupRecord = {
  readonly name: string;
  readonly arn: string;
  availabilityZones: readonly string[];
  readonly instanceType: string;
  /** The version may be a number or $Latest / $Default, as UpdateAutoScalingGroup set it. */
  launchTemplate: LaunchTemplateRef;
  /** The template's versions are 1 to this: the scenario's version is its latest. */
  readonly latestTemplateVersion: number;
  settings: GroupSettings;
  readonly tags: Readonly<Record<string, string>>;
  readonly createdTime: number;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  /** Process → SuspensionReason. */
  readonly suspended: Map<ScalingProcess, string>;
  /** The last sentence that changed the group's size; later activities cite it as their cause. */
  trigger: string;
  /** AZRebalance's extra instance while it launches: the group may hold desired + 1 until it is InService. */
  rebalance?: { readonly instanceId: string; readonly zone: string };
};

export type GroupInstance = {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly availabilityZone: string;
  readonly lifecycleState: LifecycleState;
  readonly healthStatus: 'Healthy';
  readonly protectedFromScaleIn: boolean;
  readonly launchTemplate: LaunchTemplateRef;
};

/** A group as DescribeAutoScalingGroups reports it: a copy, not live state. */
export type GroupSnapshot = Readonly<Omit<GroupRecord, 'suspended' | 'trigger' | 'rebalance' | 'latestTemplateVersion'>> & {
  readonly suspendedProcesses: readonly { readonly processName: ScalingProcess; readonly suspensionReason: string }[];
  readonly instances: readonly GroupInstance[];
};

export type InstanceSnapshot = Readonly<InstanceRecord>;
export type ActivitySnapshot = Readonly<ActivityRecord>;

export const snapshotInstance = (r: InstanceRecord): InstanceSnapshot => ({ ...r });
export const snapshotActivity = (r: ActivityRecord): ActivitySnapshot => ({ ...r });

export function snapshotGroup(g: GroupRecord, members: readonly InstanceRecord[]): GroupSnapshot {
  return {
    name: g.name,
    arn: g.arn,
    minSize: g.minSize,
    maxSize: g.maxSize,
    desiredCapacity: g.desiredCapacity,
    availabilityZones: g.availabilityZones,
    instanceType: g.instanceType,
    launchTemplate: g.launchTemplate,
    tags: g.tags,
    settings: g.settings,
    createdTime: g.createdTime,
    suspendedProcesses: [...g.suspended].map(([processName, suspensionReason]) => ({ processName, suspensionReason })),
    instances: members.map((i) => ({
      instanceId: i.instanceId,
      instanceType: i.instanceType,
      availabilityZone: i.availabilityZone,
      lifecycleState: i.lifecycle,
      healthStatus: 'Healthy',
      protectedFromScaleIn: i.protectedFromScaleIn,
      launchTemplate: i.launchTemplate,
    })),
  };
}

export const instanceInfo = (r: InstanceRecord): InstanceInfo => ({
  instanceId: r.instanceId,
  group: r.group,
  availabilityZone: r.availabilityZone,
  privateDnsName: r.privateDnsName,
  privateIpAddress: r.privateIpAddress,
  instanceType: r.instanceType,
});
