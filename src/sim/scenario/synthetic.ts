// A generated scenario for `--nodes N --pods-per-node M`: one node group of N nodes over
// three zones and N×M pods in Deployments of up to 30 replicas, sized so they fit.

import type { Scenario, ScenarioWorkload } from './types.js';

const REPLICAS_PER_DEPLOYMENT = 30;
const POD_CPU_MILLI = 50;
const POD_MEMORY_MI = 64;

export function syntheticScenario(nodes: number, podsPerNode: number): Scenario {
  const totalPods = nodes * podsPerNode;
  const workloads: ScenarioWorkload[] = [];
  for (let i = 0, left = totalPods; left > 0; i++, left -= REPLICAS_PER_DEPLOYMENT) {
    workloads.push({
      namespace: `load-${Math.floor(i / 100)}`,
      name: `app-${i}`,
      kind: 'Deployment',
      replicas: Math.min(REPLICAS_PER_DEPLOYMENT, left),
      requests: { cpu: `${POD_CPU_MILLI}m`, memory: `${POD_MEMORY_MI}Mi` },
      ...(i % 2 === 0 ? { pdb: { maxUnavailable: 1 } } : {}),
    });
  }
  // 50% headroom per node so the scheduler never runs out of room while spreading.
  const podsPerNodeCapacity = Math.ceil(podsPerNode * 1.5) + 10;
  return {
    name: `synthetic-${nodes}x${podsPerNode}`,
    description: `${nodes} nodes, ${totalPods} pods`,
    region: 'eu-west-1',
    nodeGroups: [{
      name: 'workers',
      asg: 'sim-workers',
      zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      min: 0,
      max: Math.max(nodes * 2, nodes + 10),
      desired: nodes,
      instanceType: 'm6i.2xlarge',
      allocatable: { cpu: `${podsPerNodeCapacity * POD_CPU_MILLI}m`, memory: `${podsPerNodeCapacity * POD_MEMORY_MI}Mi`, pods: podsPerNodeCapacity },
      labels: { 'scalerd.io/node-group': 'workers' },
      suspendedProcesses: ['AZRebalance'],
      tags: { 'scalerd.io/managed': 'true' },
    }],
    workloads,
    // scalerd's own, as the demo has it: its Lease, overrides and history live there, and
    // without it `scalerd run` against `scalerd sim --nodes N` could never lead.
    namespaces: ['scalerd'],
  };
}
