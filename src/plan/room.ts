// Room on the nodes that stay and the pods that need it: the scheduler's filters that
// matter for a drain (requests against allocatable minus what is already requested, the
// node's pod-count limit, NoSchedule/NoExecute taints against tolerations, nodeSelector),
// and why a pod finds no node, with numbers.

import type { NodeObservation, PodObservation, Resources, Taint, Toleration } from '../ports/observation.js';
import { formatCpu, formatMemory, plural } from './format.js';
import { formatSelector, formatTaint, nodeSelectorMatches, untoleratedTaint } from './selectors.js';

export type Room = Resources & { readonly pods: number };

export type FitNode = {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  /** What the node offers in all (the scheduler's score is a share of it). */
  readonly allocatable: Resources;
  readonly free: Room;
};

export type FitPod = {
  readonly key: string;
  readonly requests: Resources;
  readonly tolerations: readonly Toleration[];
  readonly nodeSelector: Readonly<Record<string, string>>;
};

export type FitResult =
  | { readonly ok: true; readonly placement: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly pod: string; readonly message: string };

/** A node that stays, with the room its current pods leave (`using` are the pods that occupy it). */
export function fitNode(node: NodeObservation, using: readonly PodObservation[]): FitNode {
  const used = using.reduce((sum, p) => ({ cpuMilli: sum.cpuMilli + p.requests.cpuMilli, memoryBytes: sum.memoryBytes + p.requests.memoryBytes }), { cpuMilli: 0, memoryBytes: 0 });
  return {
    name: node.name,
    labels: node.labels,
    taints: node.taints,
    allocatable: node.allocatable,
    free: {
      cpuMilli: node.allocatable.cpuMilli - used.cpuMilli,
      memoryBytes: node.allocatable.memoryBytes - used.memoryBytes,
      pods: node.allocatable.pods - using.length,
    },
  };
}

export function fitPod(pod: PodObservation): FitPod {
  return { key: `${pod.namespace}/${pod.name}`, requests: pod.requests, tolerations: pod.tolerations, nodeSelector: pod.nodeSelector };
}

export const admits = (node: FitNode, pod: FitPod): boolean =>
  nodeSelectorMatches(pod.nodeSelector, node.labels) && untoleratedTaint(node.taints, pod.tolerations) === undefined;

export const hasRoom = (room: Room, pod: FitPod): boolean =>
  room.pods >= 1 && room.cpuMilli >= pod.requests.cpuMilli && room.memoryBytes >= pod.requests.memoryBytes;

export const less = (room: Room, pod: FitPod): Room =>
  ({ cpuMilli: room.cpuMilli - pod.requests.cpuMilli, memoryBytes: room.memoryBytes - pod.requests.memoryBytes, pods: room.pods - 1 });

/**
 * Why `pod` found no node, with numbers: the constraint nothing satisfies, or the shortfall.
 * `after` says what happened before it (the scheduler's spread), for fragmentation only.
 */
export function explain(pod: FitPod, pods: readonly FitPod[], nodes: readonly FitNode[], after = ''): string {
  const remaining = plural(nodes.length, 'remaining node');
  if (nodes.length === 0) return `no node remains for ${plural(pods.length, 'pod')}`;
  const bySelector = nodes.filter((n) => nodeSelectorMatches(pod.nodeSelector, n.labels));
  if (bySelector.length === 0) return `pod ${pod.key}: its nodeSelector ${formatSelector(pod.nodeSelector)} matches none of the ${remaining}`;
  const admitting = bySelector.filter((n) => admits(n, pod));
  if (admitting.length === 0) {
    const taint = untoleratedTaint(bySelector[0]!.taints, pod.tolerations)!;
    return `pod ${pod.key} tolerates none of the ${remaining} (taint ${formatTaint(taint)} on ${bySelector[0]!.name})`;
  }
  // Totals over every moving pod against every remaining node: the honest shortfall.
  const need = pods.reduce((s, p) => ({ cpu: s.cpu + p.requests.cpuMilli, mem: s.mem + p.requests.memoryBytes }), { cpu: 0, mem: 0 });
  const free = nodes.reduce((s, n) => ({ cpu: s.cpu + Math.max(0, n.free.cpuMilli), mem: s.mem + Math.max(0, n.free.memoryBytes), pods: s.pods + Math.max(0, n.free.pods) }), { cpu: 0, mem: 0, pods: 0 });
  if (need.cpu > free.cpu) return `needs ${formatCpu(need.cpu - free.cpu)} more than the ${remaining} offer (${formatCpu(need.cpu)} to move, ${formatCpu(free.cpu)} free)`;
  if (need.mem > free.mem) return `needs ${formatMemory(need.mem - free.mem)} of memory more than the ${remaining} offer (${formatMemory(need.mem)} to move, ${formatMemory(free.mem)} free)`;
  if (pods.length > free.pods) return `needs ${plural(pods.length - free.pods, 'pod slot')} more than the ${remaining} offer (${pods.length} to move, ${free.pods} free)`;
  const cpu = Math.max(0, ...admitting.map((n) => n.free.cpuMilli));
  const mem = Math.max(0, ...admitting.map((n) => n.free.memoryBytes));
  return `pod ${pod.key} (${formatCpu(pod.requests.cpuMilli)}, ${formatMemory(pod.requests.memoryBytes)}) fits on none of the ${plural(admitting.length, 'node')} that admit it${after} (at most ${formatCpu(cpu)} and ${formatMemory(mem)} free on one), though the ${remaining} have room in total`;
}
