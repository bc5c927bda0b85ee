// Shared set-up for the scenario tests: a 20-node cluster over three zones built in code,
// reconciles until the plan has nothing left to do (bounded), and the invariants every
// scenario must keep, read from the simulator's recorder and the cluster itself.

import { expect } from 'vitest';
import { reconcileOnce, type ReconcileResult } from '../../../src/engine/index.js';
import { readMark, type PlanOptionsInput } from '../../../src/plan/index.js';
import type { Scenario, ScenarioNodeGroup, ScenarioPod, ScenarioWorkload } from '../../../src/sim/scenario/types.js';
import { ASG, type Bed, CLIENT_ID, OPTIONS } from '../../actuate/helpers.js';

export const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

/** PDB'd workloads: maxUnavailable 1 (web, the StatefulSet db) and minAvailable 80 % (api). */
export const WORKLOADS: ScenarioWorkload[] = [
  { namespace: 'shop', name: 'web', kind: 'Deployment', replicas: 16, requests: { cpu: '200m', memory: '256Mi' }, pdb: { maxUnavailable: 1 } },
  { namespace: 'shop', name: 'api', kind: 'Deployment', replicas: 10, requests: { cpu: '300m', memory: '512Mi' }, pdb: { minAvailable: '80%' } },
  { namespace: 'shop', name: 'db', kind: 'StatefulSet', replicas: 6, requests: { cpu: '250m', memory: '1Gi' }, pdb: { maxUnavailable: 1 } },
];

export type TwentyNodes = {
  workloads?: ScenarioWorkload[];
  pods?: ScenarioPod[];
  group?: Partial<ScenarioNodeGroup>;
  /** Replicas of the StatefulSet db (default 6). */
  dbReplicas?: number;
};

/** 20 nodes in 3 zones, PDB'd Deployments and StatefulSet, a DaemonSet; plus what a test adds. */
export function twentyNodes(more: TwentyNodes = {}): Scenario {
  return {
    name: 'twenty',
    region: 'eu-west-1',
    timings: { launchSeconds: 3, joinSeconds: 2, readySeconds: 1, terminateSeconds: 3, nodeRemovalSeconds: 3, podStartupSeconds: 1, podExitSeconds: 0.5 },
    nodeGroups: [{
      name: 'workers', asg: ASG, zones: ZONES, min: 1, max: 24, desired: 20,
      allocatable: { cpu: '4', memory: '16Gi', pods: 29 }, suspendedProcesses: ['AZRebalance'],
      ...more.group,
    }],
    workloads: [...WORKLOADS.map((w) => (w.name === 'db' && more.dbReplicas ? { ...w, replicas: more.dbReplicas } : w)), ...(more.workloads ?? [])],
    daemonSets: [{ namespace: 'kube-system', name: 'kube-proxy', requests: { cpu: '50m', memory: '32Mi' }, tolerateAll: true }],
    ...(more.pods ? { pods: more.pods } : {}),
  };
}

export type RunOptions = {
  workers: number;
  planOptions?: PlanOptionsInput;
  /** Reconciles at most (default 4). */
  max?: number;
  /** Between reconciles, before the next one (simulated time passes, faults change). */
  between?: (i: number, last: ReconcileResult) => Promise<void> | void;
  schedule?: Bed['schedule'];
};

export const reconcile = (bed: Bed, o: Omit<RunOptions, 'max' | 'between'>): Promise<ReconcileResult> =>
  reconcileOnce({
    cloud: bed.cloud, cluster: bed.cluster, schedule: o.schedule ?? bed.schedule, desired: { capacity: { workers: o.workers }, replicas: {} },
    ...(o.planOptions ? { planOptions: o.planOptions } : {}),
    execution: { ...bed.deps(), options: OPTIONS },
  });

/** Nothing left to do or to wait for: no step but the closing `complete`, nothing settling. */
export const converged = (r: ReconcileResult): boolean => r.plan.steps.every((s) => s.kind === 'complete') && r.plan.waiting.length === 0;

/** Reconciles until one plans nothing (bounded); every result, the converged one last. */
export async function runUntilConverged(bed: Bed, o: RunOptions): Promise<ReconcileResult[]> {
  const results: ReconcileResult[] = [];
  for (let i = 0; i < (o.max ?? 4); i++) {
    if (i > 0) await o.between?.(i, results[i - 1]!);
    const result = await reconcile(bed, o);
    results.push(result);
    if (converged(result)) return results;
  }
  throw new Error(`not converged after ${results.length} reconciles: ${results.map((r) => `${r.plan.steps.map((s) => s.kind).join(',')} → ${r.report.outcome} ${r.report.message}`).join(' | ')}`);
}

/**
 * Zero PDB violations, zero pods killed, no instance terminated with pods, no node left
 * marked or cordoned by scalerd.
 */
export async function expectZeroCounts(bed: Bed): Promise<void> {
  const { recorder } = bed.sim;
  expect(recorder.facts('pdb-violation')).toEqual([]);
  expect(recorder.facts('pod-killed')).toEqual([]);
  expect(recorder.facts('instance-terminated').filter((t) => t.podsOnNode !== 0)).toEqual([]);
  await expectNoMarks(bed);
}

/** No node carries scalerd's marks, and no node scalerd cordoned is still cordoned. */
export async function expectNoMarks(bed: Bed): Promise<void> {
  const nodes = await bed.cluster.listNodes();
  expect(nodes.filter((n) => readMark(n, 'scalerd').kind !== 'none').map((n) => n.name)).toEqual([]);
  const cordonedByScalerd = new Set(bed.sim.recorder.facts('cordon').filter((c) => c.client === CLIENT_ID && c.unschedulable).map((c) => c.node));
  expect(nodes.filter((n) => n.unschedulable && cordonedByScalerd.has(n.name)).map((n) => n.name)).toEqual([]);
}

/** Desired capacity and InService instances of the group, and the nodes of the cluster (through any pair of adapters). */
export async function sizes(bed: Pick<Bed, 'cloud' | 'cluster'>): Promise<{ desired: number; inService: number; nodes: number }> {
  const [group] = await bed.cloud.describeGroups([ASG]);
  return {
    desired: group!.desiredCapacity,
    inService: group!.instances.filter((i) => i.lifecycleState === 'InService').length,
    nodes: (await bed.cluster.listNodes()).length,
  };
}

export const drainSteps = (r: ReconcileResult) => r.plan.steps.flatMap((s) => (s.kind === 'drain-node' ? [s] : []));
