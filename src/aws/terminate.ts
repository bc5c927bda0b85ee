// terminateInstance: TerminateInstanceInAutoScalingGroup on the exact instance with
// ShouldDecrementDesiredCapacity=true, made safe to repeat. "Already terminating" is said only
// when a fresh look confirms it — the instance is Terminating*/Terminated in its group, or
// neither its group nor EC2 has it running any more — never inferred from an error alone.
// The call itself goes out at most once: its client's retries stop where AWS may have acted
// (clients.ts), and an answer lost that way, with no look showing the instance going, is
// 'unconfirmed' for the caller to confirm by looking, not a reason to ask again.

import { DescribeAutoScalingInstancesCommand, TerminateInstanceInAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { isRemoteError } from '../errors.js';
import type { TerminateResult } from '../ports/cloud.js';
import type { Clients } from './clients.js';
import { guarded, mayHaveActed } from './errors.js';

const ALREADY: TerminateResult = { kind: 'already-terminating' };

export async function terminateInstance(clients: Clients, instanceId: string): Promise<TerminateResult> {
  // IMPORTANT: look first. A second call for an instance that is already Terminating must not
  // reach AWS: it would at best repeat the activity and at worst shrink the group twice.
  if (await isGoing(clients, instanceId)) return ALREADY;
  try {
    const out = await guarded('TerminateInstanceInAutoScalingGroup', `terminate instance ${instanceId} and decrement its group's desired capacity`, () =>
      clients.autoscalingAtMostOnce.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: instanceId, ShouldDecrementDesiredCapacity: true })),
    );
    return { kind: 'terminating', activityId: out.Activity?.ActivityId };
  } catch (error) {
    // "Instance Id not found - No managed instance found …" when it left its group between
    // the look and the call; a timeout or a reset after AWS had acted. Only a second look
    // may say that the instance is going.
    if (await isGoing(clients, instanceId).catch(() => false)) return ALREADY;
    // IMPORTANT: AWS may still have acted (no answer, a server error), and a look may not
    // show it yet: unconfirmed, never an error a caller's retry would send again at once.
    if (isRemoteError(error) && mayHaveActed(error.detail)) return { kind: 'unconfirmed', reason: error.message };
    // A refusal: nothing was done; if the look failed too, the call's own error is the one to report.
    throw error;
  }
}

/** Terminating or gone: Terminating (any form) or Terminated in its group, or in no group and not alive in EC2. */
async function isGoing(clients: Clients, instanceId: string): Promise<boolean> {
  const { AutoScalingInstances: rows = [] } = await guarded('DescribeAutoScalingInstances', `look up instance ${instanceId} in its Auto Scaling group`, () =>
    clients.autoscaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] })),
  );
  const row = rows.find((r) => r.InstanceId === instanceId);
  if (row) return isTerminatingState(row.LifecycleState);
  return !(await isAliveInEc2(clients, instanceId));
}

/** Terminating, Terminating:Wait, Terminating:Proceed, Terminated, and their Warmed:* forms. */
export const isTerminatingState = (state: string | undefined): boolean => /^(Warmed:)?Terminat/.test(state ?? '');

/**
 * Whether EC2 knows the instance and it is not shutting down or terminated. By id, not by
 * filter, so that EC2 itself judges the id: a malformed one fails (not retryable) rather
 * than reading as "gone"; InvalidInstanceID.NotFound means gone (EC2 forgets terminated
 * instances after about an hour).
 */
async function isAliveInEc2(clients: Clients, instanceId: string): Promise<boolean> {
  try {
    const out = await guarded('DescribeInstances', `look up instance ${instanceId} in EC2`, () => clients.ec2.describeInstances({ InstanceIds: [instanceId] }));
    const instance = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId);
    const state = instance?.State?.Name;
    return state !== undefined && state !== 'shutting-down' && state !== 'terminated';
  } catch (error) {
    if (isRemoteError(error) && error.detail.reason === 'InvalidInstanceID.NotFound') return false;
    throw error;
  }
}
