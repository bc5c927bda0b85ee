// The kubelets' node Leases on a manual clock: one per Node in kube-node-lease, renewed
// every 10 s of simulated time, left to age once the Node's instance is terminated, gone
// with the Node; renewals reach only watchers of Leases.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.js';
import type { KubeObject, StoreEvent } from '../../../src/sim/kube/store.js';
import { START, shippedScenario } from '../clients/helpers.js';

const LEASES = 'leases.coordination.k8s.io';
let sim: Sim;

beforeAll(async () => {
  sim = await startSim({ scenario: await shippedScenario('small'), manualClock: true, startAt: START });
});
afterAll(() => sim?.stop());

const lease = (node: string) => sim.store.get(LEASES, 'kube-node-lease', node);
const renewedAt = (object: KubeObject | undefined) => Date.parse(String((object?.spec as { renewTime?: string } | undefined)?.renewTime));

describe('node Leases', () => {
  it('one per Node, held by it, 40 s, owned by the Node, renewed every 10 s; other resources\' watchers hear nothing of it', () => {
    const nodes = sim.store.list('nodes');
    expect(nodes).toHaveLength(3);
    for (const node of nodes) {
      expect(lease(node.metadata.name)).toMatchObject({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid }] },
        spec: { holderIdentity: node.metadata.name, leaseDurationSeconds: 40, renewTime: '2026-03-02T09:00:00.000000Z' },
      });
    }
    const heard: StoreEvent[] = [];
    const stop = sim.store.subscribe((e) => heard.push(e), 'configmaps');
    sim.clock.advance(10_000);
    const first = nodes.map((n) => renewedAt(lease(n.metadata.name)));
    for (const at of first) expect(at).toBeGreaterThan(START);
    sim.clock.advance(10_000);
    expect(nodes.map((n) => renewedAt(lease(n.metadata.name)))).toEqual(first.map((at) => at + 10_000));
    stop();
    expect(heard).toEqual([]);
  });

  it('stops renewing the Lease of a Node whose instance was terminated, and the Lease goes with the Node', () => {
    const [victim, other] = sim.aws.instances().filter((i) => i.lifecycle === 'InService');
    const terminated = sim.aws.terminateInstance(victim!.instanceId, false);
    expect(terminated.ok).toBe(true);
    sim.clock.advance(1);
    const node = victim!.privateDnsName;
    const frozen = renewedAt(lease(node));
    const otherBefore = renewedAt(lease(other!.privateDnsName));
    sim.clock.advance(4_000);
    expect(sim.store.get('nodes', undefined, node)).toBeDefined(); // still there, NotReady
    expect(renewedAt(lease(node))).toBe(frozen);
    sim.clock.advance(60_000);
    expect(renewedAt(lease(other!.privateDnsName))).toBeGreaterThan(otherBefore);
    expect(sim.store.get('nodes', undefined, node)).toBeUndefined();
    expect(lease(node)).toBeUndefined();
  });

  it('leaves other Leases as they were written, MicroTimes included', () => {
    const other = sim.store.create(LEASES, {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'an-app', namespace: 'default' },
      spec: { holderIdentity: 'an-app-0', leaseDurationSeconds: 30, acquireTime: '2026-03-02T08:00:00.123456Z', renewTime: '2026-03-02T08:59:00.654321Z' },
    });
    sim.clock.advance(30_000);
    expect(sim.store.get(LEASES, 'default', 'an-app')).toBe(other);
  });
});
