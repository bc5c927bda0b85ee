// Every action the simulated AWS serves, through boto3 (Debian's python3-boto3), with each reply
// held to botocore's service model by botocore-walk.py: the raw XML element by element and the
// parsed reply member by member (types, enums, nothing the model lacks), the members scalerd
// and the AWS CLI read present, and error replies parsed into the right code and HTTP status.
// A served action the walk does not cover fails the test.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTOSCALING_ACTIONS } from '../../../src/sim/aws/autoscaling-api.js';
import { EC2_ACTIONS } from '../../../src/sim/aws/ec2-api.js';
import { startSim, type Sim } from '../../../src/sim/index.js';
import { smallScenario } from '../../aws/helpers.js';
import { botocore, type Botocore, type Call } from './botocore.js';

const KEY = { accessKeyId: 'AKIDBOTOCOREWALK', secretAccessKey: 'walk-secret' };
const GROUP = 'small-workers';
const START = Date.parse('2026-03-02T09:00:00Z');

let sim: Sim;
let boto: Botocore;

beforeAll(async () => {
  const small = await smallScenario();
  const workers = small.nodeGroups[0]!;
  // A second group, so that DescribeAutoScalingGroups has a page to turn.
  const scenario = { ...small, nodeGroups: [workers, { ...workers, name: 'batch', asg: 'small-batch', zones: ['eu-west-1a'], min: 0, desired: 1, suspendedProcesses: [] }] };
  sim = await startSim({ scenario, manualClock: true, startAt: START, awsCredentials: [KEY] });
  // Activities of every kind before the walk: a launch EC2 refused (Failed, with a
  // StatusMessage), its retry (Successful), a termination (Successful), and an instance EC2
  // still shows as terminated.
  sim.faults.addRequestFault({ api: 'aws', operation: 'RunInstances', error: 'InsufficientInstanceCapacity', count: 1 });
  sim.aws.setDesiredCapacity(GROUP, 4);
  sim.clock.advance(10_000);
  sim.clock.advance(4_000);
  const gone = sim.aws.group(GROUP)!.instances[0]!.instanceId;
  expect(sim.aws.terminateInstance(gone, true).ok).toBe(true);
  sim.clock.advance(3_000);
  expect(sim.aws.instance(gone)?.lifecycle).toBe('Terminated');
  boto = await botocore({ endpoint: sim.awsEndpoint, region: sim.region, key: KEY });
});

afterAll(async () => {
  await sim?.stop();
  await boto?.dispose();
});

const live = () => sim.aws.group(GROUP)!.instances.filter((i) => i.lifecycleState === 'InService').map((i) => i.instanceId);

const GROUP_MEMBERS = [
  'AutoScalingGroupName', 'AutoScalingGroupARN', 'MinSize', 'MaxSize', 'DesiredCapacity', 'DefaultCooldown', 'AvailabilityZones', 'HealthCheckType', 'CreatedTime',
  'LaunchTemplate.LaunchTemplateId', 'Tags[].Key', 'Tags[].Value', 'SuspendedProcesses[].ProcessName', 'TerminationPolicies',
  'Instances[].InstanceId', 'Instances[].InstanceType', 'Instances[].AvailabilityZone', 'Instances[].LifecycleState', 'Instances[].HealthStatus', 'Instances[].ProtectedFromScaleIn',
].map((m) => `AutoScalingGroups[].${m}`);
const ACTIVITY_MEMBERS = ['ActivityId', 'AutoScalingGroupName', 'Description', 'Cause', 'StartTime', 'StatusCode', 'Progress'];
const INSTANCE_MEMBERS = ['InstanceId', 'PrivateDnsName', 'LaunchTime', 'State.Name', 'State.Code', 'InstanceType', 'Placement.AvailabilityZone', 'Tags[].Key', 'Tags[].Value']
  .map((m) => `Reservations[].Instances[].${m}`);

