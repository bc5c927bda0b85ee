// plan(): desired state + one observation + now → Plan. Pure: no I/O, no clock, no SDK.

import type { Observation } from '../ports/observation.js';
import { own } from '../records.js';
import type { NodeGroup, Workload } from '../schedule/types.js';
import { budgetUse } from './budgets.js';
import { makeContext, type PlanContext } from './context.js';
import { plural } from './format.js';
import { planGroup, type GroupResult, type Health } from './groups.js';
import { rollbackChange } from './marks.js';
import { isCounted } from './match.js';
import { resolveOptions, type PlanOptionsInput } from './options.js';
import { movingPod } from './pods.js';
import { makeSelection } from './select.js';
import type { AwaitNodesStep, Blocked, Plan, RollbackNodeStep, Step, StepKind } from './types.js';
import { planWorkloads } from './workloads.js';

export type DesiredInput = {
  /** Node-group name → capacity. A group left out is not scaled (its marked nodes are rolled back). */
  readonly capacity: Readonly<Record<string, number | undefined>>;
  /** Workload key → replicas. A workload left out is restored to its recorded original, if any. */
  readonly replicas: Readonly<Record<string, number | undefined>>;
};

export type PlanInput = {
  readonly observation: Observation;
  readonly schedule: { readonly nodeGroups: readonly NodeGroup[]; readonly workloads: readonly Workload[] };
  readonly desired: DesiredInput;
  readonly now: number;
  readonly options?: PlanOptionsInput;
};

/**
 * The order steps run in. Each position is a safety property:
 * - IMPORTANT: suspend-processes first: once an instance leaves a group with decrement,
 *   AZRebalance may launch in one zone and terminate in another, with no drain.
 * - IMPORTANT: workload scale-downs before any node leaves: fewer pods move, and the fit
 *   check already counted on the lower replica counts; draining first would evict pods
 *   that are about to be deleted and could strand the rest.
 * - rollback-node before scale-up: a marked node that stays is capacity at no cost.
 * - terminate-unjoined before scale-up: the scale-up is a delta on the desired capacity
 *   re-read at call time, so replacing a dead instance needs no room above MaxSize.
 * - scale-up before node removals of other groups: capacity arrives early.
 * - resume-node before drain-node: finish work under way before starting more.
 * - IMPORTANT: await-nodes, then workload scale-ups last: pods of a scale-up must find
 *   Ready nodes, or they sit Pending (and an HPA or a PDB counts them as unavailable).
 */
export const STEP_ORDER: readonly StepKind[] = [
  'suspend-processes', 'scale-workload', 'rollback-node', 'terminate-unjoined', 'scale-up', 'resume-node', 'drain-node', 'await-nodes', 'complete',
];

