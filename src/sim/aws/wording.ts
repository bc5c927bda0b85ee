// How Auto Scaling words its scaling activities. A Cause is the sentence of what changed the
// group (the trigger) followed by what the group did about it, two spaces between sentences,
// times in seconds-precision UTC — as DescribeScalingActivities shows them on AWS. The
// rebalancing sentences are close to AWS's but were not found verbatim.

import { isoSeconds } from '../../clock.js';

export const launchDescription = (instanceId: string): string => `Launching a new EC2 instance: ${instanceId}`;
export const terminateDescription = (instanceId: string): string => `Terminating EC2 instance: ${instanceId}`;

export const createdTrigger = (at: number, desired: number): string =>
  `At ${isoSeconds(at)} a user request created an AutoScalingGroup changing the desired capacity from 0 to ${desired}.`;

export const setDesiredTrigger = (at: number, from: number, to: number): string =>
  `At ${isoSeconds(at)} a user request explicitly set group desired capacity changing the desired capacity from ${from} to ${to}.`;

export const updateTrigger = (at: number, sizes: { min: number; max: number; desired: number }, from: number): string =>
  `At ${isoSeconds(at)} a user request update of AutoScalingGroup constraints to min: ${sizes.min}, max: ${sizes.max}, desired: ${sizes.desired} changing the desired capacity from ${from} to ${sizes.desired}.`;

export function userTerminateTrigger(at: number, instanceId: string, shrink?: { from: number; to: number }): string {
  const base = `At ${isoSeconds(at)} instance ${instanceId} was taken out of service in response to a user request`;
  return shrink ? `${base}, shrinking the capacity from ${shrink.from} to ${shrink.to}.` : `${base}.`;
}

export const rebalanceLaunchTrigger = (at: number): string => `At ${isoSeconds(at)} an instance was launched to aid in balancing the group's zones.`;

export const rebalanceTerminateTrigger = (at: number, zone: string): string =>
  `At ${isoSeconds(at)} instances were launched to balance instances in zones ${zone} with other zones resulting in more than desired number of instances in the group.`;

export const launchCause = (trigger: string, at: number, from: number, to: number): string =>
  `${trigger}  At ${isoSeconds(at)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${from} to ${to}.`;

export const scaleInCause = (trigger: string, at: number, shrink: { from: number; to: number }, instanceId: string): string =>
  `${trigger}  At ${isoSeconds(at)} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${shrink.from} to ${shrink.to}.  At ${isoSeconds(at)} instance ${instanceId} was selected for termination.`;

export const suspensionReason = (at: number): string => `User suspended at ${isoSeconds(at)}`;

/** Why EC2 refused a launch, as the failed activity's StatusMessage words it. */
export function launchFailureReason(code: string, message: string, instanceType: string, zone: string, otherZones: readonly string[]): string {
  if (code === 'InsufficientInstanceCapacity') {
    return (
      `We currently do not have sufficient ${instanceType} capacity in the Availability Zone you requested (${zone}). Our system will be working on provisioning additional capacity. ` +
      `You can currently get ${instanceType} capacity by not specifying an Availability Zone in your request or choosing ${otherZones.join(', ')}. Launching EC2 instance failed.`
    );
  }
  return `${message} Launching EC2 instance failed.`;
}

export const failedLaunchDescription = (reason: string): string => `Launching a new EC2 instance.  Status Reason: ${reason}`;
