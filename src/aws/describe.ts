// describeGroups: DescribeAutoScalingGroups for the named groups (100 names a call, every
// page), then DescribeInstances for their instances' private DNS names, mapped to the
// ports' plain data. Nothing is cached: every call is a fresh look.

import { DescribeAutoScalingGroupsCommand, type AutoScalingGroup, type Instance } from '@aws-sdk/client-auto-scaling';
import { RemoteError } from '../errors.js';
import type { GroupObservation, InstanceObservation } from '../ports/observation.js';
import type { Clients } from './clients.js';
import { guarded } from './errors.js';

/** DescribeAutoScalingGroups takes at most 100 names and returns at most 100 groups a page. */
export const GROUP_NAMES_PER_CALL = 100;
/**
 * Ids per DescribeInstances call. The instance-id filter is used rather than InstanceIds
 * because it skips ids EC2 no longer knows (an instance terminated a while ago) instead of
 * failing the whole call with InvalidInstanceID.NotFound; EC2 takes at most 200 values a
 * filter (FilterLimitExceeded above that).
 */
export const INSTANCE_IDS_PER_CALL = 200;

export async function describeGroups(clients: Clients, names: readonly string[]): Promise<GroupObservation[]> {
  const wanted = [...new Set(names)];
  // IMPORTANT: DescribeAutoScalingGroups without names describes every group in the account.
  if (wanted.length === 0) return [];
  const found = new Map<string, AutoScalingGroup>();
  for (const chunk of chunks(wanted, GROUP_NAMES_PER_CALL)) {
    const pages = await allPages((NextToken) =>
      guarded('DescribeAutoScalingGroups', `describe groups ${preview(chunk)}`, () =>
        clients.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: chunk, MaxRecords: GROUP_NAMES_PER_CALL, NextToken })),
      ),
    );
    for (const group of pages.flatMap((p) => p.AutoScalingGroups ?? [])) found.set(group.AutoScalingGroupName ?? '', group);
  }
  const ids = [...found.values()].flatMap((g) => (g.Instances ?? []).map((i) => i.InstanceId ?? ''));
  const details = await instanceDetails(clients, ids);
  // In the order asked for; names that are not groups are left out.
  return wanted.flatMap((name) => {
    const group = found.get(name);
    return group ? [toGroup(group, details)] : [];
  });
}

type Ec2Details = { readonly privateDnsName: string | undefined; readonly launchedAt: number | undefined };

/** Instance id → what only EC2 knows (private DNS name, launch time), for the ids EC2 still knows. */
async function instanceDetails(clients: Clients, ids: readonly string[]): Promise<Map<string, Ec2Details>> {
  const details = new Map<string, Ec2Details>();
  for (const chunk of chunks([...new Set(ids)], INSTANCE_IDS_PER_CALL)) {
    const pages = await allPages((NextToken) =>
      guarded('DescribeInstances', `describe instances ${preview(chunk)}`, () =>
        clients.ec2.describeInstances({ Filters: [{ Name: 'instance-id', Values: chunk }], MaxResults: 1000, NextToken }),
      ),
    );
    for (const instance of pages.flatMap((p) => p.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
      // A terminated instance has given its address back: EC2 shows an empty name.
      if (instance.InstanceId) {
        details.set(instance.InstanceId, { privateDnsName: instance.PrivateDnsName || undefined, launchedAt: instance.LaunchTime?.getTime() });
      }
    }
  }
  return details;
}

function toGroup(g: AutoScalingGroup, details: ReadonlyMap<string, Ec2Details>): GroupObservation {
  const name = g.AutoScalingGroupName ?? '';
  return {
    name,
    minSize: required(g.MinSize, 'MinSize', name),
    maxSize: required(g.MaxSize, 'MaxSize', name),
    desiredCapacity: required(g.DesiredCapacity, 'DesiredCapacity', name),
    zones: g.AvailabilityZones ?? [],
    instances: (g.Instances ?? []).map((i) => toInstance(i, details, name)),
    suspendedProcesses: (g.SuspendedProcesses ?? []).flatMap((p) => (p.ProcessName ? [p.ProcessName] : [])),
    tags: Object.fromEntries((g.Tags ?? []).flatMap((t) => (t.Key !== undefined ? [[t.Key, t.Value ?? '']] : []))),
  };
}

function toInstance(i: Instance, details: ReadonlyMap<string, Ec2Details>, group: string): InstanceObservation {
  const id = required(i.InstanceId, 'InstanceId', group);
  return {
    id,
    zone: required(i.AvailabilityZone, `AvailabilityZone of ${id}`, group),
    lifecycleState: required(i.LifecycleState, `LifecycleState of ${id}`, group),
    healthy: i.HealthStatus === 'Healthy',
    protectedFromScaleIn: i.ProtectedFromScaleIn ?? false,
    instanceType: i.InstanceType,
    privateDnsName: details.get(id)?.privateDnsName,
    launchedAt: details.get(id)?.launchedAt,
  };
}

/** Fail closed on an answer without a field the planner relies on, rather than guess it. */
function required<T>(value: T | undefined, field: string, group: string): T {
  if (value !== undefined && value !== '') return value;
  throw new RemoteError('SCALERD_ERR_AWS_CALL', `AWS DescribeAutoScalingGroups answered group ${group || '(no name)'} without ${field}`, {
    operation: 'DescribeAutoScalingGroups',
    reason: 'IncompleteAnswer',
    retryable: false,
  });
}

/** Every page of a NextToken-paged call, in order. */
async function allPages<P extends { NextToken?: string | undefined }>(fetch: (token: string | undefined) => Promise<P>): Promise<P[]> {
  const pages: P[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    pages.push(page);
    token = page.NextToken || undefined;
  } while (token !== undefined);
  return pages;
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** "a, b, c" or "a, b, c and 97 more": enough to recognise the call in an error message. */
function preview(items: readonly string[]): string {
  const shown = items.slice(0, 3).join(', ');
  return items.length > 3 ? `${shown} and ${items.length - 3} more` : shown;
}