export function plan(input: PlanInput): Plan {
  const { observation, schedule, desired, now } = input;
  const options = resolveOptions(input.options);
  const ctx = makeContext(observation, now, options);
  const workloads = planWorkloads(schedule.workloads, desired.replicas, observation.workloads);
  const selection = makeSelection(ctx, workloads.shrinking);
  const health = clusterHealth(ctx, new Set(schedule.nodeGroups.map((g) => g.asg)));
  const observed = new Map(observation.groups.map((g) => [g.name, g]));
  const results: GroupResult[] = schedule.nodeGroups.map((group) =>
    planGroup(ctx, selection, { group, observed: observed.get(group.asg), desired: own(desired.capacity, group.name), health }));
  const orphans = orphanMarks(ctx, new Set(schedule.nodeGroups.map((g) => g.asg)));
  const all = <T>(pick: (r: GroupResult) => readonly T[]): T[] => results.flatMap(pick);

  const summaries = results.flatMap((r) => (r.summary ? [r.summary] : []));
  const ups = workloads.steps.filter((s) => s.direction === 'up');
  const awaiting = summaries.filter((s) => s.target !== undefined && s.readyNodes < s.target);
  const gate: AwaitNodesStep[] = ups.length > 0 && awaiting.length > 0
    ? [{
        kind: 'await-nodes',
        groups: awaiting.map((s) => ({ group: s.group, asg: s.asg, ready: s.readyNodes, want: s.target! })),
        deadline: now + options.registrationTimeoutMs,
        reason: `workloads scale up once the nodes are Ready: ${awaiting.map((s) => `${s.group} ${s.readyNodes}/${s.target}`).join(', ')}`,
      }]
    : [];
  const steps: Step[] = [
    ...all((r) => r.suspend),
    ...workloads.steps.filter((s) => s.direction !== 'up'),
    ...all((r) => r.rollback),
    ...orphans.rollback,
    ...all((r) => r.unjoined),
    ...all((r) => r.scaleUp),
    ...all((r) => r.resume),
    ...all((r) => r.drain),
    ...gate,
    ...ups,
  ];
  const blocked: Blocked[] = [...all((r) => r.blocked), ...orphans.blocked, ...workloads.blocked];
  const waiting = [
    ...all((r) => r.waiting),
    ...workloads.status.filter((w) => w.available < w.expected).map((w) => `${w.key}: ${w.available} of ${w.expected} replicas available`),
  ];
  if (steps.length === 0 && blocked.length === 0 && waiting.length === 0) {
    const nodesReady = summaries.reduce((n, s) => n + s.readyNodes, 0);
    const available = workloads.status.length;
    steps.push({
      kind: 'complete', nodesReady, workloadsAvailable: available,
      reason: `${plural(nodesReady, 'node')} Ready, ${plural(available, 'workload')} available, as desired`,
    });
  }
  // The pods that will really need evicting: the workload scale-downs take theirs first (as in the fit check).
  const moving = steps
    .flatMap((s) => (s.kind === 'resume-node' || s.kind === 'drain-node' ? [s.node] : []))
    .flatMap((node) => selection.movingOf(node) ?? ctx.nodePods(node).evict.map((c) => c.pod))
    .map((pod) => movingPod(pod, ctx.budgets));
  return {
    at: now,
    owner: options.owner,
    steps,
    notChosen: all((r) => r.notChosen),
    blocked,
    budgets: budgetUse(ctx.budgets, moving),
    groups: summaries,
    waiting,
    placement: Object.fromEntries([...selection.placement()].sort(([a], [b]) => a.localeCompare(b))),
  };
}

/**
 * cluster-autoscaler's gate: when many managed nodes are not Ready, something larger is
 * wrong (a zone, the network, the control plane), and removing nodes makes it worse.
 * Every node of a counted instance counts, marked or not, so that rolling a node back
 * does not change the verdict on the next reconcile.
 */
function clusterHealth(ctx: PlanContext, managed: ReadonlySet<string>): Health {
  const nodes = [...ctx.matching.memberOfNode.entries()]
    .filter(([name, m]) => managed.has(ctx.matching.groupOfNode.get(name)!) && isCounted(m.instance))
    .map(([, m]) => m.node!);
  const unready = nodes.filter((n) => !n.ready).length;
  const { fraction, count } = ctx.options.unhealthy;
  const unhealthy = unready > count && unready > fraction * nodes.length;
  return { unhealthy, message: `cluster unhealthy: ${unready} of ${nodes.length} managed nodes are not Ready; no node is removed` };
}

/** scalerd's marks on nodes of no managed group: rolled back, or reported when past the point of no return. */
function orphanMarks(ctx: PlanContext, managed: ReadonlySet<string>): { rollback: RollbackNodeStep[]; blocked: Blocked[] } {
  const rollback: RollbackNodeStep[] = [];
  const blocked: Blocked[] = [];
  for (const node of [...ctx.nodes.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const asg = ctx.matching.groupOfNode.get(node.name);
    const reading = ctx.markOf(node);
    if (reading.kind !== 'ours' || (asg !== undefined && managed.has(asg))) continue;
    const member = ctx.matching.memberOfNode.get(node.name);
    if (reading.mark.phase === 'terminating') {
      blocked.push({ code: 'orphan-mark', node: node.name, message: `${node.name}: marked terminating by scalerd, but its instance is in no managed group; delete the Node once its instance is gone` });
      continue;
    }
    rollback.push({
      kind: 'rollback-node', group: undefined, asg, node: node.name, instanceId: member?.instance.id, zone: member?.instance.zone ?? node.zone,
      phase: reading.mark.phase, startedAt: reading.mark.startedAt, change: rollbackChange(),
      reason: 'its instance is in no managed group: scalerd will not remove it',
    });
  }
  return { rollback, blocked };
}