function successCalls(): Call[] {
  const [first, second] = live();
  return [
    { service: 'autoscaling', operation: 'DescribeAutoScalingGroups', require: GROUP_MEMBERS },
    { service: 'autoscaling', operation: 'DescribeAutoScalingGroups', params: { MaxRecords: 1 }, require: [...GROUP_MEMBERS, 'NextToken'] },
    { service: 'autoscaling', operation: 'DescribeAutoScalingInstances', require: ['InstanceId', 'AutoScalingGroupName', 'AvailabilityZone', 'LifecycleState', 'HealthStatus', 'ProtectedFromScaleIn'].map((m) => `AutoScalingInstances[].${m}`) },
    { service: 'autoscaling', operation: 'DescribeScalingActivities', params: { AutoScalingGroupName: GROUP }, require: ACTIVITY_MEMBERS.map((m) => `Activities[].${m}`) },
    { service: 'autoscaling', operation: 'SetInstanceProtection', params: { AutoScalingGroupName: GROUP, InstanceIds: [first], ProtectedFromScaleIn: true } },
    { service: 'autoscaling', operation: 'SetInstanceProtection', params: { AutoScalingGroupName: GROUP, InstanceIds: [first], ProtectedFromScaleIn: false } },
    { service: 'autoscaling', operation: 'SuspendProcesses', params: { AutoScalingGroupName: GROUP, ScalingProcesses: ['Launch'] } },
    { service: 'autoscaling', operation: 'ResumeProcesses', params: { AutoScalingGroupName: GROUP, ScalingProcesses: ['Launch'] } },
    {
      service: 'autoscaling', operation: 'UpdateAutoScalingGroup',
      params: { AutoScalingGroupName: GROUP, MaxSize: 8, DefaultCooldown: 120, TerminationPolicies: ['OldestInstance'], Context: 'walk', MaxInstanceLifetime: 86_400, DefaultInstanceWarmup: 30, DesiredCapacityType: 'units' },
    },
    { service: 'autoscaling', operation: 'SetDesiredCapacity', params: { AutoScalingGroupName: GROUP, DesiredCapacity: 5 } },
    {
      service: 'autoscaling', operation: 'TerminateInstanceInAutoScalingGroup', params: { InstanceId: second, ShouldDecrementDesiredCapacity: false },
      require: ACTIVITY_MEMBERS.map((m) => `Activity.${m}`),
    },
    // Again, with instances Pending and Terminating, activities in progress and the settings set above.
    { service: 'autoscaling', operation: 'DescribeAutoScalingGroups', params: { AutoScalingGroupNames: [GROUP] }, require: [...GROUP_MEMBERS, 'AutoScalingGroups[].MaxInstanceLifetime', 'AutoScalingGroups[].Context'] },
    { service: 'autoscaling', operation: 'DescribeScalingActivities', require: ACTIVITY_MEMBERS.map((m) => `Activities[].${m}`) },
    { service: 'ec2', operation: 'DescribeInstances', require: INSTANCE_MEMBERS },
    { service: 'ec2', operation: 'DescribeInstances', params: { MaxResults: 5 }, require: [...INSTANCE_MEMBERS, 'NextToken'] },
    { service: 'ec2', operation: 'DescribeInstances', params: { Filters: [{ Name: 'instance-state-name', Values: ['terminated'] }] }, require: INSTANCE_MEMBERS },
  ];
}

const errorCalls: Call[] = [
  { service: 'autoscaling', operation: 'DescribeAutoScalingGroups', unsigned: true, error: { code: 'MissingAuthenticationToken', status: 403 } },
  { service: 'autoscaling', operation: 'DescribeAutoScalingGroups', accessKeyId: 'AKIDSTRANGER', error: { code: 'InvalidClientTokenId', status: 403 } },
  { service: 'autoscaling', operation: 'DescribeAutoScalingGroups', secretAccessKey: 'not-the-secret', error: { code: 'SignatureDoesNotMatch', status: 403 } },
  { service: 'autoscaling', operation: 'DescribeAutoScalingGroups', params: { NextToken: 'garbage' }, error: { code: 'InvalidNextToken', status: 400 } },
  { service: 'autoscaling', operation: 'SetDesiredCapacity', params: { AutoScalingGroupName: GROUP, DesiredCapacity: 99 }, error: { code: 'ValidationError', status: 400 } },
  { service: 'autoscaling', operation: 'SetDesiredCapacity', params: { AutoScalingGroupName: GROUP, DesiredCapacity: 4, HonorCooldown: true }, error: { code: 'ScalingActivityInProgress', status: 400 } },
  { service: 'autoscaling', operation: 'UpdateAutoScalingGroup', params: { AutoScalingGroupName: GROUP, HealthCheckType: 'PING' }, error: { code: 'ValidationError', status: 400 } },
  { service: 'ec2', operation: 'DescribeInstances', unsigned: true, error: { code: 'MissingParameter', status: 400 } },
  { service: 'ec2', operation: 'DescribeInstances', accessKeyId: 'AKIDSTRANGER', error: { code: 'AuthFailure', status: 401 } },
  { service: 'ec2', operation: 'DescribeInstances', params: { InstanceIds: ['i-0123456789abcdef0'] }, error: { code: 'InvalidInstanceID.NotFound', status: 400 } },
  { service: 'ec2', operation: 'DescribeInstances', params: { DryRun: true }, error: { code: 'DryRunOperation', status: 412 } },
];

describe('every served action through botocore', () => {
  it('the walk covers every action the simulator serves, and only those', () => {
    const served = [...Object.keys(AUTOSCALING_ACTIONS).map((a) => `autoscaling ${a}`), ...Object.keys(EC2_ACTIONS).map((a) => `ec2 ${a}`)];
    expect(new Set(successCalls().map((c) => `${c.service} ${c.operation}`))).toEqual(new Set(served));
  });

  it('answers each in the shape of the model, with the members scalerd and the AWS CLI read', async () => {
    const walked = await boto.walk(successCalls());
    expect(walked.filter((w) => w.problems.length > 0)).toEqual([]);
    expect(walked.map((w) => w.status)).toEqual(walked.map(() => 200));
  });

  it('answers errors that botocore parses into their code and HTTP status', async () => {
    const walked = await boto.walk(errorCalls);
    expect(walked.filter((w) => w.problems.length > 0)).toEqual([]);
    expect(walked.map((w) => w.code)).toEqual(errorCalls.map((c) => c.error!.code));
  });
});
