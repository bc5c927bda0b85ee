// Chaos: the daemon, elected on a Lease and writing its history and Events, takes the
// 20-node cluster to 10 nodes (an override) and back to 20 (the override cleared) while the
// simulator loses the answer of about 10 % of EVERY mutating call of both APIs after
// applying it — the connection reset, a 500, or no answer until the client's time limit —
// the three modes mixed. On top of that random tenth, the first answer of each kind of
// write the daemon makes is lost for sure (one mode each, all three among them), so that
// every run proves each kind of loss happened rather than most runs.
//
// What must hold: the capacity ends exact (and never went past either target on the way),
// no budget violated, no pod killed, no instance terminated with pods on it, ten instances
// terminated in all, and nothing left cordoned or marked.

import { afterEach, describe, expect, it } from 'vitest';
import { readMark } from '../../src/plan/index.js';
import { AUTOSCALING_ACTIONS } from '../../src/sim/aws/autoscaling-api.js';
import type { LostAnswer } from '../../src/sim/faults.js';
import type { Sim } from '../../src/sim/index.js';
import { ASG } from '../actuate/helpers.js';
import { sizes } from '../engine/scenarios/helpers.js';
import { ACCESS_KEY, type ElectedDaemon, startElectedDaemon } from './elected-daemon.js';
import { until } from './helpers.js';

const MODES: LostAnswer[] = ['reset', 500, 'timeout'];
/** Per mode, so that one of the three strikes 10 % of the time: 1 − (1 − r)³ = 0.1. */
const RATE = 1 - 0.9 ** (1 / 3);
const KUBE_WRITES = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const AWS_WRITES = Object.entries(AUTOSCALING_ACTIONS).filter(([, action]) => action.mutating).map(([name]) => name);

/** The kinds of write each run must prove lost: how the simulator names their operations, and the mode forced on the first. */
const KINDS: { kind: string; api: 'kube' | 'aws'; operations: string[]; first: LostAnswer }[] = [
  { kind: 'terminate', api: 'aws', operations: ['TerminateInstanceInAutoScalingGroup'], first: 500 },
  { kind: 'set desired capacity', api: 'aws', operations: ['SetDesiredCapacity'], first: 'timeout' },
  { kind: 'eviction', api: 'kube', operations: ['create pods/eviction'], first: 'reset' },
  { kind: 'node patch', api: 'kube', operations: ['patch nodes'], first: 500 },
  { kind: 'node delete', api: 'kube', operations: ['delete nodes'], first: 'timeout' },
  { kind: 'ConfigMap write', api: 'kube', operations: ['create configmaps', 'update configmaps'], first: 'reset' },
  { kind: 'Lease update', api: 'kube', operations: ['update leases'], first: 'timeout' },
];

function loseAnswers(sim: Sim): void {
  for (const { api, operations, first } of KINDS) {
    for (const operation of operations) sim.faults.addRequestFault({ api, operation, when: 'after', error: first, count: 1 });
  }
  for (const mode of MODES) {
    for (const verb of KUBE_WRITES) sim.faults.addRequestFault({ api: 'kube', operation: `${verb} *`, when: 'after', error: mode, errorRate: RATE });
    for (const action of AWS_WRITES) sim.faults.addRequestFault({ api: 'aws', operation: action, when: 'after', error: mode, errorRate: RATE });
  }
}

/** Nodes scalerd marked or cordoned that still are. */
async function leftMarked(bed: ElectedDaemon): Promise<string[]> {
  const nodes = await bed.cluster.listNodes();
  return nodes.filter((n) => readMark(n, 'scalerd').kind !== 'none' || n.unschedulable).map((n) => n.name);
}

const converged = (bed: ElectedDaemon, want: number) => async () => {
  const now = await sizes(bed);
  const ready = (await bed.cluster.listNodes()).filter((n) => n.ready).length;
  return now.desired === want && now.inService === want && now.nodes === want && ready === want && (await leftMarked(bed)).length === 0;
};

let bed: ElectedDaemon | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

