// Properties of the whole simulator under random interleavings (interleavings.ts):
//
// (a) No PodDisruptionBudget is broken through the eviction API. Every eviction is answered
//     exactly as upstream's rules say for the state at that moment, computed here from the
//     pods (budget-oracle.ts, never the simulator's budget status); after every accepted
//     eviction of a healthy pod its budget still has at least desiredHealthy healthy pods,
//     and every refusal is a 429 naming the counts it was refused on.
// (b) resourceVersions strictly increase: every store event above the one before, every
//     object's change above its previous version, and each write answers with a higher one.
//
// Evictions go over HTTP through client-node, the path scalerd uses (~2 ms each on
// loopback, which the time budget affords); the other operations are in-process through
// the simulator's own KubeApi and AwsModel, with the same semantics and no HTTP cost, since
// their wire format is not what is under test here (the other files of this folder test it).

import { ApiException, type CoreV1Api } from '@kubernetes/client-node';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.js';
import type { KubeObject } from '../../../src/sim/kube/store.js';
import type { Scenario } from '../../../src/sim/scenario/types.js';
import { countBudget, expectEviction, guardingBudgets } from './budget-oracle.js';
import { START, kubeClients, smallScenario, type Status } from './helpers.js';
import { InProcess, type Op, VersionMonitor, opArbitrary } from './interleavings.js';
import { seeded } from '../../seeded.js';

// ~6 s: 150 sequences of up to 50 operations, about 1,500 evictions in all.
const NUM_RUNS = 150;
const MAX_OPS = 50;

/** small.json, plus a percentage budget on the cache Deployment (expected pods from the Deployment's scale). */
async function scenario(): Promise<Scenario> {
  const small = await smallScenario();
  return { ...small, workloads: (small.workloads ?? []).map((w) => (w.name === 'cache' ? { ...w, pdb: { maxUnavailable: '50%' } } : w)) };
}

type Run = { sim: Sim; core: CoreV1Api; monitor: VersionMonitor; inProcess: InProcess };

const describeOp = (index: number, op: Op) => `op #${index} ${JSON.stringify(op)}`;

/** The pod at `pick`, in the store's (name) order, so a replayed sequence picks the same one. */
const podAt = (sim: Sim, pick: number): KubeObject | undefined => {
  const pods = sim.store.list('pods');
  return pods[pick % Math.max(1, pods.length)];
};

async function evict(run: Run, index: number, op: Extract<Op, { kind: 'evict' }>): Promise<void> {
  const { sim, core, monitor } = run;
  const pod = op.precondition === 'missing-pod' ? undefined : podAt(sim, op.pick);
  const namespace = pod?.metadata.namespace ?? 'shop';
  const name = pod?.metadata.name ?? 'web-gone-00000';
  const uid = op.precondition === 'uid' ? pod?.metadata.uid : op.precondition === 'stale' ? '00000000-0000-4000-8000-00000000dead' : undefined;
  const expected = expectEviction(sim.store, namespace, name, uid);
  const before = pod && monitor.lastVersion('pods', pod);

  let code = 201;
  let status: Status | undefined;
  try {
    await core.createNamespacedPodEviction({
      name, namespace,
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace }, ...(uid ? { deleteOptions: { preconditions: { uid } } } : {}) },
    });
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    code = error.code;
    status = JSON.parse(String(error.body)) as Status;
  }
  const context = `${describeOp(index, op)} on ${namespace}/${name} (healthy: ${expected.podHealthy}), budget ${JSON.stringify(expected.budget)}`;
  expect(code, `${context}: answered ${code}, ${status?.message ?? ''}`).toBe(expected.code);

  if (code === 429) {
    const b = expected.budget!;
    expect(status?.details?.causes, context).toEqual([{ reason: 'DisruptionBudget', message: `The disruption budget ${b.name} needs ${b.desired} healthy pods and has ${b.healthy} currently` }]);
  }
  if (code === 201 && pod && expected.budget) {
    const pdb = guardingBudgets(sim.store, pod)[0]!;
    const after = countBudget(sim.store, pdb);
    if (expected.podHealthy) {
      expect(after.healthy, `${context}: healthy after`).toBe(expected.budget.healthy - 1);
      expect(after.healthy, `${context}: the budget is broken (${after.healthy} healthy < ${after.desired} desired)`).toBeGreaterThanOrEqual(after.desired);
    } else {
      expect(after.healthy, `${context}: an unhealthy pod's eviction changed the healthy count`).toBe(expected.budget.healthy);
    }
  }
  if (code === 201 && pod && before !== undefined) {
    const now = sim.store.get('pods', namespace, name);
    if (now?.metadata.uid === pod.metadata.uid && now.metadata.resourceVersion !== String(before)) {
      expect(Number(now.metadata.resourceVersion), `${context}: the evicted pod's resourceVersion`).toBeGreaterThan(before);
    }
  }
}

/** An in-process write answers with a higher resourceVersion than the object had (or nothing changed). */
function expectNewer(context: string, before: KubeObject | undefined, after: KubeObject | undefined): void {
  if (!before || !after || after.metadata.resourceVersion === before.metadata.resourceVersion) return;
  expect(Number(after.metadata.resourceVersion), `${context}: resourceVersion of the write`).toBeGreaterThan(Number(before.metadata.resourceVersion));
}

async function apply(run: Run, index: number, op: Op): Promise<void> {
  const { sim, inProcess } = run;
  const context = describeOp(index, op);
  switch (op.kind) {
    case 'evict':
      return evict(run, index, op);
    case 'delete': {
      const pod = podAt(sim, op.pick);
      if (pod) expectNewer(context, pod, inProcess.deletePod(pod, op.graceSeconds));
      return;
    }
    case 'scale': {
      const [resource, name] = op.workload.split('/') as [string, string];
      const before = sim.store.get(`${resource}.apps`, 'shop', name);
      return expectNewer(context, before, inProcess.scale(op.workload, op.replicas));
    }
    case 'cordon': {
      const nodes = sim.store.list('nodes');
      const node = nodes[op.pick % Math.max(1, nodes.length)];
      if (node) expectNewer(context, node, inProcess.cordon(node, op.unschedulable));
      return;
    }
    case 'terminate':
      return inProcess.terminate(op.pick, op.decrement);
    case 'advance':
      return sim.clock.advance(op.ms);
  }
}

describe('the whole simulator under random interleavings', () => {
  it('never lets an eviction break a PodDisruptionBudget, answers each as upstream would, and only raises resourceVersions', async () => {
    const base = await scenario();
    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 1, maxLength: MAX_OPS, size: 'max' }), async (ops) => {
        // The simulator's names, ids and addresses come from Math.random: fixed per run, so a
        // counterexample replays (and shrinks) the same way.
        const random = vi.spyOn(Math, 'random').mockImplementation(seeded(20_260_302));
        const sim = await startSim({ scenario: base, manualClock: true, startAt: START });
        const run: Run = { sim, core: kubeClients(sim).core, monitor: new VersionMonitor(sim), inProcess: new InProcess(sim) };
        try {
          for (const [index, op] of ops.entries()) {
            await apply(run, index, op);
            expect(run.monitor.problems, `after ${describeOp(index, op)}`).toEqual([]);
          }
        } finally {
          run.monitor.stop();
          await sim.stop();
          random.mockRestore();
        }
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);
});
