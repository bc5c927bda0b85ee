// kube-scheduler's default behaviour for the plugins clients can observe: filters
// (NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit, in that order),
// a least-allocated score, binding, and the FitError message on pods that fit nowhere.
// Pods that fit nowhere wait until a node appears or changes, or room is freed.

import type { KubeObject, StoreEvent } from '../kube/store.js';
import type { ClusterDeps, Controller } from './controller.js';
import { refTo } from './events.js';
import { NodeCache, type NodeInfo, chargeOf } from './node-cache.js';
import { type Condition, type Loose, controllerRef, findCondition, isDeleting, isTerminal, keyOf, rewrite, setCondition, spec, status } from './objects.js';
import { type NodeMatcher, type Toleration, nodeMatcher, tolerates, untoleratedTaint } from './placement.js';
import { WorkQueue } from './queue.js';

type PodInfo = {
  readonly cpu: number;
  readonly memory: number;
  readonly scoreCpu: number;
  readonly scoreMemory: number;
  readonly tolerations: readonly Toleration[];
  readonly toleratesUnschedulable: boolean;
  readonly matcher: NodeMatcher;
};

type Failure = 'unschedulable' | 'taint' | 'affinity' | 'resources';

const SCHEDULER = { component: 'default-scheduler' };

const UNSCHEDULABLE_TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

function needsScheduling(pod: KubeObject): boolean {
  const s = spec(pod);
  return !s.nodeName && !isDeleting(pod) && !isTerminal(pod)
    && (s.schedulerName ?? 'default-scheduler') === 'default-scheduler'
    && controllerRef(pod)?.kind !== 'DaemonSet';
}

function podInfo(pod: KubeObject): PodInfo {
  const s = spec(pod);
  const tolerations = (s.tolerations ?? []) as Toleration[];
  const charge = chargeOf(pod, '');
  return {
    cpu: charge.cpu, memory: charge.memory, scoreCpu: charge.scoreCpu, scoreMemory: charge.scoreMemory,
    tolerations,
    toleratesUnschedulable: tolerations.some((t) => tolerates(t, UNSCHEDULABLE_TAINT)),
    matcher: nodeMatcher(s),
  };
}

function failure(pod: PodInfo, n: NodeInfo): Failure | undefined {
  if (n.unschedulable && !pod.toleratesUnschedulable) return 'unschedulable';
  if (n.taints.length > 0 && untoleratedTaint(n.taints, pod.tolerations)) return 'taint';
  if (pod.matcher && !pod.matcher(n.node!)) return 'affinity';
  const used = n.used;
  // Like NodeResourcesFit, a resource the pod does not request never stops it.
  if (used.pods + 1 > n.alloc.pods || (pod.cpu > 0 && used.cpu + pod.cpu > n.alloc.cpu) || (pod.memory > 0 && used.memory + pod.memory > n.alloc.memory)) {
    return 'resources';
  }
  return undefined;
}

function free(capacity: number, requested: number): number {
  return capacity <= 0 || requested > capacity ? 0 : ((capacity - requested) * 100) / capacity;
}

/** NodeResourcesLeastAllocated, cpu and memory weighted equally, 0..100. */
function score(pod: PodInfo, n: NodeInfo): number {
  return (free(n.alloc.cpu, n.used.scoreCpu + pod.scoreCpu) + free(n.alloc.memory, n.used.scoreMemory + pod.scoreMemory)) / 2;
}

