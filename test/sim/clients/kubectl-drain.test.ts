// kubectl v1.32 draining nodes of the simulated cluster, as an operator would before removing
// them: it must refuse a bare pod without --force, retry evictions a PodDisruptionBudget
// refuses (429) until replacements are Ready elsewhere, and finish. The clock runs 4x real
// time, so pods start in a fraction of a second while kubectl keeps its own real-time pace
// (it retries a refused eviction every 5 s and polls for deleted pods every second).

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.js';
import type { KubeObject } from '../../../src/sim/kube/store.js';
import type { Scenario } from '../../../src/sim/scenario/types.js';
import {
  type Clients, START, checkedScenario, clientsFor, isDaemonSetPod, isServing, nodeOf, ownerKind, podsOfApp, podsOn,
  requireKubectl132, shippedScenario, table, waitFor,
} from './helpers.js';

const SPEED = 4;

/** The simulator and clients of the running test, for afterEach to end. */
let running: { sim: Sim; c: Clients } | undefined;

beforeAll(requireKubectl132);

afterEach(async () => {
  await running?.sim.stop();
  await running?.c.dispose();
  running = undefined;
});

async function start(scenario: Scenario, options: { manualClock?: boolean } = {}): Promise<{ sim: Sim; c: Clients }> {
  const sim = await startSim({ scenario, startAt: START, ...(options.manualClock ? { manualClock: true } : { speed: SPEED }) });
  running = { sim, c: await clientsFor(sim) };
  return running;
}

const DRAIN = ['--ignore-daemonsets', '--delete-emptydir-data', '--timeout=120s'];

/** The node holding the scenario's bare pod default/debug. */
const bareNode = (s: Sim): string => nodeOf(s.store.get('pods', 'default', 'debug')!)!;

const key = (pod: KubeObject) => `${pod.metadata.namespace}/${pod.metadata.name}`;

/**
 * Two nodes, and three replicas of a Deployment whose budget lets one go at a time: one
 * node holds at least two of them, so draining it needs a second eviction while the first
 * replacement is still starting — which the budget refuses with a 429.
 */
const TIGHT: Scenario = checkedScenario({
  name: 'tight-budget',
  region: 'eu-west-1',
  timings: { launchSeconds: 4, joinSeconds: 2, readySeconds: 1, terminateSeconds: 3, nodeRemovalSeconds: 5, podStartupSeconds: 2, podExitSeconds: 1 },
  nodeGroups: [{
    name: 'workers', asg: 'tight-workers', zones: ['eu-west-1a', 'eu-west-1b'], min: 1, max: 4, desired: 2,
    instanceType: 'm6i.large', allocatable: { cpu: '1930m', memory: '7Gi', pods: 29 },
  }],
  workloads: [
    { namespace: 'shop', name: 'api', kind: 'Deployment', replicas: 3, requests: { cpu: '200m', memory: '256Mi' }, pdb: { maxUnavailable: 1 } },
    { namespace: 'shop', name: 'scratch', kind: 'Deployment', replicas: 2, requests: { cpu: '100m', memory: '128Mi' }, emptyDir: true },
  ],
  daemonSets: [{ namespace: 'kube-system', name: 'kube-proxy', requests: { cpu: '50m', memory: '32Mi' }, tolerateAll: true }],
});

