// Shared set-up for the actuator's and the engine's tests: a simulator on accelerated
// time, the real adapters talking HTTP to it (as the daemon builds them), the simulator
// clock's sleep injected so simulated grace periods pass quickly, and readers of the
// recorder's facts for the invariants.

import { afterEach, beforeEach } from 'vitest';
import { createCloud, type AwsCloud } from '../../src/aws/index.js';
import type { ExecuteDeps, ExecuteOptionsInput, ProgressEvent } from '../../src/actuate/index.js';
import { createCluster, loadKubeConfig } from '../../src/kube/index.js';
import { markChange, phaseChange, type Phase } from '../../src/plan/index.js';
import type { Cluster } from '../../src/ports/index.js';
import type { NodeGroup, Workload } from '../../src/schedule/types.js';
import { startSim, type Sim } from '../../src/sim/index.js';
import type { Scenario, ScenarioWorkload } from '../../src/sim/scenario/types.js';
import { kubeconfigFile } from '../kube/helpers.js';

/** scalerd's identity in the recorder: the Kubernetes client id and the AWS access key id. */
export const CLIENT_ID = 'scalerd-engine-test';
export const ACCESS_KEY = 'AKIDSCALERDENGINE';
export const START = Date.parse('2026-03-02T20:00:00Z');
/** Simulated ms per real ms: a 5 s settle takes 50 ms, and HTTP round trips stay short in simulated time. */
export const SPEED = 100;
export const ASG = 'six-workers';

/** Six nodes over three zones: PDB'd Deployment and StatefulSet, an unbudgeted Deployment, a DaemonSet. */
export function sixNodes(more: { workloads?: ScenarioWorkload[]; desired?: number; suspended?: string[] } = {}): Scenario {
  return {
    name: 'six',
    region: 'eu-west-1',
    timings: { launchSeconds: 4, joinSeconds: 2, readySeconds: 1, terminateSeconds: 3, nodeRemovalSeconds: 5, podStartupSeconds: 1, podExitSeconds: 0.5 },
    nodeGroups: [{
      name: 'workers', asg: ASG, zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], min: 1, max: 8, desired: more.desired ?? 6,
      allocatable: { cpu: '4', memory: '16Gi', pods: 29 }, suspendedProcesses: more.suspended ?? ['AZRebalance'],
    }],
    workloads: more.workloads ?? [
      { namespace: 'shop', name: 'web', kind: 'Deployment', replicas: 6, requests: { cpu: '200m', memory: '256Mi' }, pdb: { maxUnavailable: 1 } },
      { namespace: 'shop', name: 'search', kind: 'StatefulSet', replicas: 3, requests: { cpu: '250m', memory: '512Mi' }, pdb: { maxUnavailable: 1 } },
      { namespace: 'shop', name: 'worker', kind: 'Deployment', replicas: 4, requests: { cpu: '100m', memory: '128Mi' } },
    ],
    daemonSets: [{ namespace: 'kube-system', name: 'kube-proxy', requests: { cpu: '50m', memory: '32Mi' }, tolerateAll: true }],
  };
}

export type Bed = {
  sim: Sim;
  cloud: AwsCloud;
  cluster: Cluster;
  /** The same API under another client id: for arranging the world (a dead predecessor's marks, a budget). */
  arrange: Cluster;
  schedule: { nodeGroups: NodeGroup[]; workloads: Workload[] };
  events: ProgressEvent[];
  /** The execution dependencies of a leader on the simulator's clock. */
  deps(more?: Partial<ExecuteDeps>): ExecuteDeps;
};

/**
 * Fast enough for tests, and still the production algorithm: only the pacing is shorter.
 * The deadlines are an hour of simulated time (36 s real at SPEED): the simulated clock
 * moves with real time, so a deadline of a minute or two (a second of real time) ran out
 * whenever a loaded machine stalled the test process, and a drain that would have finished
 * was rolled back. A test of a deadline sets its own (budgets.test.ts).
 */
export const OPTIONS: ExecuteOptionsInput = { settleMs: 5_000, pollMs: 500, drainTimeoutMs: 3_600_000, terminateConfirmTimeoutMs: 3_600_000, nodeReadyTimeoutMs: 3_600_000 };

export async function startBed(scenario: Scenario, workloads: Workload[] = []): Promise<Bed> {
  const key = { accessKeyId: ACCESS_KEY, secretAccessKey: 'test-secret' };
  const sim = await startSim({ scenario, speed: SPEED, startAt: START, awsCredentials: [key] });
  const sleep = (ms: number, signal?: AbortSignal) => sim.clock.sleep(ms, signal);
  const target = loadKubeConfig({ kubeconfig: kubeconfigFile(sim) });
  const cluster = createCluster({ target, clientId: CLIENT_ID, clock: sim.clock, sleep });
  const arrange = createCluster({ target, clientId: 'test-arrange', clock: sim.clock, sleep });
  const cloud = createCloud({
    region: sim.region, endpoint: sim.awsEndpoint, credentials: key,
    version: '0.0.0-test', retryDelayScale: 0.001,
  });
  const group = scenario.nodeGroups[0]!;
  const events: ProgressEvent[] = [];
  return {
    sim, cloud, cluster, arrange, events,
    schedule: { nodeGroups: [{ name: group.name, asg: group.asg ?? group.name, min: group.min, max: group.max }], workloads },
    deps: (more = {}) => ({ cloud, cluster, clock: sim.clock, sleep, dryRun: false, onProgress: (e) => events.push(e), ...more }),
  };
}

/** A fresh simulator per test; read the fields inside tests. */
export function useBed(scenario: () => Scenario, workloads: Workload[] = []): Bed {
  const bed = {} as Bed;
  beforeEach(async () => {
    Object.assign(bed, await startBed(scenario(), workloads));
  });
  afterEach(async () => {
    bed.cloud.destroy();
    await bed.sim.stop();
  });
  return bed;
}

/** The recorder's verdict on the scale-down invariants. */
export function invariants(sim: Sim): { pdbViolations: number; podsKilled: number; terminatedWithPods: number; terminated: number } {
  const terminated = sim.recorder.facts('instance-terminated');
  return {
    pdbViolations: sim.recorder.facts('pdb-violation').length,
    podsKilled: sim.recorder.facts('pod-killed').length,
    terminatedWithPods: terminated.filter((t) => t.podsOnNode > 0).length,
    terminated: terminated.length,
  };
}

/** Mutations scalerd made (Kubernetes by client id, AWS by access key), as "operation target". */
export function scalerdMutations(sim: Sim): { at: number; api: string; operation: string; target: string }[] {
  return sim.recorder.facts('mutation').filter((f) => f.client === CLIENT_ID || f.client === ACCESS_KEY);
}

export const SCALERD_TAINT = 'scalerd.io/scale-down';

/** Nodes with any scalerd mark (taint or annotation). */
export async function markedNodes(cluster: Cluster): Promise<string[]> {
  return (await cluster.listNodes())
    .filter((n) => n.taints.some((t) => t.key === SCALERD_TAINT) || SCALERD_TAINT in n.annotations)
    .map((n) => n.name);
}

/** Marks a node as a scalerd process that died at `phase` would have left it. */
export async function markAs(cluster: Cluster, node: string, phase: Phase, owner = 'scalerd', startedAt = START): Promise<void> {
  const mark = { owner, startedAt, phase: 'cordoned' as const };
  await cluster.changeNode(node, markChange(owner, startedAt));
  if (phase !== 'cordoned') await cluster.changeNode(node, phaseChange(mark, phase));
}
