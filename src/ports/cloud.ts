// The cloud as scalerd needs it: Auto Scaling groups and their instances. Implemented
// over the AWS SDK in src/aws; the planner and the actuator only know this interface.
//
// Errors: a call that fails after the adapter's own retries throws a RemoteError
// (src/errors.ts) whose `retryable` says whether trying again later may help
// (throttling, 5xx, timeouts) and whose `code` is the AWS error code.

import type { GroupObservation } from './observation.js';

export type TerminateResult =
  /** AWS accepted it; the instance is Terminating now. */
  | { readonly kind: 'terminating'; readonly activityId: string | undefined }
  /** The instance was already Terminating or gone: nothing was done, nothing decremented twice. */
  | { readonly kind: 'already-terminating' }
  /**
   * The answer was lost (none came, or a server error) and a fresh look does not show the
   * instance going: AWS may have acted and not shown it yet, or not have acted. IMPORTANT:
   * never ask again at once (a second call could decrement the group twice): look until it
   * shows Terminating, and ask again only once it has stayed InService for a while.
   */
  | { readonly kind: 'unconfirmed'; readonly reason: string };

export interface Cloud {
  /**
   * The groups by name, with their instances and, from EC2, each instance's private DNS
   * name. A name that does not exist is absent from the result (not an error).
   */
  describeGroups(names: readonly string[]): Promise<GroupObservation[]>;

  /**
   * Scale *up* to `desired` (HonorCooldown=false). Never called to scale down: the group
   * would pick which instance dies. Fails (ValidationError) outside MinSize..MaxSize.
   */
  setDesiredCapacity(group: string, desired: number): Promise<void>;

  /**
   * TerminateInstanceInAutoScalingGroup on this exact instance with
   * ShouldDecrementDesiredCapacity=true: it is not replaced. Sent at most once per call,
   * and only after a look found the instance not already going.
   */
  terminateInstance(instanceId: string): Promise<TerminateResult>;

  suspendProcesses(group: string, processes: readonly string[]): Promise<void>;
  resumeProcesses(group: string, processes: readonly string[]): Promise<void>;
}
