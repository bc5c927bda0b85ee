// Will the pods that move fit on the nodes that stay? A first-fit-decreasing simulation
// of the scheduler's filters that matter for a drain: requests against allocatable minus
// what is already requested on the node, the node's pod-count limit, NoSchedule/NoExecute
// taints against the pod's tolerations, and the pod's nodeSelector.
//
// Pods go largest first (by their larger share of a node's CPU or memory), each onto the
// first node, in name order, that takes it. FFD is not the scheduler, which spreads pods
// rather than packing them; it is a feasibility check, and FFD finds a packing whenever
// there is comfortable room, which is the only situation in which a drain should start.
// The planner packs incrementally (makePacker): each victim it picks places its own pods
// into the room the earlier picks left, so a plan of k victims costs k small packings,
// not k full ones; the placement found is the witness that the pods fit.
// Not modelled: required node affinity, pod (anti-)affinity, topology spread, volume
// zones; such pods may stay Pending after their eviction (their PDB still holds).

import type { NodeObservation, PodObservation, Resources, Taint, Toleration } from '../ports/observation.js';
import { formatCpu, formatMemory, plural } from './format.js';
import { formatSelector, formatTaint, nodeSelectorMatches, untoleratedTaint } from './selectors.js';

export type Room = Resources & { readonly pods: number };

export type FitNode = {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
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

const admits = (node: FitNode, pod: FitPod): boolean =>
  nodeSelectorMatches(pod.nodeSelector, node.labels) && untoleratedTaint(node.taints, pod.tolerations) === undefined;

const hasRoom = (room: Room, pod: FitPod): boolean =>
  room.pods >= 1 && room.cpuMilli >= pod.requests.cpuMilli && room.memoryBytes >= pod.requests.memoryBytes;

/**
 * Room that pods are placed into, one batch at a time, all or nothing. A batch may also
 * take a node out of the room: the pods placed on it earlier are placed again with the
 * batch. Placement is first fit in name order, the batch's largest pods first.
 */
export type Packer = {
  /** On success the result's placement is the packer's own, so far (read it, do not keep it). */
  tryPlace(pods: readonly FitPod[], leaving?: string): FitResult;
  addNode(node: FitNode): void;
  placement(): ReadonlyMap<string, string>;
};

export function makePacker(initial: readonly FitNode[]): Packer {
  const nodes = [...initial].sort((a, b) => a.name.localeCompare(b.name));
  const room = new Map<string, Room>(nodes.map((n) => [n.name, { ...n.free }]));
  const placedOn = new Map<string, FitPod[]>();
  const where = new Map<string, string>();
  const gone = new Set<string>();
  const cpuRef = () => Math.max(1, ...nodes.map((n) => n.free.cpuMilli));
  const memRef = () => Math.max(1, ...nodes.map((n) => n.free.memoryBytes));
  return {
    tryPlace(pods, leaving) {
      const open = nodes.filter((n) => !gone.has(n.name) && n.name !== leaving);
      const batch = [...(leaving ? placedOn.get(leaving) ?? [] : []), ...pods];
      const [c, m] = [cpuRef(), memRef()];
      const size = (p: FitPod) => Math.max(p.requests.cpuMilli / c, p.requests.memoryBytes / m);
      batch.sort((a, b) => size(b) - size(a) || b.requests.cpuMilli - a.requests.cpuMilli || b.requests.memoryBytes - a.requests.memoryBytes || a.key.localeCompare(b.key));
      const trial = new Map<string, Room>();
      const roomOf = (name: string) => trial.get(name) ?? room.get(name)!;
      const placed: [FitPod, string][] = [];
      for (const pod of batch) {
        const node = open.find((n) => admits(n, pod) && hasRoom(roomOf(n.name), pod));
        if (!node) return { ok: false, pod: pod.key, message: explain(pod, batch, open.map((n) => ({ ...n, free: roomOf(n.name) }))) };
        const r = roomOf(node.name);
        trial.set(node.name, { cpuMilli: r.cpuMilli - pod.requests.cpuMilli, memoryBytes: r.memoryBytes - pod.requests.memoryBytes, pods: r.pods - 1 });
        placed.push([pod, node.name]);
      }
      // Commit.
      for (const [name, r] of trial) room.set(name, r);
      if (leaving) {
        gone.add(leaving);
        placedOn.delete(leaving);
      }
      for (const [pod, name] of placed) {
        const list = placedOn.get(name);
        if (list) list.push(pod);
        else placedOn.set(name, [pod]);
        where.set(pod.key, name);
      }
      return { ok: true, placement: where };
    },
    addNode(node) {
      if (room.has(node.name) || gone.has(node.name)) return;
      nodes.push(node);
      nodes.sort((a, b) => a.name.localeCompare(b.name));
      room.set(node.name, { ...node.free });
    },
    placement: () => new Map(where),
  };
}

/** One batch into fresh room (first-fit decreasing). */
export function fitPods(pods: readonly FitPod[], nodes: readonly FitNode[]): FitResult {
  return makePacker(nodes).tryPlace(pods);
}

/** Why `pod` found no node, with numbers: the constraint nothing satisfies, or the shortfall. */
function explain(pod: FitPod, pods: readonly FitPod[], nodes: readonly FitNode[]): string {
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
  return `pod ${pod.key} (${formatCpu(pod.requests.cpuMilli)}, ${formatMemory(pod.requests.memoryBytes)}) fits on none of the ${plural(admitting.length, 'node')} that admit it (at most ${formatCpu(cpu)} and ${formatMemory(mem)} free on one), though the ${remaining} have room in total`;
}
