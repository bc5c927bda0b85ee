// What UpdateAutoScalingGroup may change about a group besides its sizes, zones and launch
// template: each setting is stored and reported by DescribeAutoScalingGroups, and those the
// simulator acts on say so. Values are checked as AWS checks them before they are stored.

import type { Fields } from './action.js';
import { constraint, validation, type AwsFault } from './errors.js';
import { ACCOUNT_ID } from './ids.js';

export type GroupSettings = {
  /** Seconds after a scaling activity ends during which SetDesiredCapacity with HonorCooldown is refused. */
  readonly defaultCooldown: number;
  readonly healthCheckType: string;
  readonly healthCheckGracePeriod: number;
  /** Used in order to choose scale-in victims within the zone to shrink (policy.ts). */
  readonly terminationPolicies: readonly string[];
  /** Instances launched from now on start protected from scale-in. */
  readonly newInstancesProtectedFromScaleIn: boolean;
  readonly serviceLinkedRoleARN: string;
  readonly capacityRebalance: boolean;
  readonly maxInstanceLifetime?: number;
  readonly context?: string;
  readonly desiredCapacityType?: string;
  readonly defaultInstanceWarmup?: number;
};

export type SettingsUpdate = { -readonly [K in keyof GroupSettings]?: GroupSettings[K] };

/** A group made by CreateAutoScalingGroup with no options: AWS's defaults. */
export const DEFAULT_SETTINGS: GroupSettings = {
  defaultCooldown: 300,
  healthCheckType: 'EC2',
  healthCheckGracePeriod: 300,
  terminationPolicies: ['Default'],
  newInstancesProtectedFromScaleIn: false,
  serviceLinkedRoleARN: `arn:aws:iam::${ACCOUNT_ID}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
  capacityRebalance: false,
};

export const HEALTH_CHECK_TYPES = ['EC2', 'ELB', 'VPC_LATTICE', 'EBS'] as const;

export const TERMINATION_POLICIES = ['Default', 'AllocationStrategy', 'OldestLaunchTemplate', 'OldestLaunchConfiguration', 'ClosestToNextInstanceHour', 'NewestInstance', 'OldestInstance'] as const;

export const DESIRED_CAPACITY_TYPES = ['units', 'vcpu', 'memory-mib'] as const;

const DAY_S = 86_400;
const YEAR_S = 365 * DAY_S;

/** The first value AWS would refuse, or undefined. Words not found verbatim are marked. */
export function checkSettings(update: SettingsUpdate): AwsFault | undefined {
  const { healthCheckType, terminationPolicies = [], maxInstanceLifetime, desiredCapacityType } = update;
  // HealthCheckType is a comma-separated list of types; EC2 is always among them.
  const unknownType = healthCheckType?.split(',').find((t) => !(HEALTH_CHECK_TYPES as readonly string[]).includes(t));
  if (unknownType !== undefined) return constraint('healthCheckType', healthCheckType!, `Member must satisfy enum value set: [${HEALTH_CHECK_TYPES.join(', ')}]`);
  const custom = terminationPolicies.find((p) => p.startsWith('arn:'));
  // Not AWS's words: a Lambda function is a real policy on AWS, which the simulator cannot call.
  if (custom !== undefined) return validation(`The simulator does not model custom termination policies (${custom}).`);
  const unknownPolicy = terminationPolicies.find((p) => !(TERMINATION_POLICIES as readonly string[]).includes(p));
  if (unknownPolicy !== undefined) return constraint('terminationPolicies', `[${terminationPolicies.join(', ')}]`, `Member must satisfy enum value set: [${TERMINATION_POLICIES.join(', ')}]`);
  if (maxInstanceLifetime !== undefined && maxInstanceLifetime !== 0 && (maxInstanceLifetime < DAY_S || maxInstanceLifetime > YEAR_S)) {
    // Wording not found verbatim; the limits are AWS's documented ones.
    return validation(`The maximum instance lifetime must be 0 (none), or from ${DAY_S} to ${YEAR_S} seconds.`);
  }
  if (desiredCapacityType !== undefined && !(DESIRED_CAPACITY_TYPES as readonly string[]).includes(desiredCapacityType)) {
    return constraint('desiredCapacityType', desiredCapacityType, `Member must satisfy enum value set: [${DESIRED_CAPACITY_TYPES.join(', ')}]`);
  }
  // Not AWS's words: vcpu and memory-mib count capacity by instance requirements, which need a MixedInstancesPolicy.
  if (desiredCapacityType !== undefined && desiredCapacityType !== 'units') return validation(`The simulator does not model DesiredCapacityType ${desiredCapacityType}: it needs a MixedInstancesPolicy with instance requirements.`);
  return undefined;
}

/** The settings after an update; 0 clears MaxInstanceLifetime and -1 DefaultInstanceWarmup, as on AWS. */
export function applySettings(settings: GroupSettings, update: SettingsUpdate): GroupSettings {
  const next: SettingsUpdate = { ...settings };
  for (const [key, value] of Object.entries(update) as [keyof GroupSettings, GroupSettings[keyof GroupSettings]][]) {
    if (value !== undefined) Object.assign(next, { [key]: value });
  }
  if (next.maxInstanceLifetime === 0) delete next.maxInstanceLifetime;
  if (next.defaultInstanceWarmup === -1) delete next.defaultInstanceWarmup;
  return next as GroupSettings;
}

/** The settings' members of an AutoScalingGroup in DescribeAutoScalingGroups; unset ones are left out, as AWS leaves them out. */
export const settingsFields = (s: GroupSettings): Fields => ({
  DefaultCooldown: s.defaultCooldown,
  HealthCheckType: s.healthCheckType,
  HealthCheckGracePeriod: s.healthCheckGracePeriod,
  TerminationPolicies: s.terminationPolicies,
  NewInstancesProtectedFromScaleIn: s.newInstancesProtectedFromScaleIn,
  ServiceLinkedRoleARN: s.serviceLinkedRoleARN,
  MaxInstanceLifetime: s.maxInstanceLifetime,
  CapacityRebalance: s.capacityRebalance,
  Context: s.context,
  DesiredCapacityType: s.desiredCapacityType,
  DefaultInstanceWarmup: s.defaultInstanceWarmup,
});
