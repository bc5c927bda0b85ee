// One fresh look at the world for a reconcile: the schedule's Auto Scaling groups, every
// node and pod, the workloads the schedule names (with the HPAs that target them) and the
// disruption budgets. A handful of list calls, all independent, so they go in parallel;
// nothing is cached from an earlier reconcile (ARCHITECTURE.md: observe → decide → act).

import type { Cloud } from '../ports/cloud.js';
import type { Cluster } from '../ports/cluster.js';
import type { Observation } from '../ports/observation.js';
import type { NodeGroup, Workload } from '../schedule/types.js';

/** What of the schedule the observation depends on (a compiled Schedule fits). */
export type ObservedSchedule = {
  readonly nodeGroups: readonly Pick<NodeGroup, 'asg'>[];
  readonly workloads: readonly Pick<Workload, 'namespace' | 'name' | 'kind'>[];
};

export type ObserveInput = {
  readonly cloud: Cloud;
  readonly cluster: Cluster;
  readonly schedule: ObservedSchedule;
  /** The instant the observation stands for (the planner's `now`). */
  readonly now: number;
};

export async function observe({ cloud, cluster, schedule, now }: ObserveInput): Promise<Observation> {
  const asgs = [...new Set(schedule.nodeGroups.map((g) => g.asg))];
  const refs = schedule.workloads.map((w) => ({ namespace: w.namespace, name: w.name, ...(w.kind ? { kind: w.kind } : {}) }));
  const [groups, nodes, pods, workloads, pdbs] = await Promise.all([
    cloud.describeGroups(asgs),
    cluster.listNodes(),
    cluster.listPods(),
    // No workload in the schedule: no call (getWorkloads of nothing is nothing).
    refs.length > 0 ? cluster.getWorkloads(refs) : Promise.resolve([]),
    cluster.listPdbs(),
  ]);
  return { at: now, groups, nodes, pods, workloads, pdbs };
}
