// boto3 (Python/botocore, an independent client) against the simulated AWS: the calls scalerd
// depends on do what they say, and what the simulator used to let through is refused with the
// code, HTTP status and words AWS answers with. Every reply is also held to botocore's model.

import { describe, expect, it } from 'vitest';
import { botocore, type Call, type Walked } from './botocore.js';
import { KEY, servedWorld, spec, TIMINGS } from './helpers.js';

const s = servedWorld((w) => w.model.addGroup(spec({ minSize: 1 }), { startInService: true }));

async function walk(calls: readonly Call[]): Promise<Walked[]> {
  const boto = await botocore({ endpoint: s.endpoint, region: 'eu-west-1', key: KEY });
  try {
    const walked = await boto.walk(calls);
    expect(walked.filter((w) => w.problems.length > 0)).toEqual([]);
    return walked;
  } finally {
    await boto.dispose();
  }
}

const ids = () => s.w.model.group('workers')!.instances.map((i) => i.instanceId);

describe('boto3 against the simulator', () => {
  it('describes groups, sets capacity, sets and clears protection, terminates an instance and describes instances', async () => {
    const [first, second] = ids();
    const [groups, , protectedOne, , , terminated, instances] = await walk([
      { service: 'autoscaling', operation: 'DescribeAutoScalingGroups', params: { AutoScalingGroupNames: ['workers'] } },
      { service: 'autoscaling', operation: 'SetDesiredCapacity', params: { AutoScalingGroupName: 'workers', DesiredCapacity: 4 } },
      { service: 'autoscaling', operation: 'SetInstanceProtection', params: { AutoScalingGroupName: 'workers', InstanceIds: [first], ProtectedFromScaleIn: true } },
      { service: 'autoscaling', operation: 'DescribeAutoScalingInstances', params: { InstanceIds: [first] } },
      { service: 'autoscaling', operation: 'SetInstanceProtection', params: { AutoScalingGroupName: 'workers', InstanceIds: [first], ProtectedFromScaleIn: false } },
      { service: 'autoscaling', operation: 'TerminateInstanceInAutoScalingGroup', params: { InstanceId: second, ShouldDecrementDesiredCapacity: true } },
      { service: 'ec2', operation: 'DescribeInstances', params: { Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: ['workers'] }] } },
    ]);
    expect(groups!.reply).toMatchObject({ AutoScalingGroups: [{ AutoScalingGroupName: 'workers', MinSize: 1, MaxSize: 10, DesiredCapacity: 3 }] });
    expect(protectedOne!.reply).toEqual({});
    expect(terminated!.reply).toMatchObject({ Activity: { Description: `Terminating EC2 instance: ${second}`, StatusCode: 'InProgress' } });

    const group = s.w.model.group('workers')!;
    expect(group.desiredCapacity).toBe(3);
    expect(group.instances.find((i) => i.instanceId === first)?.protectedFromScaleIn).toBe(false);
    expect(group.instances.find((i) => i.instanceId === second)?.lifecycleState).toBe('Terminating');
    const described = (instances!.reply as { Reservations: { Instances: { InstanceId: string; State: { Name: string } }[] }[] }).Reservations.flatMap((r) => r.Instances);
    expect(described.map((i) => [i.InstanceId, i.State.Name]).sort()).toEqual(s.w.model.instances().map((i) => [i.instanceId, i.instanceId === second ? 'shutting-down' : i.lifecycle === 'Pending' ? 'pending' : 'running']).sort());
    expect(s.w.recorder.facts('mutation').filter((f) => f.client === KEY.accessKeyId).map((f) => f.operation))
      .toEqual(['SetDesiredCapacity', 'SetInstanceProtection', 'SetInstanceProtection', 'TerminateInstanceInAutoScalingGroup']);
  });

  it('had its SetInstanceProtection answer read (it used to fail with KeyError)', async () => {
    const [walked] = await walk([{ service: 'autoscaling', operation: 'SetInstanceProtection', params: { AutoScalingGroupName: 'workers', InstanceIds: ids().slice(0, 1), ProtectedFromScaleIn: true } }]);
    expect(walked).toMatchObject({ status: 200, reply: {} });
  });
});

describe('boto3 is refused as AWS refuses it', () => {
  const describeGroups = { service: 'autoscaling', operation: 'DescribeAutoScalingGroups' } as const;

  it('without a signature, with a wrong secret, with an unknown key', async () => {
    const walked = await walk([
      { ...describeGroups, unsigned: true, error: { code: 'MissingAuthenticationToken', status: 403 } },
      { ...describeGroups, secretAccessKey: 'not-the-secret', error: { code: 'SignatureDoesNotMatch', status: 403 } },
      { ...describeGroups, accessKeyId: 'AKIDSTRANGER', error: { code: 'InvalidClientTokenId', status: 403 } },
      { service: 'ec2', operation: 'DescribeInstances', unsigned: true, error: { code: 'MissingParameter', status: 400 } },
      { service: 'ec2', operation: 'DescribeInstances', accessKeyId: 'AKIDSTRANGER', error: { code: 'AuthFailure', status: 401 } },
    ]);
    expect(walked.map((w) => w.message)).toEqual([
      'Request is missing Authentication Token',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      'The security token included in the request is invalid.',
      'The request must contain the parameter AWSAccessKeyId',
      'AWS was not able to validate the provided access credentials',
    ]);
  });

  it('a health check type that is not one, and HonorCooldown during a cooldown', async () => {
    s.w.model.setDesiredCapacity('workers', 4);
    s.w.clock.advance(TIMINGS.launchDelayMs);
    const launch = s.w.model.activities()[0]!;
    expect(launch.statusCode).toBe('Successful');
    const walked = await walk([
      { service: 'autoscaling', operation: 'UpdateAutoScalingGroup', params: { AutoScalingGroupName: 'workers', HealthCheckType: 'PING' }, error: { code: 'ValidationError', status: 400 } },
      { service: 'autoscaling', operation: 'SetDesiredCapacity', params: { AutoScalingGroupName: 'workers', DesiredCapacity: 5, HonorCooldown: true }, error: { code: 'ScalingActivityInProgress', status: 400 } },
    ]);
    expect(walked.map((w) => w.message)).toEqual([
      "1 validation error detected: Value 'PING' at 'healthCheckType' failed to satisfy constraint: Member must satisfy enum value set: [EC2, ELB, VPC_LATTICE, EBS]",
      `Scaling activity ${launch.activityId} is in progress and blocks this action`,
    ]);
    expect(s.w.model.group('workers')).toMatchObject({ desiredCapacity: 4, settings: { healthCheckType: 'EC2' } });
  });
});