describe('kubectl drain', () => {
  it('refuses a node with a bare pod without --force: the node stays cordoned and nothing is evicted', async () => {
    const { sim, c } = await start(await shippedScenario('small'), { manualClock: true });
    const node = bareNode(sim);
    const before = podsOn(sim, node).map(key).sort();

    const out = await c.kubectl('drain', node, ...DRAIN);

    expect(out.code).toBe(1);
    expect(out.stdout).toBe(`node/${node} cordoned\n`);
    expect(out.stderr).toContain(`error: unable to drain node "${node}" due to error: cannot delete cannot delete Pods that declare no controller (use --force to override): default/debug, continuing command...`);
    expect(out.stderr).toContain(`There are pending nodes to be drained:\n ${node}\n`);
    expect((sim.store.get('nodes', undefined, node)!.spec as { unschedulable?: boolean }).unschedulable).toBe(true);
    expect(sim.recorder.facts('eviction')).toEqual([]);
    expect(podsOn(sim, node).map(key).sort()).toEqual(before);
  });

  it('with --force evicts the bare pod too (it is gone for good) and the rest come back elsewhere', async () => {
    const { sim, c } = await start(await shippedScenario('small'));
    const node = bareNode(sim);
    const evicted = podsOn(sim, node).filter((p) => !isDaemonSetPod(p));
    expect(evicted.map((p) => ownerKind(p) ?? 'none').sort()).toEqual(['ReplicaSet', 'ReplicaSet', 'StatefulSet', 'none']); // cache, web, search, debug

    const out = await c.kubectl('drain', node, ...DRAIN, '--force');

    expect(out.code, out.stderr).toBe(0);
    // kubectl joins its warnings in Go map order, which is random: check each, not their order.
    const warnings = /^Warning: (.*)\n/.exec(out.stderr)?.[1]?.split('; ').sort();
    expect(warnings).toEqual([
      'deleting Pods that declare no controller: default/debug',
      expect.stringMatching(/^ignoring DaemonSet-managed Pods: kube-system\/kube-proxy-[a-z0-9]{5}$/),
    ]);
    for (const pod of evicted) expect(out.stdout).toContain(`pod/${pod.metadata.name} evicted\n`);
    expect(out.stdout.endsWith(`node/${node} drained\n`)).toBe(true);
    expect(podsOn(sim, node).filter((p) => !isDaemonSetPod(p))).toEqual([]);
    expect(sim.store.get('pods', 'default', 'debug')).toBeUndefined();
    expect(sim.recorder.facts('eviction').filter((f) => f.result === 'accepted').map((f) => f.pod).sort()).toEqual(evicted.map(key).sort());

    // Their controllers replace the others on the two other nodes.
    await waitFor(() => ['web', 'cache', 'search'].every((app) => {
      const pods = podsOfApp(sim, 'shop', app);
      return pods.length === (app === 'web' ? 3 : 2) && pods.every((p) => isServing(p) && nodeOf(p) !== node);
    }), { timeoutMs: 10_000, what: 'web, cache and search all Running off the drained node' });
  });

  it('retries evictions a PodDisruptionBudget refuses (429) until the replacements are Ready, then finishes', { timeout: 45_000 }, async () => {
    const { sim, c } = await start(TIGHT);
    const apiOn = (node: string) => podsOn(sim, node).filter((p) => p.metadata.labels?.app === 'api').length;
    const node = sim.store.list('nodes').map((n) => n.metadata.name).sort((a, b) => apiOn(b) - apiOn(a))[0]!;
    const other = sim.store.list('nodes').map((n) => n.metadata.name).find((n) => n !== node)!;
    expect(apiOn(node)).toBeGreaterThanOrEqual(2);
    const evicted = podsOn(sim, node).filter((p) => !isDaemonSetPod(p));

    // The budget's own invariant, watched on every change: never fewer than 2 of 3 api pods serving.
    let fewestServing = Infinity;
    const unsubscribe = sim.store.subscribe((event) => {
      if (event.resource === 'pods') fewestServing = Math.min(fewestServing, podsOfApp(sim, 'shop', 'api').filter(isServing).length);
    });
    const startedAt = performance.now();
    const out = await c.kubectl('drain', node, ...DRAIN);
    const tookMs = performance.now() - startedAt;
    unsubscribe();

    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.startsWith(`node/${node} cordoned\n`)).toBe(true);
    expect(out.stdout.endsWith(`node/${node} drained\n`)).toBe(true);
    expect(out.stderr).toMatch(/^Warning: ignoring DaemonSet-managed Pods: kube-system\/kube-proxy-[a-z0-9]{5}\n/);
    // kubectl saw the refusal itself and waited its 5 s; it was not retried out of its sight.
    expect(out.stderr).toMatch(/error when evicting pods\/"api-[a-z0-9]+-[a-z0-9]{5}" -n "shop" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\.\n/);
    expect(tookMs).toBeGreaterThan(5_000);

    // Every pod but the DaemonSet's is gone from the node (kubectl's own view of it too).
    expect(podsOn(sim, node).filter((p) => !isDaemonSetPod(p))).toEqual([]);
    const left = JSON.parse((await c.kubectl('get', 'pods', '-A', '--field-selector', `spec.nodeName=${node}`, '-o', 'json')).stdout) as { items: KubeObject[] };
    expect(left.items.map(ownerKind)).toEqual(['DaemonSet']);

    const evictions = sim.recorder.facts('eviction');
    expect(evictions.every((f) => /^kubectl\/v1\.32\./.test(f.client))).toBe(true);
    expect(evictions.filter((f) => f.result === 'refused' && f.code === 429).length).toBeGreaterThanOrEqual(1);
    expect(evictions.filter((f) => f.result === 'accepted').map((f) => f.pod).sort()).toEqual(evicted.map(key).sort());
    expect(sim.recorder.facts('pdb-violation')).toEqual([]);
    expect(fewestServing).toBe(2);

    // The replacements run on the other node.
    await waitFor(() => podsOfApp(sim, 'shop', 'api').filter((p) => isServing(p) && nodeOf(p) === other).length === 3
      && podsOfApp(sim, 'shop', 'scratch').filter((p) => isServing(p) && nodeOf(p) === other).length === 2,
    { timeoutMs: 10_000, what: 'api and scratch all Running on the other node' });
    const rows = table((await c.kubectl('get', 'pods', '-n', 'shop', '-o', 'wide')).stdout).slice(1);
    expect(rows).toHaveLength(5);
    for (const row of rows) expect([row[2], row[6]]).toEqual(['Running', other]);
  });
});
