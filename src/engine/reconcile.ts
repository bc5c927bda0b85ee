// One reconcile: observe → plan → execute. Level-based: it carries no memory of earlier
// reconciles; crash safety comes from scalerd's marks on the nodes and annotations on the
// workloads, which a fresh process observes and the planner resumes or rolls back.
// `decide` and `act` are its two halves, for the one-shot commands that show the plan and
// ask before acting: the actuator re-reads what it acts on, so a plan that waited for an
// answer can be late but never aimed wrong.

import { execute, type ExecuteDeps, type ExecuteOptionsInput, type ExecutionReport } from '../actuate/index.js';
import { plan, type DesiredInput, type Plan, type PlanOptionsInput } from '../plan/index.js';
import type { Cloud } from '../ports/cloud.js';
import type { Cluster } from '../ports/cluster.js';
import type { Observation } from '../ports/observation.js';
import type { NodeGroup, Workload } from '../schedule/types.js';
import { observe } from './observe.js';

export type ReconcileInput = {
  readonly cloud: Cloud;
  readonly cluster: Cluster;
  readonly schedule: { readonly nodeGroups: readonly NodeGroup[]; readonly workloads: readonly Workload[] };
  /** The desired state (desiredAt(schedule, now).state, or an override's). */
  readonly desired: DesiredInput;
  /** The instant to plan for; default: the execution clock's now. */
  readonly now?: number;
  readonly planOptions?: PlanOptionsInput;
  /** Everything execute() needs but the ports, and its options. */
  readonly execution: Omit<ExecuteDeps, 'cloud' | 'cluster'> & { readonly options?: ExecuteOptionsInput };
};

export type Decision = { readonly observation: Observation; readonly plan: Plan };
export type ReconcileResult = Decision & { readonly report: ExecutionReport };

/** Observe and plan: no mutation. */
export async function decide(input: ReconcileInput): Promise<Decision> {
  const { cloud, cluster, schedule, desired, planOptions } = input;
  const now = input.now ?? input.execution.clock.now();
  const observation = await observe({ cloud, cluster, schedule, now });
  const decided = plan({ observation, schedule, desired, now, ...(planOptions ? { options: planOptions } : {}) });
  return { observation, plan: decided };
}

/** Execute a plan `decide` made from the same input. */
export function act(input: ReconcileInput, decided: Plan): Promise<ExecutionReport> {
  const { cloud, cluster, planOptions, execution } = input;
  const { options, ...deps } = execution;
  // The actuator re-classifies pods with the planner's own options, so the two never disagree.
  return execute(decided, { ...deps, cloud, cluster }, { ...options, planOptions: { ...planOptions, ...options?.planOptions } });
}

export async function reconcileOnce(input: ReconcileInput): Promise<ReconcileResult> {
  const decision = await decide(input);
  return { ...decision, report: await act(input, decision.plan) };
}
