// The EC2 side and the scaling activities: instances launch and terminate on the simulated
// clock, tell the cluster (InstanceObserver) when their machine starts and stops, and leave a
// scaling activity each. What to launch or terminate is the model's decision, not the fleet's.

import { injectedFault } from './errors.js';
import { newInstanceId, newPrivateIp, newReservationId, newUuid, privateDnsName, type Random } from './ids.js';
import { instanceInfo, LIFECYCLE, type ActivityRecord, type GroupRecord, type InstanceRecord, type LifecycleState } from './records.js';
import type { AwsModelOptions } from './model.js';
import type { TerminationReason } from './types.js';
import { failedLaunchDescription, launchDescription, launchFailureReason, terminateDescription } from './wording.js';

export type FleetOptions = Omit<AwsModelOptions, 'random'> & {
  readonly random: Random;
  /** An instance reached InService or Terminated: its group may have more to do. */
  readonly settled: (instance: InstanceRecord) => void;
};

/** Every launch and termination the service performs is recorded as its own call (RunInstances, TerminateInstances), as CloudTrail shows it. */
export const SERVICE_CLIENT = 'autoscaling.amazonaws.com';

export class Fleet {
  readonly #o: FleetOptions;
  /** Every instance EC2 still shows, terminated ones until they expire; in launch order. */
  readonly #instances = new Map<string, InstanceRecord>();
  readonly #ips = new Set<string>();
  readonly #activities: ActivityRecord[] = [];
  readonly #terminations = new Map<string, ActivityRecord>();
  #seq = 0;

  constructor(options: FleetOptions) {
    this.#o = options;
  }

  get(instanceId: string): InstanceRecord | undefined {
    return this.#instances.get(instanceId);
  }

