// One logical kubelet for every node: starts bound pods after their start-up time, ends
// deleted pods within their grace period, finishes run-to-completion pods, and keeps pod
// readiness in step with node readiness. Nothing happens on a node that is not Ready:
// its kubelet is down, so pods there neither start nor finish terminating.
//
// Pods that run real processes (deps.processes) start at once, unless their start-up
// annotation says otherwise, and are handed over: their status comes from their processes
// and probes; deleting one sends SIGTERM now and SIGKILL at the end of its grace period
// (on this clock), and the object goes once the processes have exited.

import type { KubeObject, StoreEvent } from '../kube/store.js';
import type { Timer } from '../sim-clock.js';
import { ANNOTATIONS, type ClusterDeps, type Controller } from './controller.js';
import { refTo } from './events.js';
import { findCondition, isDeleting, isNodeReady, isTerminal, keyOf, phaseOf, rewrite, spec } from './objects.js';
import { podsOnNode } from './indexes.js';
import { PodIpAllocator, readinessStatus, startedStatus, succeededStatus } from './pod-status.js';
import { WorkQueue, eachKey } from './queue.js';

/** `grace`: the grace period (s) a process pod's SIGKILL was timed from, to the millisecond. */
type Plan = { uid: string; kind: 'start' | 'exit' | 'finish'; at: number; timer: Timer | undefined; killed?: boolean; grace?: number };

const annotation = (pod: KubeObject, name: string) => pod.metadata.annotations?.[name];

function seconds(pod: KubeObject, name: string): number | undefined {
  const value = Number(annotation(pod, name));
  return annotation(pod, name) !== undefined && Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
}

/** aws:///us-east-1a/i-0abc → i-0abc */
export function instanceIdOf(node: KubeObject | undefined): string {
  const providerId = (node?.spec as { providerID?: string } | undefined)?.providerID ?? '';
  return providerId.split('/').pop() ?? '';
}

