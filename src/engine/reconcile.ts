// One reconcile: observe → plan → execute. Level-based: it carries no memory of earlier
// reconciles; crash safety comes from scalerd's marks on the nodes and annotations on the
// workloads, which a fresh process observes and the planner resumes or rolls back.

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

export type ReconcileResult = { readonly observation: Observation; readonly plan: Plan; readonly report: ExecutionReport };

export async function reconcileOnce(input: ReconcileInput): Promise<ReconcileResult> {
  const { cloud, cluster, schedule, desired, planOptions, execution } = input;
  const { options, ...deps } = execution;
  const now = input.now ?? deps.clock.now();
  const observation = await observe({ cloud, cluster, schedule, now });
  const decided = plan({ observation, schedule, desired, now, ...(planOptions ? { options: planOptions } : {}) });
  // The actuator re-classifies pods with the planner's own options, so the two never disagree.
  const report = await execute(decided, { ...deps, cloud, cluster }, { ...options, planOptions: { ...planOptions, ...options?.planOptions } });
  return { observation, plan: decided, report };
}