  all(): InstanceRecord[] {
    return [...this.#instances.values()];
  }

  /** The group's instances as its Instances list shows them: everything not yet Terminated. */
  members(group: string): InstanceRecord[] {
    return this.all().filter((i) => i.group === group && i.lifecycle !== 'Terminated');
  }

  /** Instances that count toward desired capacity: Pending or InService. */
  live(group: string): InstanceRecord[] {
    return this.members(group).filter((i) => i.lifecycle === 'Pending' || i.lifecycle === 'InService');
  }

  /** Newest first, as DescribeScalingActivities lists them. */
  activities(): ActivityRecord[] {
    return [...this.#activities].reverse();
  }

  terminationOf(instanceId: string): ActivityRecord | undefined {
    return this.#terminations.get(instanceId);
  }

  /**
   * Starts an instance in `zone`; `inService` makes it one that was already running when the
   * scenario began. Undefined when EC2 refused the launch: a Failed activity says why.
   */
  launch(group: GroupRecord, zone: string, cause: string, inService = false): InstanceRecord | undefined {
    const { clock, random, region } = this.#o;
    const refusal = inService ? undefined : this.#launchRefusal();
    if (refusal) {
      const reason = launchFailureReason(refusal.code, refusal.message, group.instanceType, zone, group.availabilityZones.filter((z) => z !== zone));
      const activity = this.#activity(group, undefined, failedLaunchDescription(reason), cause, zone);
      Object.assign(activity, { statusCode: 'Failed', statusMessage: reason, progress: 100, endTime: clock.now() });
      return undefined;
    }
    let instanceId = newInstanceId(random);
    while (this.#instances.has(instanceId)) instanceId = newInstanceId(random);
    const privateIpAddress = newPrivateIp(zone, (ip) => this.#ips.has(ip), random);
    this.#ips.add(privateIpAddress);
    const instance: InstanceRecord = {
      instanceId,
      group: group.name,
      availabilityZone: zone,
      privateDnsName: privateDnsName(privateIpAddress, region),
      privateIpAddress,
      instanceType: group.instanceType,
      reservationId: newReservationId(random),
      launchTemplate: group.launchTemplate,
      launchTime: clock.now(),
      seq: this.#seq++,
      tags: { ...group.tags, 'aws:autoscaling:groupName': group.name, 'aws:ec2launchtemplate:id': group.launchTemplate.id, 'aws:ec2launchtemplate:version': group.launchTemplate.version },
      lifecycle: 'Pending',
      protectedFromScaleIn: !inService && group.settings.newInstancesProtectedFromScaleIn,
    };
    this.#instances.set(instanceId, instance);
    const activity = this.#activity(group, instanceId, launchDescription(instanceId), cause, zone, inService);
    if (inService) {
      this.#move(instance, 'InService');
      this.#complete(activity);
      this.#o.observer.instanceRunning(instanceInfo(instance));
      return instance;
    }
    this.#o.recorder.record({ kind: 'mutation', at: clock.now(), client: SERVICE_CLIENT, api: 'aws', operation: 'RunInstances', target: instanceId });
    clock.after(this.#o.timings.launchDelayMs, () => {
      // A Pending instance may have been terminated meanwhile; then it never runs.
      if (instance.lifecycle !== 'Pending') return;
      this.#move(instance, 'InService');
      this.#complete(activity);
      this.#o.observer.instanceRunning(instanceInfo(instance));
      this.#o.settled(instance);
    });
    return instance;
  }

  /** Begins terminating a Pending or InService instance; returns its activity. */
  terminate(group: GroupRecord, instance: InstanceRecord, cause: string, reason: TerminationReason): ActivityRecord {
    const { clock, timings } = this.#o;
    this.#move(instance, 'Terminating');
    const activity = this.#activity(group, instance.instanceId, terminateDescription(instance.instanceId), cause, instance.availabilityZone);
    this.#terminations.set(instance.instanceId, activity);
    this.#o.recorder.record({ kind: 'mutation', at: clock.now(), client: SERVICE_CLIENT, api: 'aws', operation: 'TerminateInstances', target: instance.instanceId });
    this.#o.observer.instanceStopping(instanceInfo(instance), reason);
    clock.after(timings.terminateDelayMs, () => {
      this.#move(instance, 'Terminated');
      instance.terminatedAt = clock.now();
      this.#complete(activity);
      this.#o.settled(instance);
      clock.after(timings.terminatedVisibleMs, () => {
        this.#instances.delete(instance.instanceId);
        this.#ips.delete(instance.privateIpAddress);
        this.#terminations.delete(instance.instanceId);
      });
    });
    return activity;
  }

  #move(instance: InstanceRecord, to: LifecycleState): void {
    if (!LIFECYCLE[instance.lifecycle].next.includes(to)) throw new Error(`instance ${instance.instanceId} cannot go from ${instance.lifecycle} to ${to}`);
    instance.lifecycle = to;
  }

  /**
   * Only rules that name RunInstances fail launches: a "*" rule meant for API calls must not
   * also starve the group of instances.
   */
  #launchRefusal(): { code: string; message: string } | undefined {
    const { faults } = this.#o;
    if (!faults.snapshot().requests.some((r) => r.api === 'aws' && r.operation === 'RunInstances')) return undefined;
    const { error } = faults.decide('aws', 'RunInstances');
    return error === undefined || error === 'timeout' ? undefined : injectedFault(error);
  }

  #activity(group: GroupRecord, instanceId: string | undefined, description: string, cause: string, zone: string, preexisting = false): ActivityRecord {
    const activity: ActivityRecord = {
      ...(preexisting ? { preexisting: true } : {}),
      activityId: newUuid(this.#o.random),
      group: group.name,
      groupArn: group.arn,
      ...(instanceId === undefined ? {} : { instanceId }),
      description,
      cause,
      details: JSON.stringify({ 'Availability Zone': zone }),
      startTime: this.#o.clock.now(),
      seq: this.#activities.length,
      statusCode: 'InProgress',
      progress: 0,
    };
    this.#activities.push(activity);
    return activity;
  }

  #complete(activity: ActivityRecord): void {
    activity.statusCode = 'Successful';
    activity.progress = 100;
    activity.endTime = this.#o.clock.now();
  }
}