function reasons(pod: PodInfo, n: NodeInfo, why: Failure): string[] {
  switch (why) {
    case 'unschedulable': return ['node(s) were unschedulable'];
    case 'affinity': return ["node(s) didn't match Pod's node affinity/selector"];
    case 'taint': {
      const taint = untoleratedTaint(n.taints, pod.tolerations)!;
      return [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`];
    }
    case 'resources': {
      const out: string[] = [];
      if (n.used.pods + 1 > n.alloc.pods) out.push('Too many pods');
      if (pod.cpu > 0 && n.used.cpu + pod.cpu > n.alloc.cpu) out.push('Insufficient cpu');
      if (pod.memory > 0 && n.used.memory + pod.memory > n.alloc.memory) out.push('Insufficient memory');
      return out;
    }
  }
}

/** The FitError text: a histogram of reasons, each "count reason", sorted as strings. */
function fitErrorMessage(pod: PodInfo, nodes: readonly NodeInfo[]): string {
  if (nodes.length === 0) return 'no nodes available to schedule pods';
  const histogram = new Map<string, number>();
  for (const n of nodes) {
    const why = failure(pod, n);
    if (why) for (const reason of reasons(pod, n, why)) histogram.set(reason, (histogram.get(reason) ?? 0) + 1);
  }
  const parts = [...histogram].map(([reason, count]) => `${count} ${reason}`).sort();
  return `0/${nodes.length} nodes are available: ${parts.join(', ')}.`;
}

export function createScheduler(deps: ClusterDeps): Controller {
  const { store, clock } = deps;
  const cache = new NodeCache();
  const active = new Map<string, number>(); // pod key → arrival order
  const waiting = new Map<string, { seq: number; generation: number | undefined }>();
  let seq = 0;
  const queue = new WorkQueue(clock, deps.timings.schedulerDelayMs, () => pass());

  const activate = (key: string, order = seq++) => {
    if (!active.has(key)) active.set(key, order);
    queue.add('pass');
  };

  const retryWaiting = () => {
    for (const [key, w] of waiting) activate(key, w.seq);
    waiting.clear();
  };

  function pass(): void {
    const batch = [...active].flatMap(([key, order]) => {
      const pod = store.getByKey('pods', key);
      return pod && needsScheduling(pod) ? [{ pod, order, priority: Number(spec(pod).priority ?? 0) }] : [];
    });
    active.clear();
    batch.sort((a, b) => b.priority - a.priority || a.order - b.order);
    for (const { pod, order } of batch) schedule(pod, order);
  }

  function schedule(pod: KubeObject, order: number): void {
    const info = podInfo(pod);
    let best: NodeInfo | undefined;
    let bestScore = -1;
    for (const n of cache.nodes()) {
      if (failure(info, n) !== undefined) continue;
      const s = score(info, n);
      if (s > bestScore) {
        best = n;
        bestScore = s;
      }
    }
    if (best) bind(pod, best.name);
    else unschedulable(pod, order, fitErrorMessage(info, cache.nodes()));
  }

  const scheduledStatus = (pod: KubeObject, condition: Condition): Loose =>
    ({ ...status(pod), conditions: setCondition((status(pod).conditions ?? []) as Condition[], condition, clock.now()) });

  function bind(pod: KubeObject, nodeName: string): void {
    rewrite(store, 'pods', pod, (p) => ({ ...p, spec: { ...spec(p), nodeName }, status: scheduledStatus(p, { type: 'PodScheduled', status: 'True', lastProbeTime: null }) }));
    deps.events.record(SCHEDULER, refTo(pod), 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`);
  }

  function unschedulable(pod: KubeObject, order: number, message: string): void {
    waiting.set(keyOf(pod), { seq: order, generation: pod.metadata.generation });
    // Each attempt is an Event; repeats count up on one.
    deps.events.record(SCHEDULER, refTo(pod), 'Warning', 'FailedScheduling', message);
    const current = findCondition(pod, 'PodScheduled');
    if (current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message) return;
    const condition: Condition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null };
    rewrite(store, 'pods', pod, (p) => ({ ...p, status: scheduledStatus(p, condition) }));
  }

  function onPod(event: StoreEvent): void {
    const freed = cache.onPod(event);
    const pod = event.object;
    const key = keyOf(pod);
    if (event.type === 'DELETED' || !needsScheduling(pod)) {
      active.delete(key);
      waiting.delete(key);
    } else {
      const w = waiting.get(key);
      // A waiting pod retries when its spec changed (new tolerations, a new selector), not on its own status writes.
      if (!w) activate(key);
      else if (w.generation !== pod.metadata.generation) {
        waiting.delete(key);
        activate(key, w.seq);
      }
    }
    if (freed) retryWaiting();
  }

  return {
    watches: ['pods', 'nodes'],
    queues: [queue],
    onEvent(event) {
      if (event.resource === 'pods') onPod(event);
      else if (cache.onNode(event)) retryWaiting();
    },
  };
}
