// kubectl v1.32 changing the simulated cluster (scenarios/small.json): cordon, uncordon and
// scale, and a watch that follows what the controllers then do. The clock is manual: the
// controllers act only when the test moves it, so every state in between can be checked.

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.js';
import { type Clients, START, clientsFor, isServing, podsOfApp, requireKubectl132, shippedScenario, table, waitFor } from './helpers.js';

let sim: Sim;
let c: Clients;

beforeAll(requireKubectl132);

beforeEach(async () => {
  sim = await startSim({ scenario: await shippedScenario('small'), manualClock: true, startAt: START });
  c = await clientsFor(sim);
});

afterEach(async () => {
  await sim?.stop();
  await c?.dispose();
});

const unschedulable = (node: string) => (sim.store.get('nodes', undefined, node)?.spec as { unschedulable?: boolean }).unschedulable;

describe('kubectl cordon and uncordon', () => {
  it('marks the node unschedulable and back, and the recorder names kubectl as the client', async () => {
    const node = sim.store.list('nodes')[0]!.metadata.name;

    expect(await c.kubectl('cordon', node)).toEqual({ code: 0, stdout: `node/${node} cordoned\n`, stderr: '' });
    expect(unschedulable(node)).toBe(true);
    expect(table((await c.kubectl('get', 'node', node)).stdout)[1]?.[1]).toBe('Ready,SchedulingDisabled');
    // A second cordon changes nothing, and says so.
    expect(await c.kubectl('cordon', node)).toEqual({ code: 0, stdout: `node/${node} already cordoned\n`, stderr: '' });

    expect(await c.kubectl('uncordon', node)).toEqual({ code: 0, stdout: `node/${node} uncordoned\n`, stderr: '' });
    expect(unschedulable(node)).toBeFalsy();

    const kubectl = expect.stringMatching(/^kubectl\/v1\.32\./);
    expect(sim.recorder.facts('cordon')).toEqual([
      { kind: 'cordon', at: START, client: kubectl, node, unschedulable: true },
      { kind: 'cordon', at: START, client: kubectl, node, unschedulable: false },
    ]);
  });
});

describe('kubectl scale', () => {
  it('scale deployment web --replicas=5: the Deployment is scaled and, once the controllers act, 5 pods run', async () => {
    expect(await c.kubectl('scale', 'deployment', 'web', '--replicas=5', '-n', 'shop')).toEqual({ code: 0, stdout: 'deployment.apps/web scaled\n', stderr: '' });
    expect((sim.store.get('deployments.apps', 'shop', 'web')!.spec as { replicas: number }).replicas).toBe(5);

    sim.clock.advance(10_000); // ReplicaSet, scheduler, kubelet (pods start in 1 s in this scenario)

    const [header, ...rows] = table((await c.kubectl('get', 'pods', '-n', 'shop', '-l', 'app=web')).stdout);
    expect(header).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(row.slice(1, 4)).toEqual(['1/1', 'Running', '0']);
    expect(table((await c.kubectl('get', 'deploy', 'web', '-n', 'shop')).stdout)[1]).toEqual(['web', '5/5', '5', '5', '10s']);
    expect(podsOfApp(sim, 'shop', 'web').filter(isServing)).toHaveLength(5);
  });
});

describe('kubectl get --watch', () => {
  it('prints one header, then a row per change, with the server\'s columns', async () => {
    const watch = c.kubectlStream('get', 'pods', '-n', 'shop', '-l', 'app=web', '--watch');
    try {
      await waitFor(() => table(watch.stdout()).length === 4, { timeoutMs: 10_000, what: `the initial list (stderr: ${watch.stderr()})` });
      const before = new Set(podsOfApp(sim, 'shop', 'web').map((p) => p.metadata.name));
      expect(await c.kubectl('scale', 'deployment', 'web', '--replicas=4', '-n', 'shop')).toMatchObject({ code: 0 });
      sim.clock.advance(10_000);
      const added = podsOfApp(sim, 'shop', 'web').find((p) => !before.has(p.metadata.name))!;
      expect(isServing(added)).toBe(true);
      const running = new RegExp(`^${added.metadata.name}\\s+1/1\\s+Running`, 'm');
      await waitFor(() => running.test(watch.stdout()), { timeoutMs: 10_000, what: `${added.metadata.name} Running in the watch` });
      const lines = table(watch.stdout());
      expect(lines[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
      expect(lines.filter((l) => l[0] === 'NAME')).toHaveLength(1); // no second header: every event is a row of the same table
      const newRows = lines.filter((l) => l[0] === added.metadata.name).map((l) => l.slice(1, 4));
      expect(newRows[0]).toEqual(['0/1', 'Pending', '0']);
      expect(newRows).toContainEqual(['0/1', 'ContainerCreating', '0']);
      expect(newRows.at(-1)).toEqual(['1/1', 'Running', '0']);
    } finally {
      await watch.stop();
    }
  });
});
