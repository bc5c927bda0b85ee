// The scheduler's view of the nodes: what each can hold and what the pods bound to it
// already request, kept up to date from store events one pod at a time, so placing
// 30,000 pods never re-sums the pods of a node.

import type { KubeObject, StoreEvent } from '../kube/store.js';
import { isTerminal, keyOf, spec } from './objects.js';
import { type Allocatable, type Requests, type Taint, nodeAllocatable, podRequests, schedulingTaints } from './placement.js';

export type Usage = { cpu: number; memory: number; pods: number; scoreCpu: number; scoreMemory: number };

export type NodeInfo = {
  readonly name: string;
  node: KubeObject | undefined;
  alloc: Allocatable;
  taints: Taint[];
  unschedulable: boolean;
  signature: string;
  readonly used: Usage;
};

/** The scheduler scores pods that request nothing as if they asked for 100m and 200Mi (schedutil.GetNonzeroRequests). */
const DEFAULT_SCORE_CPU = 100;
const DEFAULT_SCORE_MEMORY = 200 * 1024 * 1024;

export type PodCharge = Requests & { readonly uid: string; readonly node: string; readonly scoreCpu: number; readonly scoreMemory: number };

export function chargeOf(pod: KubeObject, node: string): PodCharge {
  const r = podRequests(spec(pod));
  return {
    uid: pod.metadata.uid, node, cpu: r.cpu, memory: r.memory,
    scoreCpu: r.cpu || DEFAULT_SCORE_CPU, scoreMemory: r.memory || DEFAULT_SCORE_MEMORY,
  };
}

export class NodeCache {
  readonly #infos = new Map<string, NodeInfo>();
  readonly #charges = new Map<string, PodCharge>();
  #sorted: NodeInfo[] | undefined;

  /** Nodes that exist, in name order (the tie-break order). */
  nodes(): readonly NodeInfo[] {
    this.#sorted ??= [...this.#infos.values()].filter((i) => i.node).sort((a, b) => (a.name < b.name ? -1 : 1));
    return this.#sorted;
  }

  get size(): number {
    return this.nodes().length;
  }

  #info(name: string): NodeInfo {
    let info = this.#infos.get(name);
    if (!info) {
      info = { name, node: undefined, alloc: { cpu: 0, memory: 0, pods: 0 }, taints: [], unschedulable: false, signature: '', used: { cpu: 0, memory: 0, pods: 0, scoreCpu: 0, scoreMemory: 0 } };
      this.#infos.set(name, info);
    }
    return info;
  }

  /** Returns true when the change may let a waiting pod fit (a new node, or one whose fitness changed). */
  onNode(event: StoreEvent): boolean {
    const node = event.object;
    const info = this.#info(node.metadata.name);
    if (event.type === 'DELETED') {
      info.node = undefined;
      this.#sorted = undefined;
      return false;
    }
    const added = !info.node;
    info.node = node;
    info.alloc = nodeAllocatable(node);
    info.taints = schedulingTaints(node);
    info.unschedulable = Boolean(spec(node).unschedulable);
    const signature = JSON.stringify([info.alloc, info.taints, info.unschedulable, node.metadata.labels ?? {}]);
    const changed = signature !== info.signature;
    info.signature = signature;
    if (added) this.#sorted = undefined;
    return added || changed;
  }

  /** Returns true when the change freed room on a node (a pod gone or finished). */
  onPod(event: StoreEvent): boolean {
    const pod = event.object;
    const key = keyOf(pod);
    const previous = this.#charges.get(key);
    const nodeName = event.type !== 'DELETED' && !isTerminal(pod) ? (spec(pod).nodeName as string | undefined) : undefined;
    if (previous && previous.uid === pod.metadata.uid && previous.node === nodeName) return false;
    if (previous) {
      this.#apply(previous, -1);
      this.#charges.delete(key);
    }
    if (nodeName) {
      const charge = previous?.uid === pod.metadata.uid ? { ...previous, node: nodeName } : chargeOf(pod, nodeName);
      this.#apply(charge, 1);
      this.#charges.set(key, charge);
    }
    return previous !== undefined;
  }

  #apply(charge: PodCharge, sign: 1 | -1): void {
    const used = this.#info(charge.node).used;
    used.cpu += sign * charge.cpu;
    used.memory += sign * charge.memory;
    used.pods += sign;
    used.scoreCpu += sign * charge.scoreCpu;
    used.scoreMemory += sign * charge.scoreMemory;
  }
}
