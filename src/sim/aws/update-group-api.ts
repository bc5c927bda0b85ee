// UpdateAutoScalingGroup: every parameter of the botocore model is read and checked against its
// constraints. Each one the simulator models is stored (and reported by
// DescribeAutoScalingGroups); the few it cannot model are refused rather than silently
// ignored, so a client never believes a change happened that did not.

import type { QueryAction } from './action.js';
import { fail, ok, validation } from './errors.js';
import { checkSettings, type SettingsUpdate } from './group-settings.js';
import type { TemplateUpdate } from './model.js';
import { mentions, readParams, type Field } from './params.js';
import { LAUNCH_TEMPLATE_NAME, XML_STRING, xmlStringMaxLen } from './shapes.js';

const NAME = xmlStringMaxLen(255);

// In the model's order, which is the order AWS lists broken constraints in.
const SPEC = {
  AutoScalingGroupName: { kind: 'string', required: true, rule: NAME },
  LaunchConfigurationName: { kind: 'string', rule: NAME },
  'LaunchTemplate.LaunchTemplateId': { kind: 'string', rule: NAME },
  'LaunchTemplate.LaunchTemplateName': { kind: 'string', rule: LAUNCH_TEMPLATE_NAME },
  'LaunchTemplate.Version': { kind: 'string', rule: NAME },
  MinSize: { kind: 'integer', min: 0 },
  MaxSize: { kind: 'integer', min: 0 },
  DesiredCapacity: { kind: 'integer', min: 0 },
  DefaultCooldown: { kind: 'integer', min: 0 },
  AvailabilityZones: { kind: 'list', rule: NAME },
  HealthCheckType: { kind: 'string', rule: xmlStringMaxLen(32) },
  HealthCheckGracePeriod: { kind: 'integer', min: 0 },
  PlacementGroup: { kind: 'string', rule: NAME },
  VPCZoneIdentifier: { kind: 'string', rule: xmlStringMaxLen(2047) },
  TerminationPolicies: { kind: 'list', rule: xmlStringMaxLen(1600) },
  NewInstancesProtectedFromScaleIn: { kind: 'boolean' },
  ServiceLinkedRoleARN: { kind: 'string', rule: xmlStringMaxLen(1600) },
  MaxInstanceLifetime: { kind: 'integer', min: 0 },
  CapacityRebalance: { kind: 'boolean' },
  Context: { kind: 'string', rule: XML_STRING },
  DesiredCapacityType: { kind: 'string', rule: NAME },
  // -1 clears it, as on AWS.
  DefaultInstanceWarmup: { kind: 'integer', min: -1 },
} as const satisfies Record<string, Field>;

export const UPDATE_AUTO_SCALING_GROUP: QueryAction = {
  mutating: true,
  run(model, params) {
    const p = readParams(params, 'query', SPEC);
    if (!p.ok) return p;
    const v = p.value;
    const name = v.AutoScalingGroupName;
    // The simulator has no launch configurations, placement groups or subnets: AWS would refuse any name.
    if (v.LaunchConfigurationName !== undefined) return fail(validation(`Launch configuration name not found - Launch configuration ${v.LaunchConfigurationName} not found`));
    // Wording not found verbatim.
    if (v.PlacementGroup !== undefined) return fail(validation(`Placement group ${v.PlacementGroup} does not exist.`));
    // EC2's words for a subnet it does not know.
    const subnet = v.VPCZoneIdentifier?.split(',')[0]?.trim();
    if (subnet !== undefined) return fail(validation(`The subnet ID '${subnet}' does not exist`));
    // Not AWS's words: AWS accepts a mixed instances policy; the simulator has one instance type per group.
    if (mentions(params, 'MixedInstancesPolicy')) return fail(validation('The simulator does not model MixedInstancesPolicy: a group launches its one launch template.'));

    const settings: SettingsUpdate = {
      defaultCooldown: v.DefaultCooldown,
      healthCheckType: v.HealthCheckType,
      healthCheckGracePeriod: v.HealthCheckGracePeriod,
      terminationPolicies: v.TerminationPolicies?.length ? v.TerminationPolicies : undefined,
      newInstancesProtectedFromScaleIn: v.NewInstancesProtectedFromScaleIn,
      serviceLinkedRoleARN: v.ServiceLinkedRoleARN,
      maxInstanceLifetime: v.MaxInstanceLifetime,
      capacityRebalance: v.CapacityRebalance,
      context: v.Context,
      desiredCapacityType: v.DesiredCapacityType,
      defaultInstanceWarmup: v.DefaultInstanceWarmup,
    };
    const refused = checkSettings(settings);
    if (refused) return fail(refused);
    const template: TemplateUpdate | undefined = mentions(params, 'LaunchTemplate')
      ? { id: v['LaunchTemplate.LaunchTemplateId'], name: v['LaunchTemplate.LaunchTemplateName'], version: v['LaunchTemplate.Version'] }
      : undefined;
    const updated = model.updateGroup(name, {
      minSize: v.MinSize,
      maxSize: v.MaxSize,
      desiredCapacity: v.DesiredCapacity,
      ...(v.AvailabilityZones?.length ? { availabilityZones: v.AvailabilityZones } : {}),
      ...(template ? { launchTemplate: template } : {}),
      settings,
    });
    return updated.ok ? ok({ target: name }) : updated;
  },
};
