// kubectl v1.32 showing what the simulated kubelets and controllers write: the node
// Leases (kubectl get leases -n kube-node-lease, and their renewals through
// get --watch), and the Events of a scale-up as kubectl describe shows them on the
// Deployment, its new pod and a Node that joins. The clock is manual.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.js';
import { type Clients, START, clientsFor, describedEvents, kubectlOk, requireKubectl132, shippedScenario, table, waitFor } from './helpers.js';

let sim: Sim;
let c: Clients;

beforeAll(async () => {
  await requireKubectl132();
  sim = await startSim({ scenario: await shippedScenario('small'), manualClock: true, startAt: START });
  c = await clientsFor(sim);
});

afterAll(async () => {
  await sim?.stop();
  await c?.dispose();
});

const ok = (...args: string[]): Promise<string> => kubectlOk(c, ...args);
/** Type, Reason, From, Message of each described event (Age is kubectl's own clock). */
const described = (text: string) => describedEvents(text).map(([type, reason, , from, message]) => [type, reason, from, message]);

describe('kubectl and the simulated kubelets and controllers', () => {
  it('get leases -n kube-node-lease: a Lease per Node, held by it; get --watch shows their renewals', async () => {
    const nodes = sim.store.list('nodes').map((n) => n.metadata.name).sort();
    const rows = table(await ok('get', 'leases', '-n', 'kube-node-lease'));
    expect(rows[0]).toEqual(['NAME', 'HOLDER', 'AGE']);
    expect(rows.slice(1).map(([name, holder]) => [name, holder])).toEqual(nodes.map((n) => [n, n]));

    const watch = c.kubectlStream('get', 'leases', '-n', 'kube-node-lease', '--watch', '--output-watch-events', '--watch-only');
    try {
      const before = sim.recorder.requests()['watch leases'] ?? 0;
      await waitFor(() => (sim.recorder.requests()['watch leases'] ?? 0) > before, { timeoutMs: 20_000, what: 'kubectl\'s watch' });
      sim.clock.advance(10_000);
      const renewed = await waitFor(() => {
        const lines = table(watch.stdout()).filter(([event]) => event === 'MODIFIED');
        return lines.length >= nodes.length && lines;
      }, { timeoutMs: 20_000, what: 'a renewal of each node Lease' });
      expect(renewed.map(([, name]) => name).sort()).toEqual(nodes);
    } finally {
      await watch.stop();
    }
  });

  it('describe deploy, pod and node: the Events of a scale-up, from the controllers that wrote them', async () => {
    await ok('scale', 'deployment', 'web', '-n', 'shop', '--replicas=4');
    expect(sim.aws.setDesiredCapacity('small-workers', 4).ok).toBe(true);
    sim.clock.advance(0);
    const rs = sim.store.list('replicasets.apps', 'shop').find((r) => r.metadata.name.startsWith('web-'))!.metadata.name;
    expect(described(await ok('describe', 'deployment', 'web', '-n', 'shop'))).toEqual([
      ['Normal', 'ScalingReplicaSet', 'deployment-controller', `Scaled up replica set ${rs} from 3 to 4`],
    ]);
    const rsEvents = described(await ok('describe', 'replicaset', rs, '-n', 'shop'));
    expect(rsEvents).toEqual([['Normal', 'SuccessfulCreate', 'replicaset-controller', expect.stringMatching(new RegExp(`^Created pod: ${rs}-\\w{5}$`))]]);
    const pod = rsEvents[0]![3]!.slice('Created pod: '.length);
    sim.clock.advance(10_000); // the pod starts; the new instance joins and turns Ready
    const node = sim.store.get('pods', 'shop', pod)!.spec as { nodeName: string };
    expect(described(await ok('describe', 'pod', pod, '-n', 'shop'))).toEqual([
      ['Normal', 'Scheduled', 'default-scheduler', `Successfully assigned shop/${pod} to ${node.nodeName}`],
      ['Normal', 'Pulled', 'kubelet', expect.stringMatching(/^Container image ".+" already present on machine$/)],
      ['Normal', 'Created', 'kubelet', 'Created container web'],
      ['Normal', 'Started', 'kubelet', 'Started container web'],
    ]);
    const joined = sim.store.list('nodes').find((n) => sim.store.list('events', 'default').some((e) => e.reason === 'RegisteredNode' && (e.involvedObject as { name: string }).name === n.metadata.name))!.metadata.name;
    expect(described(await ok('describe', 'node', joined))).toEqual([
      ['Normal', 'RegisteredNode', 'node-controller', `Node ${joined} event: Registered Node ${joined} in Controller`],
      ['Normal', 'NodeReady', 'kubelet', `Node ${joined} status is now: NodeReady`],
    ]);
  });
});
