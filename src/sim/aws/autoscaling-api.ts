// The Auto Scaling actions (API version 2011-01-01): each reads its parameters, asks the
// model, and returns what goes inside <ActionResult> — member names and shapes as AWS's.

import type { ActionOutcome, Fields, QueryAction } from './action.js';
import { fail, ok, sender, validation, type Result } from './errors.js';
import { settingsFields } from './group-settings.js';
import type { AwsModel } from './model.js';
import { page } from './paging.js';
import { readFilters, readParams, type Filter } from './params.js';
import type { ActivitySnapshot, GroupSnapshot, LaunchTemplateRef } from './records.js';
import { XML_STRING, xmlStringMaxLen } from './shapes.js';
import { UPDATE_AUTO_SCALING_GROUP } from './update-group-api.js';

// The model's string shapes of the parameters below.
const GROUP_NAME = xmlStringMaxLen(255);
const INSTANCE_ID = xmlStringMaxLen(19);
const TOKEN = { kind: 'string', rule: XML_STRING } as const;

const iso = (instant: number): string => new Date(instant).toISOString();

const invalidToken = () => fail<ActionOutcome>(sender('InvalidNextToken', 'The token provided is not valid.'));

export const AUTOSCALING_ACTIONS: Readonly<Record<string, QueryAction>> = {
  DescribeAutoScalingGroups: {
    mutating: false,
    run(model, params) {
      const p = readParams(params, 'query', { AutoScalingGroupNames: { kind: 'list', rule: GROUP_NAME }, NextToken: TOKEN, MaxRecords: { kind: 'integer', min: 1, max: 100 } });
      if (!p.ok) return p;
      const filters = readFilters(params, 'query');
      const unknown = filters.find((f) => !(f.name.startsWith('tag:') || f.name === 'tag-key' || f.name === 'tag-value'));
      // Wording not found verbatim.
      if (unknown) return fail(validation(`The filter name ${unknown.name} is not valid.`));
      const names = p.value.AutoScalingGroupNames ?? [];
      const groups = model.groups().filter((g) => (names.length === 0 || names.includes(g.name)) && filters.every((f) => tagFilterMatches(g.tags, f)));
      const chosen = page(groups, p.value.MaxRecords ?? 50, p.value.NextToken);
      if (!chosen) return invalidToken();
      return ok({ result: { AutoScalingGroups: chosen.items.map(groupFields), NextToken: chosen.nextToken } });
    },
  },
  DescribeAutoScalingInstances: {
    mutating: false,
    run(model, params) {
      const p = readParams(params, 'query', { InstanceIds: { kind: 'list', max: 50, rule: INSTANCE_ID }, MaxRecords: { kind: 'integer', min: 1, max: 50 }, NextToken: TOKEN });
      if (!p.ok) return p;
      const ids = p.value.InstanceIds ?? [];
      const rows = model.groups().flatMap((g) => g.instances.map((i) => ({ ...i, group: g.name })));
      const chosen = page(
        rows.filter((i) => ids.length === 0 || ids.includes(i.instanceId)),
        p.value.MaxRecords ?? 50,
        p.value.NextToken,
      );
      if (!chosen) return invalidToken();
      const AutoScalingInstances = chosen.items.map((i) => ({
        InstanceId: i.instanceId,
        InstanceType: i.instanceType,
        AutoScalingGroupName: i.group,
        AvailabilityZone: i.availabilityZone,
        LifecycleState: i.lifecycleState,
        // This API alone spells health in capitals.
        HealthStatus: 'HEALTHY',
        LaunchTemplate: launchTemplateFields(i.launchTemplate),
        ProtectedFromScaleIn: i.protectedFromScaleIn,
      }));
      return ok({ result: { AutoScalingInstances, NextToken: chosen.nextToken } });
    },
  },
  DescribeScalingActivities: {
    mutating: false,
    run(model, params) {
      const p = readParams(params, 'query', {
        ActivityIds: { kind: 'list', max: 50, rule: XML_STRING },
        AutoScalingGroupName: { kind: 'string', rule: GROUP_NAME },
        // Deleted groups: the simulator deletes none, so there is nothing more to include.
        IncludeDeletedGroups: { kind: 'boolean' },
        MaxRecords: { kind: 'integer', min: 1, max: 100 },
        NextToken: TOKEN,
      });
      if (!p.ok) return p;
      const { AutoScalingGroupName: group, ActivityIds: ids = [] } = p.value;
      const activities = model.activities().filter((a) => (group === undefined || a.group === group) && (ids.length === 0 || ids.includes(a.activityId)));
      const chosen = page(activities, p.value.MaxRecords ?? 100, p.value.NextToken);
      if (!chosen) return invalidToken();
      return ok({ result: { Activities: chosen.items.map(activityFields), NextToken: chosen.nextToken } });
    },
  },
  SetDesiredCapacity: {
    mutating: true,
    run(model, params) {
      const p = readParams(params, 'query', { AutoScalingGroupName: { kind: 'string', required: true, rule: GROUP_NAME }, DesiredCapacity: { kind: 'integer', required: true, min: 0 }, HonorCooldown: { kind: 'boolean' } });
      if (!p.ok) return p;
      return done(model.setDesiredCapacity(p.value.AutoScalingGroupName, p.value.DesiredCapacity, p.value.HonorCooldown ?? false), p.value.AutoScalingGroupName);
    },
  },
  UpdateAutoScalingGroup: UPDATE_AUTO_SCALING_GROUP,
  TerminateInstanceInAutoScalingGroup: {
    mutating: true,
    run(model, params) {
      const p = readParams(params, 'query', { InstanceId: { kind: 'string', required: true, rule: INSTANCE_ID }, ShouldDecrementDesiredCapacity: { kind: 'boolean', required: true } });
      if (!p.ok) return p;
      const activity = model.terminateInstance(p.value.InstanceId, p.value.ShouldDecrementDesiredCapacity);
      if (!activity.ok) return activity;
      return ok({ result: { Activity: activityFields(activity.value) }, target: p.value.InstanceId });
    },
  },
  SetInstanceProtection: {
    mutating: true,
    run(model, params) {
      const p = readParams(params, 'query', {
        InstanceIds: { kind: 'list', required: true, max: 50, rule: INSTANCE_ID },
        AutoScalingGroupName: { kind: 'string', required: true, rule: GROUP_NAME },
        ProtectedFromScaleIn: { kind: 'boolean', required: true },
      });
      if (!p.ok) return p;
      const { AutoScalingGroupName: name, InstanceIds: ids, ProtectedFromScaleIn: protect } = p.value;
      const set = model.setInstanceProtection(name, ids, protect);
      // Its answer is an empty SetInstanceProtectionResult, not none: botocore looks the element up and fails without it.
      return set.ok ? ok({ result: {}, target: `${name} ${ids.join(',')}` }) : set;
    },
  },
  SuspendProcesses: processAction((model, name, processes) => model.suspendProcesses(name, processes)),
  ResumeProcesses: processAction((model, name, processes) => model.resumeProcesses(name, processes)),
};

