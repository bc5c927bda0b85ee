// The Plan: what scalerd will do this reconcile, as a value. The planner derives it from
// one Observation, the desired State and `now` alone; it holds no handle on the world and
// no function, so it prints (`renderPlan`), serialises (`-o json`), compares in tests and
// drives the actuator the same way.
//
// How the actuator executes it:
// - Steps run in array order; the planner has already put them in the only safe order
//   (see STEP_ORDER in plan.ts for why). A step that fails stops the plan; the next
//   reconcile re-plans from a fresh observation, and every step is written so that doing
//   it again after a crash is harmless (a restarted daemon finds its marks on the nodes).
// - Steps of one kind that follow each other form a batch and may run in parallel, with
//   one exception spelled out on DrainNodeStep (mark the whole batch first).
// - Before every mutating call the actuator re-checks what the step depends on (its lease,
//   the instance's lifecycle state, the pod's UID): the plan is a decision from one
//   observation, not a licence to act on stale data.

import type { NodeChange } from '../ports/cluster.js';
import type { Resources, WorkloadKind } from '../ports/observation.js';
import type { Phase } from './marks.js';

/** A node group of the schedule and its Auto Scaling group. */
export type GroupRef = { readonly group: string; readonly asg: string };

/** A change of one number, for the record and for rendering. */
export type Change = { readonly from: number; readonly to: number };

// ---------------------------------------------------------------------------- steps

/** Suspend scaling processes of a group (AZRebalance) before any instance leaves it. */
export type SuspendProcessesStep = GroupRef & {
  readonly kind: 'suspend-processes';
  readonly processes: readonly string[];
  readonly reason: string;
};

/**
 * Change a workload's replicas, directly or through its HPA.
 * The actuator, in this order:
 * 1. `annotate.workload` then `annotate.hpa` (a `null` value removes the annotation).
 *    IMPORTANT: the originals are recorded before anything changes, so a crash after the
 *    change can still restore them.
 * 2. `hpa` through Cluster.changeHpa (minReplicas/maxReplicas `to` values).
 * 3. `replicas` through the scale subresource (Cluster.scaleWorkload).
 * `expected` is the replica count the workload should settle at (with an HPA, the
 * current count clamped into the new bounds: the HPA, not scalerd, picks the number).
 */
export type ScaleWorkloadStep = {
  readonly kind: 'scale-workload';
  readonly workload: { readonly key: string; readonly kind: WorkloadKind; readonly namespace: string; readonly name: string };
  /** `down` runs before node removals, `up` after the nodes are Ready, `adjust` (bounds only) with `down`. */
  readonly direction: 'down' | 'up' | 'adjust';
  readonly replicas: Change | undefined;
  readonly hpa: { readonly name: string; readonly minReplicas: Change | undefined; readonly maxReplicas: Change | undefined } | undefined;
  readonly annotate: {
    readonly workload: Readonly<Record<string, string | null>>;
    readonly hpa: Readonly<Record<string, string | null>>;
  };
  readonly expected: number;
  readonly reason: string;
};

/**
 * A node scalerd marked that should now stay: apply `change` (untaint, uncordon,
 * unannotate) with Cluster.changeNode. Never produced for phase `terminating`.
 * `group` is undefined for a marked node whose instance is in no managed group.
 */
export type RollbackNodeStep = {
  readonly kind: 'rollback-node';
  readonly group: string | undefined;
  readonly asg: string | undefined;
  readonly node: string;
  readonly instanceId: string | undefined;
  readonly zone: string | undefined;
  readonly phase: Phase;
  readonly startedAt: number | undefined;
  readonly change: NodeChange;
  readonly reason: string;
};

/**
 * An instance that did not become a Ready node by its registration deadline:
 * TerminateInstanceInAutoScalingGroup on exactly `instanceId` (with decrement). Before the
 * call the actuator re-reads the group and skips the instance if it is no longer
 * InService/Pending, or (cause `never-ready`) if its node is Ready now. Then, for
 * `never-ready`, it deletes the Node object `node` once the instance is Terminating.
 */
export type TerminateUnjoinedStep = GroupRef & {
  readonly kind: 'terminate-unjoined';
  readonly instanceId: string;
  readonly zone: string;
  /** `not-joined`: no Node ever matched it. `never-ready`: its Node exists but is not Ready and holds no pod that must move. */
  readonly cause: 'not-joined' | 'never-ready';
  readonly node: string | undefined;
  readonly launchedAt: number | undefined;
  readonly deadline: number;
  readonly reason: string;
};

