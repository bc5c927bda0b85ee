// The AWS CLI v2 (Python/botocore, not the JavaScript SDK) against the whole simulator of
// scenarios/small.json: the Auto Scaling group and EC2 instances it reports are the cluster's
// Nodes, and what it changes reaches the cluster — a new instance becomes a Ready Node, a
// terminated one takes its Node and pods with it. The clock is manual; the test moves it by
// the scenario's timings (launch 4 s, join 2 s, ready 1 s, terminate 3 s, node removal 5 s).

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.js';
import type { KubeObject } from '../../../src/sim/kube/store.js';
import {
  type Clients, START, clientsFor, isDaemonSetPod, isServing, nodeOf, podsOfApp, podsOn, requireAwsCliV2, requireKubectl132,
  shippedScenario, table,
} from './helpers.js';

const GROUP = 'small-workers';

type AsgInstance = { InstanceId: string; AvailabilityZone: string; LifecycleState: string; HealthStatus: string };
type Asg = { AutoScalingGroupName: string; MinSize: number; MaxSize: number; DesiredCapacity: number; AvailabilityZones: string[]; Instances: AsgInstance[]; SuspendedProcesses: { ProcessName: string }[] };
type Ec2Instance = { InstanceId: string; PrivateDnsName: string; PrivateIpAddress: string; State: { Name: string }; Placement: { AvailabilityZone: string }; Tags: { Key: string; Value: string }[] };

let sim: Sim;
let c: Clients;

beforeAll(async () => {
  await requireAwsCliV2();
  await requireKubectl132();
});

beforeEach(async () => {
  sim = await startSim({ scenario: await shippedScenario('small'), manualClock: true, startAt: START });
  c = await clientsFor(sim);
});

afterEach(async () => {
  await sim?.stop();
  await c?.dispose();
});

/** The CLI's JSON answer; fails on any error output. */
async function aws<T>(...args: string[]): Promise<T> {
  const out = await c.aws(...args);
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  return (out.stdout ? JSON.parse(out.stdout) : {}) as T;
}

const describeGroup = async (): Promise<Asg> =>
  (await aws<{ AutoScalingGroups: Asg[] }>('autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', GROUP)).AutoScalingGroups[0]!;

const describeInstances = async (...filters: string[]): Promise<Ec2Instance[]> =>
  (await aws<{ Reservations: { Instances: Ec2Instance[] }[] }>('ec2', 'describe-instances', ...filters)).Reservations.flatMap((r) => r.Instances);

const providerIdOf = (node: KubeObject): string => (node.spec as { providerID: string }).providerID;
const nodeByProviderId = (id: string): KubeObject | undefined => sim.store.list('nodes').find((n) => providerIdOf(n) === id);

/** STATUS of a node as `kubectl get node` prints it, or kubectl's error. */
async function kubectlNodeStatus(name: string): Promise<string> {
  const out = await c.kubectl('get', 'node', name);
  return out.code === 0 ? table(out.stdout)[1]![1]! : out.stderr.trim();
}