function processAction(apply: (model: AwsModel, name: string, processes: string[]) => Result<void>): QueryAction {
  return {
    mutating: true,
    run(model, params) {
      const p = readParams(params, 'query', { AutoScalingGroupName: { kind: 'string', required: true, rule: GROUP_NAME }, ScalingProcesses: { kind: 'list', rule: GROUP_NAME } });
      if (!p.ok) return p;
      return done(apply(model, p.value.AutoScalingGroupName, p.value.ScalingProcesses ?? []), p.value.AutoScalingGroupName);
    },
  };
}

function done(result: Result<void>, target: string): Result<ActionOutcome> {
  return result.ok ? ok({ target }) : result;
}

/** tag:<key> matches the key with one of the values; tag-key any of the keys; tag-value any of the values. */
export function tagFilterMatches(tags: Readonly<Record<string, string>>, filter: Filter): boolean {
  const entries = Object.entries(tags);
  if (filter.name === 'tag-key') return entries.some(([k]) => filter.values.includes(k));
  if (filter.name === 'tag-value') return entries.some(([, v]) => filter.values.includes(v));
  const value = tags[filter.name.slice('tag:'.length)];
  return value !== undefined && filter.values.includes(value);
}

const launchTemplateFields = (t: LaunchTemplateRef): Fields => ({ LaunchTemplateId: t.id, LaunchTemplateName: t.name, Version: t.version });

function groupFields(g: GroupSnapshot): Fields {
  return {
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: g.arn,
    LaunchTemplate: launchTemplateFields(g.launchTemplate),
    MinSize: g.minSize,
    MaxSize: g.maxSize,
    DesiredCapacity: g.desiredCapacity,
    DefaultCooldown: g.settings.defaultCooldown,
    AvailabilityZones: g.availabilityZones,
    LoadBalancerNames: [],
    TargetGroupARNs: [],
    HealthCheckType: g.settings.healthCheckType,
    HealthCheckGracePeriod: g.settings.healthCheckGracePeriod,
    Instances: g.instances.map((i) => ({
      InstanceId: i.instanceId,
      InstanceType: i.instanceType,
      AvailabilityZone: i.availabilityZone,
      LifecycleState: i.lifecycleState,
      HealthStatus: i.healthStatus,
      LaunchTemplate: launchTemplateFields(i.launchTemplate),
      ProtectedFromScaleIn: i.protectedFromScaleIn,
    })),
    CreatedTime: iso(g.createdTime),
    SuspendedProcesses: g.suspendedProcesses.map((s) => ({ ProcessName: s.processName, SuspensionReason: s.suspensionReason })),
    EnabledMetrics: [],
    Tags: Object.entries(g.tags).map(([Key, Value]) => ({ ResourceId: g.name, ResourceType: 'auto-scaling-group', Key, Value, PropagateAtLaunch: true })),
    // The rest of the settings; the three above keep the place AWS writes them in.
    ...settingsFields(g.settings),
  };
}

function activityFields(a: ActivitySnapshot): Fields {
  return {
    ActivityId: a.activityId,
    AutoScalingGroupName: a.group,
    AutoScalingGroupARN: a.groupArn,
    Description: a.description,
    Cause: a.cause,
    StartTime: iso(a.startTime),
    EndTime: a.endTime === undefined ? undefined : iso(a.endTime),
    StatusCode: a.statusCode,
    StatusMessage: a.statusMessage,
    Progress: a.progress,
    Details: a.details,
  };
}
