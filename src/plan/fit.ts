// Will the pods that move fit on the nodes that stay? A first-fit-decreasing packing
// under the scheduler's filters (room.ts), checked against the scheduler's own spreading
// in bad orders (scheduler-order.ts): both must succeed.
//
// Pods go largest first (by their larger share of a node's CPU or memory), each onto the
// first node, in name order, that takes it. FFD is not the scheduler, which spreads pods
// rather than packing them; it is a feasibility check, and FFD finds a packing whenever
// there is comfortable room, which is the only situation in which a drain should start.
// The planner packs incrementally (makePacker): each victim it picks places its own pods
// into the room the earlier picks left; the placement found is the witness that the pods
// fit. The scheduler replays cannot be incremental (order matters): each pick replays
// every pod placed so far, moving pods × nodes per replay.
// Not modelled: required node affinity, pod (anti-)affinity, topology spread, volume
// zones; such pods may stay Pending after their eviction (their PDB still holds).

import { admits, explain, hasRoom, less, type FitNode, type FitPod, type FitResult, type Room } from './room.js';
import { schedulerFits } from './scheduler-order.js';

export { fitNode, fitPod, type FitNode, type FitPod, type FitResult, type Room } from './room.js';

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
      for (const [i, pod] of batch.entries()) {
        const node = open.find((n) => admits(n, pod) && hasRoom(roomOf(n.name), pod));
        if (!node) return { ok: false, pod: pod.key, message: explain(pod, batch.slice(i), open.map((n) => ({ ...n, free: roomOf(n.name) }))) };
        trial.set(node.name, less(roomOf(node.name), pod));
        placed.push([pod, node.name]);
      }
      // Every pod placed so far, and this batch, in the scheduler's worst order.
      const spread = schedulerFits([...[...placedOn].filter(([name]) => name !== leaving).flatMap(([, list]) => list), ...batch], open);
      if (!spread.ok) return spread;
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

/** One batch into fresh room: first-fit decreasing, and the scheduler's worst case too. */
export function fitPods(pods: readonly FitPod[], nodes: readonly FitNode[]): FitResult {
  return makePacker(nodes).tryPlace(pods);
}