/**
 * Grow a group: SetDesiredCapacity(current + add, HonorCooldown=false), where `current`
 * comes from one fresh DescribeAutoScalingGroups right before the call, capped at
 * `maxSize`. IMPORTANT: a delta, never the absolute `target` from this observation:
 * terminations with decrement may land between the observation and the call, and an
 * absolute value from an old observation is how cluster-autoscaler killed healthy
 * instances (#10147). A retry reuses the value computed once; it never re-adds.
 */
export type ScaleUpStep = GroupRef & {
  readonly kind: 'scale-up';
  readonly add: number;
  readonly observedDesired: number;
  /** What the group should have once every step of this plan is done. */
  readonly target: number;
  readonly maxSize: number;
  readonly reason: string;
};

/** What is left to do on a node that leaves, in this order. */
export type NodeAction = 'drain' | 'terminate' | 'delete-node';

/** A pod that must be evicted from a leaving node. */
export type MovingPod = {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  /** Evict `ordinary` pods first, `critical` (system-*-critical priority classes) last. */
  readonly tier: 'ordinary' | 'critical';
  /** `namespace/name` of the one PodDisruptionBudget that selects it, if any. */
  readonly budget: string | undefined;
  readonly requests: Resources;
};

/**
 * A node that leaves the cluster, and its instance the group.
 * - `drain`: re-list the node's pods, classify them with `classifyPod` (same rules as the
 *   planner), evict those to evict (policy/v1, UID precondition, tiers), wait until gone;
 *   set phase `draining` before the first eviction and `drained` after the last.
 *   On its deadline: roll the node back (default) or, with policy force, delete.
 * - `terminate`: set phase `terminating`, then TerminateInstanceInAutoScalingGroup on
 *   exactly `instanceId` with decrement (skip it if the instance is already Terminating
 *   or gone), and confirm it is Terminating.
 * - `delete-node`: delete the Node object once the instance is Terminating or gone.
 *   IMPORTANT: after the termination, not before: a running kubelet re-registers a
 *   deleted Node, unmarked and schedulable, and pods would land on a dying instance.
 * `pods` is what the observation showed, for the record and for budget accounting; the
 * actuator acts on what it re-lists.
 */
export type NodeRemoval = GroupRef & {
  readonly node: string;
  readonly instanceId: string;
  readonly zone: string;
  readonly pods: readonly MovingPod[];
  readonly actions: readonly NodeAction[];
};

/** A node scalerd marked earlier that should still go: continue from its phase. */
export type ResumeNodeStep = NodeRemoval & {
  readonly kind: 'resume-node';
  readonly phase: Phase;
  readonly startedAt: number | undefined;
  readonly reason: string;
};

/**
 * A new victim. IMPORTANT: the actuator applies `mark` (taint, cordon, annotation with
 * phase `cordoned`, one changeNode) to every drain-node step of the plan before it drains
 * any of them, so evicted pods never land on a node that is about to be drained
 * (aws-node-termination-handler#537), and declares none drained before a settle delay
 * after its mark. Then it runs `actions` on the nodes in parallel; the PDBs pace the
 * evictions.
 */
export type DrainNodeStep = NodeRemoval & {
  readonly kind: 'drain-node';
  readonly mark: NodeChange;
  readonly reason: string;
};

/**
 * A gate: wait until each group has `want` Ready nodes (Ready=True, schedulable, no
 * startup taint, instance InService), polling fresh observations, or until `deadline`.
 * On the deadline, stop the plan: the next reconcile terminates what did not join.
 */
export type AwaitNodesStep = {
  readonly kind: 'await-nodes';
  readonly groups: readonly (GroupRef & { readonly ready: number; readonly want: number })[];
  readonly deadline: number;
  readonly reason: string;
};

/** Nothing is left to do: every group has its nodes Ready, every workload its replicas available. */
export type CompleteStep = {
  readonly kind: 'complete';
  readonly nodesReady: number;
  readonly workloadsAvailable: number;
  readonly reason: string;
};

