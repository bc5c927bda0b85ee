// The Cloud port over the AWS SDK v3: Auto Scaling for groups and instances, EC2 (scalerd's
// own DescribeInstances client, ec2-client.ts) for the instances' private DNS names. Every
// failure leaves as a RemoteError (see errors.ts).

import { ResumeProcessesCommand, SetDesiredCapacityCommand, SuspendProcessesCommand } from '@aws-sdk/client-auto-scaling';
import type { Cloud, TerminateResult } from '../ports/cloud.js';
import type { GroupObservation } from '../ports/observation.js';
import { createClients, type Clients } from './clients.js';
import { describeGroups } from './describe.js';
import { guarded } from './errors.js';
import { resolveOptions, type AwsOptions } from './options.js';
import { terminateInstance } from './terminate.js';

/** A Cloud that holds connections: destroy() it on shutdown. */
export interface AwsCloud extends Cloud {
  /** The region the clients talk to, resolved from the options or the environment. */
  readonly region: string;
  /** Closes the clients' sockets; the object must not be used afterwards. */
  destroy(): void;
}

/**
 * Validates the options at once (ScalerdError SCALERD_ERR_AWS_CONFIG) and builds the
 * clients; no network call happens until the first method call.
 */
export function createCloud(options: AwsOptions): AwsCloud {
  const resolved = resolveOptions(options);
  return new SdkCloud(resolved.region, createClients(resolved));
}

class SdkCloud implements AwsCloud {
  constructor(
    readonly region: string,
    readonly clients: Clients,
  ) {}

  describeGroups(names: readonly string[]): Promise<GroupObservation[]> {
    return describeGroups(this.clients, names);
  }

  async setDesiredCapacity(group: string, desired: number): Promise<void> {
    await guarded('SetDesiredCapacity', `set the desired capacity of group ${group} to ${desired}`, () =>
      this.clients.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: group, DesiredCapacity: desired, HonorCooldown: false })),
    );
  }

  terminateInstance(instanceId: string): Promise<TerminateResult> {
    return terminateInstance(this.clients, instanceId);
  }

  /** No process names is a no-op here: AWS would take it to mean every process, Launch and Terminate included. */
  async suspendProcesses(group: string, processes: readonly string[]): Promise<void> {
    if (processes.length === 0) return;
    await guarded('SuspendProcesses', `suspend ${processes.join(', ')} in group ${group}`, () =>
      this.clients.autoscaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: group, ScalingProcesses: [...processes] })),
    );
  }

  /** No process names is a no-op here, as for suspendProcesses. */
  async resumeProcesses(group: string, processes: readonly string[]): Promise<void> {
    if (processes.length === 0) return;
    await guarded('ResumeProcesses', `resume ${processes.join(', ')} in group ${group}`, () =>
      this.clients.autoscaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: group, ScalingProcesses: [...processes] })),
    );
  }

  destroy(): void {
    this.clients.autoscaling.destroy();
    this.clients.autoscalingAtMostOnce.destroy();
    this.clients.ec2.destroy();
  }
}
