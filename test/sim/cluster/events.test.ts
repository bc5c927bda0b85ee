// The Events the simulated controllers write, on a manual clock, as the real ones do:
// reasons, messages, sources, involvedObject; repeats counted up on one Event; none for
// the seeded cluster; every Event gone an hour after its last write.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.js';
import type { KubeObject } from '../../../src/sim/kube/store.js';
import { START, shippedScenario } from '../clients/helpers.js';

type Loose = Record<string, any>;
let sim: Sim;

beforeAll(async () => {
  sim = await startSim({ scenario: await shippedScenario('small'), manualClock: true, startAt: START });
});
afterAll(() => sim?.stop());

const events = (): Loose[] => sim.store.list('events') as Loose[];
const about = (object: KubeObject): Loose[] => events().filter((e) => e.involvedObject.uid === object.metadata.uid);
const scale = (name: string, replicas: number) => sim.store.mutate('deployments.apps', 'shop', name, (d) => { (d.spec as Loose).replicas = replicas; });

describe('Events of the simulated controllers', () => {
  it('none for the cluster as seeded', () => {
    expect(events()).toEqual([]);
  });

  it('a scale-up: ScalingReplicaSet, SuccessfulCreate, Scheduled, then the kubelet\'s Pulled, Created and Started', () => {
    const deployment = scale('web', 4);
    sim.clock.advance(0);
    const rs = sim.store.list('replicasets.apps', 'shop').find((r) => r.metadata.ownerReferences?.[0]?.uid === deployment.metadata.uid)!;
    const at = '2026-03-02T09:00:00Z';
    expect(about(deployment)).toEqual([expect.objectContaining({
      metadata: expect.objectContaining({ namespace: 'shop', name: expect.stringMatching(/^web\.[0-9a-f]+$/) }),
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop', uid: deployment.metadata.uid, resourceVersion: deployment.metadata.resourceVersion },
      type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled up replica set ${rs.metadata.name} from 3 to 4`,
      source: { component: 'deployment-controller' }, reportingComponent: 'deployment-controller', reportingInstance: '',
      firstTimestamp: at, lastTimestamp: at, count: 1,
    })]);
    const created = about(rs);
    expect(created.map((e) => [e.reason, e.source.component])).toEqual([['SuccessfulCreate', 'replicaset-controller']]);
    const podName = /^Created pod: (.+)$/.exec(created[0]!.message)![1]!;
    const pod = sim.store.get('pods', 'shop', podName)!;
    expect(about(pod).map((e) => [e.reason, e.type, e.source])).toEqual([['Scheduled', 'Normal', { component: 'default-scheduler' }]]);
    expect(about(pod)[0]!.message).toBe(`Successfully assigned shop/${podName} to ${(pod.spec as Loose).nodeName}`);
    sim.clock.advance(1_000); // the pod's start-up
    const kubelet = about(pod).filter((e) => e.source.component === 'kubelet');
    expect(kubelet.map((e) => [e.reason, e.message, e.involvedObject.fieldPath, e.source.host])).toEqual([
      ['Pulled', expect.stringMatching(/^Container image ".+" already present on machine$/), 'spec.containers{web}', (pod.spec as Loose).nodeName],
      ['Created', 'Created container web', 'spec.containers{web}', (pod.spec as Loose).nodeName],
      ['Started', 'Started container web', 'spec.containers{web}', (pod.spec as Loose).nodeName],
    ]);
  });

  it('a scale-down: ScalingReplicaSet down, SuccessfulDelete, and the kubelet\'s Killing', () => {
    const deployment = scale('web', 3);
    sim.clock.advance(0);
    expect(about(deployment).map((e) => e.message)).toContainEqual(expect.stringMatching(/^Scaled down replica set web-\w+ from 4 to 3$/));
    const deleted = events().find((e) => e.reason === 'SuccessfulDelete')!;
    expect(deleted).toMatchObject({ involvedObject: { kind: 'ReplicaSet', namespace: 'shop' }, source: { component: 'replicaset-controller' } });
    const podName = /^Deleted pod: (.+)$/.exec(deleted.message)![1]!;
    expect(events().filter((e) => e.involvedObject.name === podName && e.reason === 'Killing').map((e) => e.message)).toEqual(['Stopping container web']);
  });

  it('a StatefulSet\'s pods in its own words', () => {
    sim.store.mutate('statefulsets.apps', 'shop', 'search', (s) => { (s.spec as Loose).replicas = 3; });
    sim.clock.advance(0);
    expect(events().filter((e) => e.involvedObject.kind === 'StatefulSet').map((e) => [e.reason, e.message, e.source.component]))
      .toEqual([['SuccessfulCreate', 'create Pod search-2 in StatefulSet search successful', 'statefulset-controller']]);
  });

  it('FailedScheduling, counted up on one Event while the pod keeps failing', () => {
    sim.store.create('pods', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'huge', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '64' } } }] },
    });
    sim.clock.advance(0);
    const failed = () => events().filter((e) => e.involvedObject.name === 'huge' && e.reason === 'FailedScheduling');
    expect(failed()).toEqual([expect.objectContaining({ type: 'Warning', message: '0/3 nodes are available: 3 Insufficient cpu.', count: 1, source: { component: 'default-scheduler' } })]);
    sim.clock.advance(30_000);
    const { count, firstTimestamp } = failed()[0]!;
    // A node changes: the scheduler tries the pod again.
    sim.store.mutate('nodes', undefined, sim.store.list('nodes')[0]!.metadata.name, (n) => { n.metadata.labels = { ...n.metadata.labels, retry: 'yes' }; });
    sim.clock.advance(0);
    expect(failed()).toEqual([expect.objectContaining({ count: count + 1, firstTimestamp, lastTimestamp: '2026-03-02T09:00:31Z' })]);
  });

  it('a Node\'s life: RegisteredNode, NodeReady (the kubelet\'s, by name), NodeNotReady, RemovingNode', () => {
    const before = new Set(sim.store.list('nodes').map((n) => n.metadata.name));
    expect(sim.aws.setDesiredCapacity('small-workers', 4).ok).toBe(true);
    sim.clock.advance(10_000);
    const node = sim.store.list('nodes').find((n) => !before.has(n.metadata.name))!;
    const name = node.metadata.name;
    const ofNode = () => events().filter((e) => e.involvedObject.kind === 'Node' && e.involvedObject.name === name);
    expect(ofNode().map((e) => [e.reason, e.message, e.source, e.involvedObject.uid, e.metadata.namespace])).toEqual([
      ['RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`, { component: 'node-controller' }, node.metadata.uid, 'default'],
      ['NodeReady', `Node ${name} status is now: NodeReady`, { component: 'kubelet', host: name }, name, 'default'],
    ]);
    const instance = sim.aws.instances().find((i) => i.privateDnsName === name)!;
    sim.aws.terminateInstance(instance.instanceId, true);
    sim.clock.advance(60_000);
    expect(ofNode().slice(2).map((e) => [e.reason, e.message])).toEqual([
      ['NodeNotReady', `Node ${name} status is now: NodeNotReady`],
      ['RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`],
    ]);
  });

  it('every Event goes an hour after its last write', () => {
    sim.store.delete('pods', 'default', 'huge'); // no more attempts: its Event's last write is the last
    const huge = events().find((e) => e.involvedObject.name === 'huge')!;
    const early = events().filter((e) => e.lastTimestamp === '2026-03-02T09:00:00Z');
    expect(early.length).toBeGreaterThan(0);
    sim.clock.advance(3_600_000 - sim.clock.now() + START + 1);
    const left = new Set(events().map((e) => e.metadata.name));
    for (const e of early) expect(left.has(e.metadata.name)).toBe(false);
    expect(left.has(huge.metadata.name)).toBe(true); // written again since
    sim.clock.advance(Date.parse(huge.lastTimestamp) + 3_600_000 - sim.clock.now() + 1_000);
    expect(events().some((e) => e.metadata.name === huge.metadata.name)).toBe(false);
  });
});
