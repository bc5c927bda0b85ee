// kubectl v1.32 reading the simulated cluster of scenarios/small.json: what it prints must be
// what it would print against a real cluster in that state. The clock is manual and moved
// 90 s on, so every AGE cell reads "90s".

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.js';
import type { Scenario } from '../../../src/sim/scenario/types.js';
import { type Clients, START, clientsFor, kubectlOk, requireKubectl132, shippedScenario, table } from './helpers.js';

let sim: Sim;
let c: Clients;

beforeAll(async () => {
  await requireKubectl132();
  sim = await startSim({ scenario: await shippedScenario('small'), manualClock: true, startAt: START });
  sim.clock.advance(90_000);
  c = await clientsFor(sim);
});

afterAll(async () => {
  await sim?.stop();
  await c?.dispose();
});

const ok = (...args: string[]): Promise<string> => kubectlOk(c, ...args);

type NodeJson = {
  metadata: { name: string; labels: Record<string, string> };
  spec: { providerID: string; unschedulable?: boolean };
  status: { allocatable: Record<string, string>; conditions: { type: string; status: string }[] };
};

/** Every pod the scenario implies, as (namespace, name pattern, how many). */
function expectedPods(scenario: Scenario, nodes: number): { namespace: string; pattern: RegExp; count: number }[] {
  return [
    ...(scenario.workloads ?? []).flatMap((w) => w.kind === 'StatefulSet'
      ? Array.from({ length: w.replicas }, (_, i) => ({ namespace: w.namespace, pattern: new RegExp(`^${w.name}-${i}$`), count: 1 }))
      : [{ namespace: w.namespace, pattern: new RegExp(`^${w.name}-[a-z0-9]{1,10}-[a-z0-9]{5}$`), count: w.replicas }]),
    ...(scenario.daemonSets ?? []).map((d) => ({ namespace: d.namespace, pattern: new RegExp(`^${d.name}-[a-z0-9]{5}$`), count: nodes })),
    ...(scenario.pods ?? []).map((p) => ({ namespace: p.namespace, pattern: new RegExp(`^${p.name}$`), count: 1 })),
  ];
}

describe('kubectl get against the simulator (scenarios/small.json)', () => {
  it('get nodes -o json: every node of the group, with its providerID, zone labels, Ready and allocatable', async () => {
    const { items } = JSON.parse(await ok('get', 'nodes', '-o', 'json')) as { items: NodeJson[] };
    const group = sim.scenario.nodeGroups[0]!;
    expect(items).toHaveLength(group.desired);
    const instances = sim.aws.group('small-workers')!.instances;
    for (const node of items) {
      const [, zone, instanceId] = /^aws:\/\/\/([a-z0-9-]+)\/(i-[0-9a-f]{17})$/.exec(node.spec.providerID) ?? [];
      expect(instances.find((i) => i.instanceId === instanceId)?.availabilityZone, node.spec.providerID).toBe(zone);
      expect(node.metadata.labels).toMatchObject({
        'topology.kubernetes.io/zone': zone,
        'topology.kubernetes.io/region': 'eu-west-1',
        'node.kubernetes.io/instance-type': 'm6i.large',
        'kubernetes.io/hostname': node.metadata.name,
        'scalerd.io/node-group': 'workers',
      });
      expect(node.status.conditions.find((cond) => cond.type === 'Ready')?.status).toBe('True');
      expect(node.status.allocatable).toMatchObject({ cpu: '1930m', memory: '7Gi', pods: '29' });
      expect(node.spec.unschedulable).toBeUndefined();
    }
    // One node per zone, as the group spreads them.
    expect(items.map((n) => n.metadata.labels['topology.kubernetes.io/zone']).sort()).toEqual(group.zones);
  });

  it('get nodes: the printed columns', async () => {
    const [header, ...rows] = table(await ok('get', 'nodes'));
    expect(header).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(rows.map((r) => r[0]).sort()).toEqual(sim.store.list('nodes').map((n) => n.metadata.name).sort());
    for (const row of rows) expect(row.slice(1)).toEqual(['Ready', '<none>', '90s', 'v1.32.0']);
  });

  it('get pods -A: every pod of the scenario, Running 1/1', async () => {
    const [header, ...rows] = table(await ok('get', 'pods', '-A'));
    expect(header).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    const expected = expectedPods(sim.scenario, sim.scenario.nodeGroups[0]!.desired);
    const seen = new Map<(typeof expected)[number], number>();
    for (const [namespace, name, ...rest] of rows) {
      const owner = expected.find((e) => e.namespace === namespace && e.pattern.test(name!));
      expect(owner, `${namespace}/${name} is no pod of the scenario`).toBeDefined();
      seen.set(owner!, (seen.get(owner!) ?? 0) + 1);
      expect(rest, `${namespace}/${name}`).toEqual(['1/1', 'Running', '0', '90s']);
    }
    for (const e of expected) expect(seen.get(e) ?? 0, `${e.namespace} ${e.pattern}`).toBe(e.count);
    expect(rows).toHaveLength(expected.reduce((n, e) => n + e.count, 0));
  });

  it('get pods -o wide: the node of each pod', async () => {
    const [header, ...rows] = table(await ok('get', 'pods', '-n', 'shop', '-o', 'wide'));
    expect(header).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    for (const [name, , , , , ip, node] of rows) {
      const pod = sim.store.get('pods', 'shop', name!)!;
      expect(node).toBe((pod.spec as { nodeName: string }).nodeName);
      expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    }
  });

  it('get deploy,sts,pdb -n shop: the columns of each kind', async () => {
    expect(table(await ok('get', 'deploy,sts,pdb', '-n', 'shop'))).toEqual([
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
      ['deployment.apps/cache', '2/2', '2', '2', '90s'],
      ['deployment.apps/web', '3/3', '3', '3', '90s'],
      ['NAME', 'READY', 'AGE'],
      ['statefulset.apps/search', '2/2', '90s'],
      ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE'],
      ['poddisruptionbudget.policy/search', 'N/A', '1', '1', '90s'],
      ['poddisruptionbudget.policy/web', '2', 'N/A', '1', '90s'],
    ]);
  });

  it('get lease -n kube-system: the control plane leases', async () => {
    expect(table(await ok('get', 'lease', '-n', 'kube-system'))).toEqual([
      ['NAME', 'HOLDER', 'AGE'],
      ['kube-controller-manager', 'control-plane-1_kube-controller-manager', '90s'],
      ['kube-scheduler', 'control-plane-1_kube-scheduler', '90s'],
    ]);
  });

  it('get of a missing object: the API server\'s NotFound, exit 1', async () => {
    expect(await c.kubectl('get', 'node', 'ip-10-9-9-9.eu-west-1.compute.internal')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (NotFound): nodes "ip-10-9-9-9.eu-west-1.compute.internal" not found\n',
    });
  });
});