export function createKubelet(deps: ClusterDeps): Controller {
  const { store, clock, faults, recorder, timings, processes } = deps;
  const plans = new Map<string, Plan>();
  const nodeReady = new Map<string, boolean>();
  /** Pods marked not ready because their node was not (by uid): only those are marked ready again. */
  const heldDown = new Set<string>();
  const ips = new PodIpAllocator();
  const queue = new WorkQueue(clock, 0, eachKey(examine));
  const unsubscribeProcesses = processes?.onStopped(processesStopped);

  /** Events about each container of a pod, from its node's kubelet. */
  function containerEvents(pod: KubeObject, what: (c: { name: string; image?: string }) => [string, string][]): void {
    const host = spec(pod).nodeName as string;
    for (const c of (spec(pod).containers ?? []) as { name: string; image?: string }[]) {
      for (const [reason, message] of what(c)) deps.events.record({ component: 'kubelet', host }, refTo(pod, `spec.containers{${c.name}}`), 'Normal', reason, message);
    }
  }

  function cancel(key: string): void {
    clock.cancel(plans.get(key)?.timer);
    plans.delete(key);
  }

  /** Keeps one timer per pod: an unchanged plan keeps its timer. */
  function plan(key: string, pod: KubeObject, kind: Plan['kind'], at: number, armed: boolean, killed?: boolean, grace?: number): void {
    const current = plans.get(key);
    if (current && current.kind === kind && current.at === at && Boolean(current.timer) === armed) return;
    clock.cancel(current?.timer);
    const uid = pod.metadata.uid;
    const timer = armed ? clock.after(at - clock.now(), () => fire(key, uid)) : undefined;
    plans.set(key, { uid, kind, at, timer, ...(killed ? { killed } : {}), ...(grace !== undefined ? { grace } : {}) });
  }

  function examine(key: string): void {
    const pod = store.getByKey('pods', key);
    if (plans.has(key) && plans.get(key)!.uid !== pod?.metadata.uid) cancel(key);
    const nodeName = pod && (spec(pod).nodeName as string | undefined);
    const node = nodeName ? store.get('nodes', undefined, nodeName) : undefined;
    if (!pod || !node) return; // unbound, or on a node that is gone (pod GC's work)
    const ready = isNodeReady(node);
    if (isDeleting(pod)) return terminate(key, pod, ready);
    if (isTerminal(pod)) return cancel(key);
    const phase = phaseOf(pod);
    if (phase === 'Pending') {
      if (!ready) return cancel(key);
      const current = plans.get(key);
      const startup = seconds(pod, ANNOTATIONS.startupSeconds) ?? (processes?.runs(pod) ? 0 : timings.podStartupMs);
      const at = current?.kind === 'start' ? current.at : clock.now() + startup;
      return plan(key, pod, 'start', at, true);
    }
    if (phase !== 'Running') return;
    if (processes?.runs(pod)) return processes.sync(pod);
    const uid = pod.metadata.uid;
    const podReady = findCondition(pod, 'Ready')?.status === 'True';
    const setReady = (value: boolean) => rewrite(store, 'pods', pod, (p) => ({ ...p, status: readinessStatus(p, value, clock.now()) }));
    if (!ready && podReady) {
      heldDown.add(uid);
      setReady(false);
    } else if (ready && heldDown.delete(uid) && !podReady) {
      setReady(true);
    }
    const run = seconds(pod, ANNOTATIONS.runSeconds);
    if (run !== undefined && spec(pod).restartPolicy !== 'Always') {
      const started = Date.parse(String((pod.status as { startTime?: string }).startTime)) || clock.now();
      plan(key, pod, 'finish', started + run, ready);
    }
  }

  /** SIGTERM, then the pod object goes once its containers exit, or at its deadline (SIGKILL). */
  function terminate(key: string, pod: KubeObject, ready: boolean): void {
    if (faults.behaves('podsNeverTerminate', key)) return cancel(key);
    const deadline = Date.parse(pod.metadata.deletionTimestamp!);
    const current = plans.get(key);
    // Real processes get their grace period from the moment they are sent SIGTERM, to the
    // millisecond (deletionTimestamp has whole seconds); a later delete may shorten it.
    const grace = pod.metadata.deletionGracePeriodSeconds ?? 0;
    let at: number;
    let killed = false;
    let timedFrom: number | undefined;
    if (current?.kind === 'exit') {
      timedFrom = current.grace === undefined ? undefined : Math.min(current.grace, grace);
      const end = current.grace === undefined ? deadline : grace < current.grace ? clock.now() + grace * 1000 : current.at;
      at = Math.min(current.at, end);
      killed = Boolean(current.killed) || at < current.at;
    } else if (phaseOf(pod) === 'Pending' || isTerminal(pod)) {
      at = clock.now(); // no process to stop
    } else {
      // The termination starts: the kubelet (if it is up) stops each container.
      if (ready) containerEvents(pod, (c) => [['Killing', `Stopping container ${c.name}`]]);
      if (processes?.runs(pod)) {
        // SIGTERM now; processesStopped() removes the pod when they have exited, or SIGKILL at the end of the grace period.
        killed = processes.terminate(pod);
        at = killed ? clock.now() + grace * 1000 : clock.now();
        timedFrom = grace;
      } else {
        const ignores = annotation(pod, ANNOTATIONS.ignoreSigterm) === 'true';
        const exits = clock.now() + timings.podExitMs;
        at = ignores ? deadline : Math.min(exits, deadline);
        killed = ignores || exits > deadline;
      }
    }
    plan(key, pod, 'exit', at, ready, killed, timedFrom);
  }

  function fire(key: string, uid: string): void {
    const entry = plans.get(key);
    const pod = store.getByKey('pods', key);
    if (!entry || !pod || pod.metadata.uid !== uid) return cancel(key);
    entry.timer = undefined;
    const nodeName = spec(pod).nodeName as string | undefined;
    const node = nodeName ? store.get('nodes', undefined, nodeName) : undefined;
    if (entry.kind === 'exit') {
      if (faults.behaves('podsNeverTerminate', key) || !isNodeReady(node)) return; // stays Terminating
      plans.delete(key);
      // Real processes still running at the deadline: SIGKILL; the pod goes when they are gone.
      if (entry.killed && processes?.runs(pod)) return processes.kill(pod);
      return remove(pod, node, Boolean(entry.killed));
    }
    plans.delete(key);
    if (!isNodeReady(node) || isDeleting(pod)) return queue.add(key);
    if (entry.kind === 'start' && phaseOf(pod) === 'Pending') {
      containerEvents(pod, (c) => [
        ['Pulled', `Container image "${c.image}" already present on machine`],
        ['Created', `Created container ${c.name}`],
        ['Started', `Started container ${c.name}`],
      ]);
      if (processes?.runs(pod)) return processes.start(pod);
      rewrite(store, 'pods', pod, (p) => ({ ...p, status: startedStatus(p, node, ips.allocate(), clock.now()) }));
    } else if (entry.kind === 'finish' && phaseOf(pod) === 'Running') {
      rewrite(store, 'pods', pod, (p) => ({ ...p, status: succeededStatus(p, clock.now()) }));
    }
  }

  /** The end of a pod's termination: the object goes. */
  function remove(pod: KubeObject, node: KubeObject | undefined, killed: boolean): void {
    // A SIGKILL at the end of the pod's own grace period is how Kubernetes ends a pod that
    // ignores SIGTERM: it was given all the time it asked for. Only a deleter that cut
    // the grace period short killed it ungracefully.
    const given = pod.metadata.deletionGracePeriodSeconds ?? 0;
    const asked = (spec(pod).terminationGracePeriodSeconds as number | undefined) ?? 30;
    if (killed && given < asked) {
      recorder.record({ kind: 'pod-killed', at: clock.now(), pod: keyOf(pod), node: node?.metadata.name ?? '', instanceId: instanceIdOf(node), cause: `grace period cut short (${given} s of ${asked} s): SIGKILL` });
    }
    store.delete('pods', pod.metadata.namespace, pod.metadata.name);
  }

  /** A terminating pod's processes have all exited (in real time): the object goes now. */
  function processesStopped(key: string, uid: string, killed: boolean): void {
    const pod = store.getByKey('pods', key);
    if (!pod || pod.metadata.uid !== uid || !isDeleting(pod)) return;
    cancel(key);
    const nodeName = spec(pod).nodeName as string | undefined;
    remove(pod, nodeName ? store.get('nodes', undefined, nodeName) : undefined, killed);
  }

  function onNode(event: StoreEvent): void {
    const name = event.object.metadata.name;
    if (event.type === 'DELETED') {
      nodeReady.delete(name);
      return;
    }
    const ready = isNodeReady(event.object);
    if (nodeReady.get(name) === ready) return;
    nodeReady.set(name, ready);
    for (const pod of podsOnNode(store, name)) queue.add(keyOf(pod));
  }

  return {
    watches: ['pods', 'nodes'],
    queues: [queue],
    onEvent(event) {
      if (event.resource === 'nodes') return onNode(event);
      const key = keyOf(event.object);
      if (event.type !== 'DELETED') return queue.add(key);
      cancel(key);
      heldDown.delete(event.object.metadata.uid);
      processes?.forget(event.object.metadata.uid);
    },
    settle() {
      const starting = [...plans].filter(([, p]) => p.kind === 'start' && p.timer);
      for (const [key, p] of starting) {
        clock.cancel(p.timer);
        fire(key, p.uid);
      }
      return starting.length > 0;
    },
    stop() {
      unsubscribeProcesses?.();
      for (const key of [...plans.keys()]) cancel(key);
    },
  };
}