// Each test starts the AWS CLI (a Python program: 1-3 s a start on a loaded machine) and
// kubectl ten times or more; the simulated clock is moved by hand, so only these process
// starts take real time. 30 s was not enough beside two busy loops and another test file.
describe('AWS CLI v2 against the whole simulator', { timeout: 90_000 }, () => {
  it('autoscaling describe-auto-scaling-groups: the group, its instances InService, each the Node with that providerID', async () => {
    const group = await describeGroup();
    expect(group).toMatchObject({
      AutoScalingGroupName: GROUP, MinSize: 1, MaxSize: 6, DesiredCapacity: 3,
      AvailabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      SuspendedProcesses: [expect.objectContaining({ ProcessName: 'AZRebalance' })],
    });
    expect(group.Instances.map((i) => [i.LifecycleState, i.HealthStatus])).toEqual(Array(3).fill(['InService', 'Healthy']));
    expect(group.Instances.map((i) => `aws:///${i.AvailabilityZone}/${i.InstanceId}`).sort()).toEqual(sim.store.list('nodes').map(providerIdOf).sort());
  });

  it('ec2 describe-instances --filters tag:aws:autoscaling:groupName: private DNS names are the node names', async () => {
    const instances = await describeInstances('--filters', `Name=tag:aws:autoscaling:groupName,Values=${GROUP}`);
    expect(instances).toHaveLength(3);
    for (const instance of instances) {
      const node = nodeByProviderId(`aws:///${instance.Placement.AvailabilityZone}/${instance.InstanceId}`);
      expect(node?.metadata.name, instance.InstanceId).toBe(instance.PrivateDnsName);
      expect((node!.status as { addresses: { type: string; address: string }[] }).addresses).toContainEqual({ type: 'InternalIP', address: instance.PrivateIpAddress });
      expect(instance.State.Name).toBe('running');
      expect(instance.Tags).toContainEqual({ Key: 'aws:autoscaling:groupName', Value: GROUP });
    }
    expect(instances.map((i) => i.PrivateDnsName).sort()).toEqual(sim.store.list('nodes').map((n) => n.metadata.name).sort());
    expect(await describeInstances('--filters', 'Name=tag:aws:autoscaling:groupName,Values=some-other-group')).toEqual([]);
  });

  it('autoscaling set-desired-capacity up by one: a new instance goes InService, its Node joins and turns Ready', async () => {
    expect(await c.aws('autoscaling', 'set-desired-capacity', '--auto-scaling-group-name', GROUP, '--desired-capacity', '4')).toEqual({ code: 0, stdout: '', stderr: '' });
    const launching = await describeGroup();
    expect(launching.DesiredCapacity).toBe(4);
    const fresh = launching.Instances.find((i) => i.LifecycleState === 'Pending')!;
    expect(launching.Instances.map((i) => i.LifecycleState).sort()).toEqual(['InService', 'InService', 'InService', 'Pending']);
    const [ec2] = await describeInstances('--instance-ids', fresh.InstanceId);
    const name = ec2!.PrivateDnsName;
    const providerId = `aws:///${fresh.AvailabilityZone}/${fresh.InstanceId}`;

    sim.clock.advance(4_000); // launched
    expect((await describeGroup()).Instances.find((i) => i.InstanceId === fresh.InstanceId)?.LifecycleState).toBe('InService');
    expect(await kubectlNodeStatus(name)).toBe(`Error from server (NotFound): nodes "${name}" not found`);

    sim.clock.advance(2_000); // the kubelet registered the Node
    expect(providerIdOf(sim.store.get('nodes', undefined, name)!)).toBe(providerId);
    expect(await kubectlNodeStatus(name)).toBe('NotReady');

    sim.clock.advance(1_000); // and it turned Ready
    expect(await kubectlNodeStatus(name)).toBe('Ready');
    const [header, ...rows] = table((await c.kubectl('get', 'nodes')).stdout);
    expect(header![1]).toBe('STATUS');
    expect(rows.map((r) => r[1])).toEqual(Array(4).fill('Ready'));

    sim.clock.advance(5_000); // the DaemonSet's pod starts on it
    const proxy = table((await c.kubectl('get', 'pods', '-n', 'kube-system', '--field-selector', `spec.nodeName=${name}`)).stdout).slice(1);
    expect(proxy.map((r) => [r[0]!.replace(/-[a-z0-9]{5}$/, ''), r[1], r[2]])).toEqual([['kube-proxy', '1/1', 'Running']]);
  });

  it('autoscaling terminate-instance-in-auto-scaling-group --should-decrement-desired-capacity: the Node goes NotReady, its pods die, then it is removed', async () => {
    // The node with the bare pod: the most pods, and one that nothing will bring back.
    const name = nodeOf(sim.store.get('pods', 'default', 'debug')!)!;
    const instanceId = providerIdOf(sim.store.get('nodes', undefined, name)!).split('/').pop()!;
    const victims = podsOn(sim, name).filter((p) => !isDaemonSetPod(p)).map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort();
    expect(victims).toHaveLength(4);

    const { Activity } = await aws<{ Activity: { Description: string; StatusCode: string; AutoScalingGroupName: string } }>(
      'autoscaling', 'terminate-instance-in-auto-scaling-group', '--instance-id', instanceId, '--should-decrement-desired-capacity');
    expect(Activity).toMatchObject({ AutoScalingGroupName: GROUP, Description: `Terminating EC2 instance: ${instanceId}`, StatusCode: 'InProgress' });
    const terminating = await describeGroup();
    expect(terminating.DesiredCapacity).toBe(2);
    expect(terminating.Instances.find((i) => i.InstanceId === instanceId)?.LifecycleState).toBe('Terminating');
    expect(await kubectlNodeStatus(name)).toBe('NotReady');

    // Nobody drained it: the recorder says so, pod by pod.
    expect(sim.recorder.facts('instance-terminated')).toEqual([
      { kind: 'instance-terminated', at: START, instanceId, group: GROUP, podsOnNode: 4, cause: 'instance stopping' },
    ]);
    const killed = sim.recorder.facts('pod-killed').sort((a, b) => a.pod.localeCompare(b.pod));
    expect(killed.map((f) => [f.pod, f.node, f.instanceId, f.at])).toEqual(victims.map((pod) => [pod, name, instanceId, START]));
    expect(sim.recorder.facts('mutation').filter((f) => f.api === 'aws' && f.client === sim.credentials.accessKeyId).map((f) => f.operation))
      .toEqual(['TerminateInstanceInAutoScalingGroup']);

    sim.clock.advance(3_000); // the instance is gone
    expect((await describeInstances('--instance-ids', instanceId)).map((i) => i.State.Name)).toEqual(['terminated']);
    expect((await describeGroup()).Instances.map((i) => i.InstanceId)).not.toContain(instanceId);
    expect(await kubectlNodeStatus(name)).toBe('NotReady');

    sim.clock.advance(2_000); // and the cloud node controller removes its Node
    expect(await kubectlNodeStatus(name)).toBe(`Error from server (NotFound): nodes "${name}" not found`);

    // The controllers bring their pods back on the two nodes left; the bare pod is lost.
    sim.clock.advance(10_000);
    expect(sim.store.list('pods').filter((p) => nodeOf(p) === name)).toEqual([]);
    expect(sim.store.get('pods', 'default', 'debug')).toBeUndefined();
    for (const [app, replicas] of [['web', 3], ['cache', 2], ['search', 2]] as const) {
      expect(podsOfApp(sim, 'shop', app).filter(isServing), app).toHaveLength(replicas);
    }
  });
});
