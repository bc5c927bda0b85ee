// "Applying" a plan for the idempotence property: the world as it would be once every
// step of the plan did what it intends, with no surprises.
// - suspend-processes: the processes are suspended.
// - scale-workload: replicas/HPA bounds set, annotations written; the workload settles at
//   `expected` (all available); a shrinking workload loses its pods on leaving nodes
//   first, then its other pods by name.
// - rollback-node: scalerd's taint, cordon and annotation are gone.
// - terminate-unjoined: the instance (and its node, if any) is gone; desired − 1.
// - scale-up: desired + add; `add` new InService instances with Ready nodes, zones round robin.
// - resume-node / drain-node: the pods to evict are placed on the nodes that stay by the
//   planner's own fit (fitPods); the node, its remaining pods and (with `terminate`) its
//   instance are gone; desired − 1 per terminated instance.
// - await-nodes, complete: nothing.

import { classifyPod, computeBudgets, fitNode, fitPod, fitPods, resolveOptions, type Plan } from '../../src/plan/index.js';
import type { GroupObservation, NodeObservation, Observation, PdbObservation, PodObservation, WorkloadObservation } from '../../src/ports/observation.js';
import { belongsTo } from '../../src/plan/workloads.js';
import { occupies } from '../../src/plan/context.js';
import { GiB } from './builders.js';

type M<T> = { -readonly [K in keyof T]: T[K] };
type Writable = {
  at: number;
  groups: M<GroupObservation>[];
  nodes: M<NodeObservation>[];
  pods: M<PodObservation>[];
  workloads: M<WorkloadObservation>[];
  pdbs: PdbObservation[];
};

export function applyPlan(observation: Observation, plan: Plan, now: number): Observation {
  const o = structuredClone(observation) as Writable;
  const group = (asg: string) => o.groups.find((g) => g.name === asg)!;
  const leaving = new Set(plan.steps.flatMap((s) => (s.kind === 'drain-node' || s.kind === 'resume-node' ? [s.node] : [])));
  const options = resolveOptions({ owner: plan.owner });
  const podCtx = { now, options, budgets: computeBudgets(o.pdbs) };
  let seq = 0;

  for (const step of plan.steps) {
    switch (step.kind) {
      case 'suspend-processes': {
        const g = group(step.asg);
        g.suspendedProcesses = [...new Set([...g.suspendedProcesses, ...step.processes])];
        break;
      }
      case 'scale-workload': {
        const w = o.workloads.find((x) => x.namespace === step.workload.namespace && x.name === step.workload.name)!;
        const before = w.replicas;
        w.annotations = patch(w.annotations, step.annotate.workload);
        if (w.hpa) {
          w.hpa = {
            ...w.hpa,
            minReplicas: step.hpa?.minReplicas?.to ?? w.hpa.minReplicas,
            maxReplicas: step.hpa?.maxReplicas?.to ?? w.hpa.maxReplicas,
            annotations: patch(w.hpa.annotations, step.annotate.hpa),
          };
        }
        w.replicas = w.readyReplicas = w.availableReplicas = step.expected;
        if (step.expected < before) {
          const mine = o.pods.filter((p) => belongsTo(p, w)).sort((a, b) =>
            Number(leaving.has(b.nodeName ?? '')) - Number(leaving.has(a.nodeName ?? '')) || `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
          const gone = new Set(mine.slice(0, before - step.expected));
          o.pods = o.pods.filter((p) => !gone.has(p));
        }
        break;
      }
      case 'rollback-node': {
        const n = o.nodes.find((x) => x.name === step.node)!;
        n.unschedulable = false;
        n.taints = n.taints.filter((t) => t.key !== 'scalerd.io/scale-down');
        const { ['scalerd.io/scale-down']: _, ...rest } = n.annotations;
        n.annotations = rest;
        break;
      }
      case 'terminate-unjoined': {
        const g = group(step.asg);
        g.instances = g.instances.filter((i) => i.id !== step.instanceId);
        g.desiredCapacity -= 1;
        if (step.node) removeNode(o, step.node);
        break;
      }
      case 'scale-up': {
        const g = group(step.asg);
        const like = o.nodes.find((n) => g.instances.some((i) => n.instanceId === i.id));
        for (let k = 0; k < step.add; k++) {
          const zone = g.zones[(g.instances.length + k) % g.zones.length] ?? 'eu-west-1a';
          const id = `i-new${step.asg.replace(/[^0-9a-z]/g, '')}${seq++}`;
          g.instances = [...g.instances, { id, zone, lifecycleState: 'InService', healthy: true, protectedFromScaleIn: false, instanceType: 'm5.xlarge', privateDnsName: `ip-${id}`, launchedAt: now } as never];
          o.nodes.push({
            name: `ip-${id}`, uid: `uid-${id}`, resourceVersion: '1', providerId: `aws:///${zone}/${id}`, instanceId: id, zone,
            labels: like?.labels ?? {}, annotations: {}, taints: [], unschedulable: false, ready: true,
            allocatable: like?.allocatable ?? { cpuMilli: 4000, memoryBytes: 16 * GiB, pods: 110 }, createdAt: now,
          });
        }
        g.desiredCapacity += step.add;
        break;
      }
      case 'resume-node':
      case 'drain-node':
        break; // all leaving nodes move together below, once the workloads have shrunk
      case 'await-nodes':
      case 'complete':
        break;
    }
  }

  // The leaving nodes' pods move where the planner found room for them (its placement);
  // the pods of nodes already terminating find room by a fresh first fit, if any.
  const removals = plan.steps.flatMap((s) => (s.kind === 'drain-node' || s.kind === 'resume-node' ? [s] : []));
  const moving = o.pods.filter((p) => leaving.has(p.nodeName ?? '') && classifyPod(p, podCtx).verdict === 'evict');
  const rest = moving.filter((p) => !(`${p.namespace}/${p.name}` in plan.placement));
  const stays = o.nodes.filter((n) => !leaving.has(n.name) && n.ready && !n.unschedulable && !n.taints.some((t) => t.key === 'scalerd.io/scale-down'));
  const fit = fitPods(rest.map(fitPod), stays.map((n) => fitNode(n, o.pods.filter((p) => p.nodeName === n.name && occupies(p, now, options.terminatingSlackMs)))));
  const placement = new Map([...Object.entries(plan.placement), ...(fit.ok ? fit.placement : [])]);
  for (const pod of moving) pod.nodeName = placement.get(`${pod.namespace}/${pod.name}`);
  for (const step of removals) {
    removeNode(o, step.node);
    if (step.actions.includes('terminate')) {
      const g = group(step.asg);
      g.instances = g.instances.filter((i) => i.id !== step.instanceId);
      g.desiredCapacity -= 1;
    } else {
      const g = group(step.asg);
      g.instances = g.instances.filter((i) => i.id !== step.instanceId);
    }
  }
  return o;
}

function removeNode(o: { nodes: NodeObservation[]; pods: PodObservation[] }, name: string): void {
  o.nodes = o.nodes.filter((n) => n.name !== name);
  o.pods = o.pods.filter((p) => p.nodeName !== name);
}

function patch(base: Readonly<Record<string, string>>, change: Readonly<Record<string, string | null>>): Record<string, string> {
  const out: Record<string, string> = { ...base };
  for (const [k, v] of Object.entries(change)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}
