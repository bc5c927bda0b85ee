// Where a pod may run, by the rules the scheduler and the DaemonSet controller share:
// taints and tolerations (k8s.io/api/core/v1 toleration.go), nodeSelector and required
// node affinity, and the resources a pod requests.
// Deliberately not shared with the planner's src/plan/selectors.ts: the simulator is the
// oracle the planner is tested against, so each is written from the Kubernetes sources.

import { cpuMillis, quantityValue } from '../kube/quantity.js';
import type { KubeObject } from '../kube/store.js';
import { type Loose, findCondition, spec, status } from './objects.js';

export type Taint = { key: string; value?: string; effect: string };
export type Toleration = { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number };

export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? 'Equal') {
    case 'Exists': return true;
    case 'Equal': return (toleration.value ?? '') === (taint.value ?? '');
    default: return false;
  }
}

/** The first NoSchedule/NoExecute taint no toleration covers. */
export function untoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | undefined {
  for (const taint of taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerations.some((t) => tolerates(t, taint))) return taint;
  }
  return undefined;
}

/**
 * The node's taints as the scheduler sees them: a node that is not Ready carries the
 * not-ready (or, when its kubelet stopped reporting, unreachable) NoSchedule taint the
 * node lifecycle controller would add, unless the node object already has it.
 */
export function schedulingTaints(node: KubeObject): Taint[] {
  const taints = ((spec(node).taints ?? []) as Taint[]).slice();
  const ready = findCondition(node, 'Ready')?.status;
  if (ready !== 'True') {
    const key = ready === 'Unknown' ? 'node.kubernetes.io/unreachable' : 'node.kubernetes.io/not-ready';
    if (!taints.some((t) => t.key === key && t.effect === 'NoSchedule')) taints.push({ key, effect: 'NoSchedule' });
  }
  return taints;
}

type Requirement = { key: string; operator: string; values?: string[] };
type Term = { matchExpressions?: Requirement[]; matchFields?: Requirement[] };

function requirementMatches(r: Requirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt': return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt': return value !== undefined && Number(value) < Number(values[0]);
    default: return false;
  }
}

/** A compiled nodeSelector plus required node affinity; undefined when the pod has neither. */
export type NodeMatcher = ((node: KubeObject) => boolean) | undefined;

export function nodeMatcher(podSpec: Loose): NodeMatcher {
  const selector = Object.entries((podSpec.nodeSelector ?? {}) as Record<string, string>);
  const terms = (podSpec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) as Term[];
  if (selector.length === 0 && terms.length === 0) return undefined;
  return (node) => {
    const labels = node.metadata.labels ?? {};
    if (!selector.every(([k, v]) => labels[k] === v)) return false;
    // Terms are ORed; the requirements inside a term are ANDed.
    return terms.length === 0 || terms.some((term) =>
      (term.matchExpressions ?? []).every((r) => requirementMatches(r, labels[r.key])) &&
      (term.matchFields ?? []).every((r) => requirementMatches(r, r.key === 'metadata.name' ? node.metadata.name : undefined)));
  };
}

export type Requests = { cpu: number; memory: number };

function containerRequests(container: Loose): Requests {
  const resources = (container.resources ?? {}) as Loose;
  // Limits without requests default the requests (the API server's defaulting).
  const cpu = resources.requests?.cpu ?? resources.limits?.cpu;
  const memory = resources.requests?.memory ?? resources.limits?.memory;
  return { cpu: cpu === undefined ? 0 : cpuMillis(cpu), memory: memory === undefined ? 0 : quantityValue(memory) };
}

/** Sum over containers, or the largest init container if that is more (init containers run one at a time). */
export function podRequests(podSpec: Loose): Requests {
  const total = { cpu: 0, memory: 0 };
  for (const c of (podSpec.containers ?? []) as Loose[]) {
    const r = containerRequests(c);
    total.cpu += r.cpu;
    total.memory += r.memory;
  }
  for (const c of (podSpec.initContainers ?? []) as Loose[]) {
    const r = containerRequests(c);
    total.cpu = Math.max(total.cpu, r.cpu);
    total.memory = Math.max(total.memory, r.memory);
  }
  return total;
}

export type Allocatable = { cpu: number; memory: number; pods: number };

export function nodeAllocatable(node: KubeObject): Allocatable {
  const s = status(node);
  const a = (s.allocatable ?? s.capacity ?? {}) as Loose;
  return {
    cpu: a.cpu === undefined ? 0 : cpuMillis(a.cpu),
    memory: a.memory === undefined ? 0 : quantityValue(a.memory),
    pods: a.pods === undefined ? 110 : quantityValue(a.pods),
  };
}

/** The node's InternalIP, as the kubelet reports it. */
export function internalIp(node: KubeObject | undefined): string | undefined {
  const addresses = (node ? status(node).addresses ?? [] : []) as { type: string; address: string }[];
  return addresses.find((a) => a.type === 'InternalIP')?.address;
}
