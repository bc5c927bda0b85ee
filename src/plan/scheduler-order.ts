// The default scheduler does not pack, it spreads: each pod goes to the node with the
// largest share left free (NodeResourcesLeastAllocated), and replacements arrive in
// whatever order the budgets let them. Small pods that land first on the emptiest nodes
// fill the very holes a large pod needed, and the large pod stays Pending: a 20→10
// scenario found it, after a first-fit-decreasing packing had said yes.
//
// So a batch is also replayed the way the scheduler would place it, in orders that are
// bad for the pods most at risk: smallest first, and for each of the largest pod shapes,
// every other moving pod before the last pod of that shape (its siblings take the best
// holes first, the small pods then fill what is left). Not a proof over every order, but
// the orders that strand a pod in practice; each replay is moving pods × nodes.

import { plural } from './format.js';
import { admits, explain, hasRoom, less, type FitNode, type FitPod, type FitResult, type Room } from './room.js';

/** Replays for this many of the largest shapes: smaller pods are rarely stranded by fragmentation. */
const SHAPES_REPLAYED = 8;

/** Share of a node's CPU or memory a pod takes, the larger of the two; for ordering. */
function sizer(nodes: readonly FitNode[]): (pod: FitPod) => number {
  const cpu = Math.max(1, ...nodes.map((n) => n.allocatable.cpuMilli));
  const mem = Math.max(1, ...nodes.map((n) => n.allocatable.memoryBytes));
  return (p) => Math.max(p.requests.cpuMilli / cpu, p.requests.memoryBytes / mem);
}

const share = (free: number, total: number): number => (total <= 0 ? 0 : Math.max(0, free) / total);

/** NodeResourcesLeastAllocated: the mean share of CPU and memory left free after the pod. */
function leastAllocated(node: FitNode, room: Room, pod: FitPod): number {
  return (share(room.cpuMilli - pod.requests.cpuMilli, node.allocatable.cpuMilli) + share(room.memoryBytes - pod.requests.memoryBytes, node.allocatable.memoryBytes)) / 2;
}

/** Pods that the scheduler cannot tell apart: same requests, selector and tolerations. */
const shapes = new WeakMap<FitPod, string>();
function shapeOf(p: FitPod): string {
  let shape = shapes.get(p);
  if (shape === undefined) {
    shape = JSON.stringify([p.requests.cpuMilli, p.requests.memoryBytes, p.nodeSelector, p.tolerations]);
    shapes.set(p, shape);
  }
  return shape;
}

/**
 * The pods in `order`, each on the admitting node with room that scores best (ties by
 * name). Hot: replayed per victim over every moving pod, so room is kept in arrays and
 * whether a node admits a pod is decided once per shape, not once per pod.
 */
export function replaySchedule(order: readonly FitPod[], nodes: readonly FitNode[]): FitResult {
  const sorted = [...nodes].sort((a, b) => a.name.localeCompare(b.name));
  const room: Room[] = sorted.map((n) => n.free);
  const admitting = new Map<string, boolean[]>();
  const placement = new Map<string, string>();
  for (const [i, pod] of order.entries()) {
    const shape = shapeOf(pod);
    let admits_ = admitting.get(shape);
    if (!admits_) {
      admits_ = sorted.map((n) => admits(n, pod));
      admitting.set(shape, admits_);
    }
    let best = -1;
    let bestScore = -1;
    for (let n = 0; n < sorted.length; n++) {
      const r = room[n]!;
      if (!admits_[n] || !hasRoom(r, pod)) continue;
      const score = leastAllocated(sorted[n]!, r, pod);
      if (score > bestScore) [best, bestScore] = [n, score];
    }
    if (best < 0) {
      const left = sorted.map((n, k) => ({ ...n, free: room[k]! }));
      const before = i > 0 ? ` once the scheduler has placed the ${plural(i, 'other moving pod')} before it, each on the least-allocated node` : '';
      return { ok: false, pod: pod.key, message: explain(pod, order.slice(i), left, before) };
    }
    room[best] = less(room[best]!, pod);
    placement.set(pod.key, sorted[best]!.name);
  }
  return { ok: true, placement };
}

/** Whether the scheduler places every pod in each of the bad orders; the first failure, else the smallest-first placement. */
export function schedulerFits(pods: readonly FitPod[], nodes: readonly FitNode[]): FitResult {
  const size = sizer(nodes);
  const ascending = [...pods].sort((a, b) => size(a) - size(b) || a.requests.cpuMilli - b.requests.cpuMilli || a.requests.memoryBytes - b.requests.memoryBytes || a.key.localeCompare(b.key));
  const smallestFirst = replaySchedule(ascending, nodes);
  if (!smallestFirst.ok) return smallestFirst;
  const shapes = new Map<string, FitPod[]>();
  for (const pod of [...ascending].reverse()) {
    const list = shapes.get(shapeOf(pod));
    if (list) list.push(pod);
    else shapes.set(shapeOf(pod), [pod]);
  }
  for (const siblings of [...shapes.values()].slice(0, SHAPES_REPLAYED)) {
    const last = siblings[siblings.length - 1]!;
    const rest = new Set(siblings);
    const order = [...siblings.slice(0, -1), ...ascending.filter((p) => !rest.has(p)), last];
    const result = replaySchedule(order, nodes);
    if (!result.ok) return result;
  }
  return smallestFirst;
}