export type Step =
  | SuspendProcessesStep
  | ScaleWorkloadStep
  | RollbackNodeStep
  | TerminateUnjoinedStep
  | ScaleUpStep
  | ResumeNodeStep
  | DrainNodeStep
  | AwaitNodesStep
  | CompleteStep;

export type StepKind = Step['kind'];

// ------------------------------------------------------------------- why not more

/** Why a node was not chosen (a node predicate's code, or the selection's). */
export type SkipCode =
  | 'scale-down-disabled'
  | 'not-in-service'
  | 'protected'
  | 'marked-by-other'
  | 'cordoned-by-other'
  | 'not-ready'
  | 'blocking-pods'
  | 'not-needed'
  | 'cap'
  | 'no-fit'
  | 'cluster-unhealthy'
  | 'az-rebalance'
  | (string & {}); // the codes of extra node predicates

export type NotChosen = {
  readonly group: string;
  readonly node: string;
  readonly instanceId: string;
  readonly zone: string;
  readonly code: SkipCode;
  readonly reason: string;
  /** blocking-pods: the first blocking pod's code (local-storage, unreplicated, safe-to-evict-false, …). */
  readonly podCode?: string;
};

export type BlockedCode =
  | 'group-not-found'
  | 'bounds-conflict'
  | 'min-size'
  | 'schedule-min'
  | 'max-size'
  /** The scale-up waits for leaving instances to be gone, or it would pass MaxSize. */
  | 'max-size-pending'
  | 'schedule-max'
  | 'az-rebalance'
  | 'cluster-unhealthy'
  | 'cap'
  | 'no-fit'
  | 'no-candidate'
  | 'unjoined-min-size'
  | 'unjoined-cap'
  | 'orphan-mark'
  | 'workload-not-found'
  | 'workload-ambiguous'
  | 'workload-limits';

/** Why the plan does less than the desired state asks. */
export type Blocked = {
  readonly code: BlockedCode;
  readonly group?: string;
  readonly workload?: string;
  readonly node?: string;
  readonly message: string;
};

/**
 * A PodDisruptionBudget as numbers. `allowedNow` is max(0, disruptionsAllowed) from its
 * status (fail closed: a negative or missing value is 0); `toEvict` is how many of the
 * plan's moving pods it selects, once the plan's workload scale-downs took theirs; `waves` = ceil(toEvict / allowedNow) is a lower bound on
 * how many rounds of "evict, wait for the replacement to be Ready" the drain needs
 * (undefined when allowedNow is 0: blocked until pods become healthy elsewhere).
 */
export type BudgetUse = {
  readonly budget: string;
  readonly allowedNow: number;
  readonly toEvict: number;
  readonly waves: number | undefined;
};

/** Per managed group: the numbers behind its steps. */
export type GroupSummary = GroupRef & {
  /** The target against the group's size without the nodes already leaving; `hands-off`: no target. */
  readonly direction: 'down' | 'up' | 'steady' | 'hands-off';
  readonly observedDesired: number;
  readonly minSize: number;
  readonly maxSize: number;
  /** max(MinSize, schedule min) and min(MaxSize, schedule max). */
  readonly floor: number;
  readonly ceiling: number;
  /** The desired capacity, within floor..ceiling; undefined when the group is hands-off. */
  readonly target: number | undefined;
  /** Nodes that leave in this plan (resumed and new) and unjoined instances terminated. */
  readonly removing: number;
  readonly adding: number;
  readonly readyNodes: number;
};

export type Plan = {
  readonly at: number;
  readonly owner: string;
  /** In execution order; no-ops dropped. Empty when there is nothing to do. */
  readonly steps: readonly Step[];
  /** Every candidate node of a shrinking group that is not removed, with why. */
  readonly notChosen: readonly NotChosen[];
  /** Why the plan does less than asked (apart from "nothing to do"). */
  readonly blocked: readonly Blocked[];
  /** The budgets the plan's evictions draw on. */
  readonly budgets: readonly BudgetUse[];
  readonly groups: readonly GroupSummary[];
  /** Things still settling that need no step ("workers: 7 of 10 nodes Ready"). */
  readonly waiting: readonly string[];
  /**
   * Pod `namespace/name` → the node the planner found room on: the witness that the pods
   * leaving the chosen nodes fit on the nodes that stay. Informational: the scheduler
   * places them for real. Pods of nodes already terminating are not in it.
   */
  readonly placement: Readonly<Record<string, string>>;
};
