import { afterEach, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../src/sim/index.js';
import { loadScenarioFile } from '../../src/sim/scenario/load.js';

let sim: Sim | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function small(): Promise<Sim> {
  const loaded = await loadScenarioFile('scenarios/small.json');
  if (!loaded.ok) throw new Error('small.json invalid');
  return startSim({ scenario: loaded.scenario, manualClock: true });
}

const webPods = (s: Sim) => s.store.list('pods', 'shop').filter((p) => p.metadata.labels?.app === 'web');

describe('PDB violation recorder', () => {
  it('records a violation caused by plain deletes, naming the client, and none for evictions within budget', async () => {
    sim = await small();
    const [a, b] = webPods(sim); // web: 3 replicas, minAvailable 2
    const del = (name: string) => fetch(`${sim!.server}/api/v1/namespaces/shop/pods/${name}`, { method: 'DELETE', headers: { 'x-scalerd-client': 'rogue-script' } });
    const evict = (name: string) => fetch(`${sim!.server}/api/v1/namespaces/shop/pods/${name}/eviction`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'shop' } }),
    });
    expect((await evict(a!.metadata.name)).status).toBe(201);
    expect(sim.recorder.facts('pdb-violation')).toEqual([]);
    expect((await del(b!.metadata.name)).status).toBe(202);
    expect(sim.recorder.facts('pdb-violation')).toMatchObject([
      { pdb: 'shop/web', healthy: 1, desiredHealthy: 2, cause: `deleted by rogue-script: shop/${b!.metadata.name}` },
    ]);
  });

  it('records a violation when an instance is terminated under running pods', async () => {
    sim = await small();
    // search: 2 replicas, maxUnavailable 1. Losing the nodes of both breaks it.
    const nodes = new Set(sim.store.list('pods', 'shop').filter((p) => p.metadata.labels?.app === 'search').map((p) => (p.spec as { nodeName: string }).nodeName));
    for (const node of nodes) {
      const instance = sim.aws.instances().find((i) => i.privateDnsName === node)!;
      expect(sim.aws.terminateInstance(instance.instanceId, false).ok).toBe(true);
    }
    sim.clock.advance(1_000);
    const violations = sim.recorder.facts('pdb-violation').filter((f) => f.pdb === 'shop/search');
    expect(violations.length).toBeGreaterThan(0);
    expect(violations[0]!.cause).toMatch(/^pod stopped being ready/);
    expect(sim.recorder.facts('pod-killed').length).toBeGreaterThan(0);
  });
});
