// A node removed the way scalerd removes one, done end to end by the official Python
// clients alone (python3-kubernetes and python3-boto3 from Debian): list nodes and pods,
// cordon with a patch, evict with budgets answering 429, watch the pods go, delete the
// Node, then describe the group, protect the survivors, terminate exactly that instance
// with decrement, set the capacity back and watch a new Node join. The simulator must
// hold every step to what a real cluster would do: no budget broken, nothing killed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.js';
import { type Clients, START, clientsFor, isDaemonSetPod, podsOn as podsOnNode, runPython, shippedScenario } from './helpers.js';

const KEY = { accessKeyId: 'AKIDPYTHONDRAIN', secretAccessKey: 'python-drain-secret' };
const GROUP = 'small-workers';

let sim: Sim;
let c: Clients;

beforeAll(async () => {
  // Accelerated: a pod's exit and a node's launch take a few hundred real ms.
  sim = await startSim({ scenario: await shippedScenario('small'), speed: 20, startAt: START, awsCredentials: [KEY] });
  c = await clientsFor(sim);
});

afterAll(async () => {
  await sim?.stop();
  await c?.dispose();
});

const podsOn = (node: string) => podsOnNode(sim, node);

describe('a node drained and removed by the official Python clients', () => {
  it('cordons, evicts within the budgets, deletes the Node, terminates exactly its instance and scales back', async () => {
    // A node with a web pod and no bare pod (which a drain would have to force).
    const nodes = sim.store.list('nodes');
    const node = nodes.find((n) => podsOn(n.metadata.name).some((p) => p.metadata.labels?.app === 'web') && podsOn(n.metadata.name).every((p) => p.metadata.ownerReferences?.length))!;
    expect(node).toBeDefined();
    const name = node.metadata.name;
    const instanceId = (node.spec as { providerID: string }).providerID.split('/').at(-1)!;
    const evictable = podsOn(name).filter((p) => !isDaemonSetPod(p));
    expect(evictable.length).toBeGreaterThan(0);

    const out = await runPython(c, `
import time, boto3
NODE = ${JSON.stringify(name)}
out = {'refused': 0}
out['nodes'] = sorted(n.metadata.name for n in core.list_node().items)
core.patch_node(NODE, {'spec': {'unschedulable': True}})
on_node = 'spec.nodeName=' + NODE
pods = core.list_pod_for_all_namespaces(field_selector=on_node).items
out['pods'] = sorted(p.metadata.namespace + '/' + p.metadata.name for p in pods)
evict = [p for p in pods if not any(o.kind == 'DaemonSet' for o in (p.metadata.owner_references or []))]
for p in evict:
    body = kubernetes.client.V1Eviction(metadata=kubernetes.client.V1ObjectMeta(name=p.metadata.name, namespace=p.metadata.namespace))
    while True:
        try:
            core.create_namespaced_pod_eviction(p.metadata.name, p.metadata.namespace, body)
            break
        except ApiException as e:
            if e.status != 429:
                raise
            out['refused'] += 1
            out['refusal'] = json.loads(e.body)['message']
            time.sleep(0.05)
uids = {p.metadata.uid for p in evict}
listed = core.list_pod_for_all_namespaces(field_selector=on_node)
left = uids & {p.metadata.uid for p in listed.items}
out['deleted_seen'] = sorted(uids - left)
if left:
    w = kubernetes.watch.Watch()
    for e in w.stream(core.list_pod_for_all_namespaces, field_selector=on_node, resource_version=listed.metadata.resource_version, timeout_seconds=30):
        if e['type'] == 'DELETED' and e['object'].metadata.uid in left:
            left.discard(e['object'].metadata.uid)
            out['deleted_seen'].append(e['object'].metadata.uid)
        if not left:
            w.stop()
out['left'] = sorted(left)
# Cordoned: no replacement was scheduled here; only the DaemonSet's pod is left.
out['after'] = sorted(p.metadata.name for p in core.list_pod_for_all_namespaces(field_selector=on_node).items
                      if not any(o.kind == 'DaemonSet' for o in (p.metadata.owner_references or [])))
core.delete_node(NODE)

asg = boto3.client('autoscaling', endpoint_url=${JSON.stringify(sim.awsEndpoint)}, region_name=${JSON.stringify(sim.region)},
                   aws_access_key_id=${JSON.stringify(KEY.accessKeyId)}, aws_secret_access_key=${JSON.stringify(KEY.secretAccessKey)})
group = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[${JSON.stringify(GROUP)}])['AutoScalingGroups'][0]
out['desired_before'] = group['DesiredCapacity']
others = [i['InstanceId'] for i in group['Instances'] if i['InstanceId'] != ${JSON.stringify(instanceId)}]
asg.set_instance_protection(AutoScalingGroupName=${JSON.stringify(GROUP)}, InstanceIds=others, ProtectedFromScaleIn=True)
activity = asg.terminate_instance_in_auto_scaling_group(InstanceId=${JSON.stringify(instanceId)}, ShouldDecrementDesiredCapacity=True)['Activity']
out['activity'] = activity['Description']
group = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[${JSON.stringify(GROUP)}])['AutoScalingGroups'][0]
out['desired_after'] = group['DesiredCapacity']
out['protected'] = sorted(i['InstanceId'] for i in group['Instances'] if i['ProtectedFromScaleIn'])

nodes = core.list_node()
asg.set_desired_capacity(AutoScalingGroupName=${JSON.stringify(GROUP)}, DesiredCapacity=out['desired_before'])
w = kubernetes.watch.Watch()
for e in w.stream(core.list_node, resource_version=nodes.metadata.resource_version, timeout_seconds=30):
    ready = any(c.type == 'Ready' and c.status == 'True' for c in (e['object'].status.conditions or []))
    if e['type'] in ('ADDED', 'MODIFIED') and e['object'].metadata.name not in out['nodes'] and ready:
        out['joined'] = e['object'].metadata.name
        out['joined_provider'] = e['object'].spec.provider_id
        w.stop()
print(json.dumps(out))`, 60_000);

    expect(out.nodes).toEqual(nodes.map((n) => n.metadata.name).sort());
    expect(out.pods).toEqual(expect.arrayContaining(evictable.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)));
    expect(out.left).toEqual([]);
    expect(out.after).toEqual([]);
    expect(out.deleted_seen.sort()).toEqual(evictable.map((p) => p.metadata.uid).sort());
    if (out.refused > 0) expect(out.refusal).toMatch(/Cannot evict pod as it would violate the pod's disruption budget/);
    // The Node is gone, its instance terminated by its id with the capacity decremented, the others protected.
    expect(sim.store.get('nodes', undefined, name)).toBeUndefined();
    expect(out.activity).toContain(instanceId);
    expect(out.desired_after).toBe(out.desired_before - 1);
    expect(['Terminating', 'Terminated']).toContain(sim.aws.instance(instanceId)!.lifecycle);
    expect(out.protected.sort()).toEqual(sim.aws.group(GROUP)!.instances.filter((i) => i.instanceId !== instanceId && i.protectedFromScaleIn).map((i) => i.instanceId).sort());
    // Scaled back: a new instance's Node joined and went Ready.
    expect(out.joined).toBeDefined();
    expect(out.joined_provider).not.toContain(instanceId);
    expect(sim.aws.group(GROUP)!.desiredCapacity).toBe(out.desired_before);
    // Every evicted pod has a replacement running elsewhere; no budget broken, nothing killed.
    expect(sim.recorder.facts('pdb-violation')).toEqual([]);
    expect(sim.recorder.facts('pod-killed')).toEqual([]);
    expect(sim.recorder.facts('eviction').filter((e) => e.result === 'accepted')).toHaveLength(evictable.length);
  });
});