describe('the daemon when answers are lost', () => {
  it('20 → 10 → 20 with a tenth of every write\'s answer lost: exact, no violation, every kind of loss proven', async () => {
    bed = await startElectedDaemon({ speed: 20, requestTimeoutMs: 500, arrange: loseAnswers });
    const b = bed;
    // The group's desired capacity after every change the simulator records.
    const desired: number[] = [];
    b.sim.recorder.subscribe((fact) => {
      if (fact.kind === 'mutation' && fact.api === 'aws') desired.push(b.sim.aws.group(ASG)!.desiredCapacity);
    });
    // A wait that fails says where the daemon was.
    const reach = (what: string, check: () => Promise<boolean>, ms: number) => until(what, check, ms).catch((error: Error) => {
      throw new Error(`${error.message}; last reconcile ${JSON.stringify(b.daemon.status.last)}; log tail ${JSON.stringify(b.lines().slice(-10))}`);
    });

    await until('the daemon to lead', () => b.elector.isLeader(), 10_000);
    const now = b.sim.clock.now();
    const { override } = await b.overrides.add({ capacity: { workers: 10 }, from: now, until: now + 6 * 3_600_000, reason: 'chaos: lost answers', by: 'test', createdAt: now });
    await reach('10 nodes, none marked', converged(b, 10), 40_000);
    const down = desired.length;
    expect(Math.min(...desired), 'the scale-down never went below 10').toBe(10);

    await b.overrides.clear([override.id]);
    await reach('20 nodes Ready, none marked', converged(b, 20), 30_000);
    expect(Math.max(...desired.slice(down)), 'the scale-up never went above 20').toBe(20);

    // Nothing more happens once the daemon has stopped: the result stands as it was seen.
    await b.daemon.stop();
    b.sim.faults.clear();
    expect(await sizes(b)).toEqual({ desired: 20, inService: 20, nodes: 20 });
    expect(await leftMarked(b)).toEqual([]);
    const { recorder } = b.sim;
    expect(recorder.facts('pdb-violation')).toEqual([]);
    expect(recorder.facts('pod-killed')).toEqual([]);
    expect(recorder.facts('instance-terminated').filter((t) => t.podsOnNode > 0)).toEqual([]);
    expect(recorder.facts('instance-terminated')).toHaveLength(10);
    // Each instance asked to go exactly once, lost answers or not: a second
    // TerminateInstanceInAutoScalingGroup could shrink the group twice.
    const terminations = recorder.facts('mutation').filter((f) => f.client === ACCESS_KEY && f.operation === 'TerminateInstanceInAutoScalingGroup').map((f) => f.target);
    expect(terminations).toHaveLength(10);
    expect(new Set(terminations).size).toBe(10);
    // A guarded phase change whose answer was lost is never taken for someone else's: no node rolled back.
    expect(b.lines().filter((l) => l.event === 'node' && l.phase === 'rolled-back')).toEqual([]);

    // Proof the faults fired: every mode, and every kind of write the daemon makes.
    const lost = Object.entries(b.sim.faults.lostAnswers());
    const total = (match: (key: string) => boolean) => lost.filter(([key]) => match(key)).reduce((n, [, v]) => n + v, 0);
    const byMode = Object.fromEntries(MODES.map((m) => [m, total((key) => key.endsWith(` ${m}`))]));
    const byKind = Object.fromEntries(KINDS.map(({ kind, api, operations }) => [kind, total((key) => operations.some((op) => key.startsWith(`${api} ${op} `)))]));
    const writes = Object.entries(b.sim.recorder.requests()).filter(([op]) => KUBE_WRITES.some((v) => op.startsWith(`${v} `)) || AWS_WRITES.some((a) => op === `aws ${a}`));
    console.log(`write requests ${JSON.stringify(Object.fromEntries(writes))}`);
    console.log(`lost answers by mode ${JSON.stringify(byMode)}, by kind ${JSON.stringify(byKind)}; all: ${JSON.stringify(Object.fromEntries(lost))}`);
    for (const mode of MODES) expect(byMode[mode], `answers lost by ${mode}`).toBeGreaterThan(0);
    for (const { kind } of KINDS) expect(byKind[kind], `${kind} answers lost`).toBeGreaterThan(0);
    // More than the forced first of each: the random tenth fired too.
    expect(total(() => true)).toBeGreaterThan(KINDS.reduce((n, k) => n + k.operations.length, 0));
  }, 90_000);
});
