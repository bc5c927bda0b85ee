// The control plane's leader Leases on a manual clock: taken at the start with acquire and
// renew time, renewed every 2 s by their holders, and taken again (a new term) when deleted.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.js';
import type { KubeObject } from '../../../src/sim/kube/store.js';
import { START, shippedScenario } from '../clients/helpers.js';

const LEASES = 'leases.coordination.k8s.io';
let sim: Sim;

beforeAll(async () => {
  sim = await startSim({ scenario: await shippedScenario('small'), manualClock: true, startAt: START });
});
afterAll(() => sim?.stop());

type Spec = { holderIdentity: string; acquireTime: string; renewTime: string; leaseTransitions: number; leaseDurationSeconds: number };
const spec = (component: string) => (sim.store.get(LEASES, 'kube-system', component) as KubeObject | undefined)?.spec as Spec | undefined;
const micro = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

describe('the control plane Leases', () => {
  it('are held by their components, renewed every retry period, and taken again after a delete', () => {
    for (const component of ['kube-controller-manager', 'kube-scheduler']) {
      expect(spec(component)).toEqual({ holderIdentity: `control-plane-1_${component}`, leaseDurationSeconds: 15, acquireTime: micro(START), renewTime: micro(START), leaseTransitions: 0 });
    }
    sim.clock.advance(2_000);
    expect(spec('kube-scheduler')).toMatchObject({ acquireTime: micro(START), renewTime: micro(START + 2_000) });
    sim.clock.advance(4_000);
    expect(spec('kube-controller-manager')).toMatchObject({ acquireTime: micro(START), renewTime: micro(START + 6_000) });

    sim.store.delete(LEASES, 'kube-system', 'kube-scheduler');
    expect(spec('kube-scheduler')).toBeUndefined();
    sim.clock.advance(2_000);
    expect(spec('kube-scheduler')).toMatchObject({ acquireTime: micro(START + 8_000), renewTime: micro(START + 8_000), leaseTransitions: 1 });
    sim.clock.advance(2_000);
    expect(spec('kube-scheduler')).toMatchObject({ acquireTime: micro(START + 8_000), renewTime: micro(START + 10_000), leaseTransitions: 1 });
    expect(spec('kube-controller-manager')).toMatchObject({ renewTime: micro(START + 10_000), leaseTransitions: 0 });
  });
});
