// The simulated kubelet's container runtime for pods whose images are in the process
// table: each such pod gets a loopback IP of its own and its containers run as real local
// processes, probed, restarted and stopped as a kubelet would. Keyed by pod UID, so a pod
// recreated under the same name (a StatefulSet's) is a new pod with new processes.
//
// Clocks: processes, probes and back-off live in real time. The simulator's clock decides
// when a pod starts (the kubelet's start plan) and when its grace period ends (SIGKILL);
// the timestamps in the status are on it too. On a manual clock a process pod therefore
// starts, and is killed at its deadline, only as the test advances the clock, while its
// readiness and restarts follow the real process. See README.md in this folder.

import { ApiError } from '../kube/api-error.js';
import type { KubeObject } from '../kube/store.js';
import type { SimDeps } from '../deps.js';
import type { PodProcesses } from '../cluster/controller.js';
import { type Loose, changed, isNodeReady, keyOf, rewrite, spec } from '../cluster/objects.js';
import { type BackoffTimings, type ContainerPhase, DEFAULT_BACKOFF, ProcessContainer } from './container.js';
import { launchOf } from './env.js';
import { DEFAULT_LOG_LIMIT } from './log-buffer.js';
import { LoopbackIpAllocator } from './loopback-ips.js';
import { processPodStatus } from './pod-status.js';
import { DEFAULT_PROBE_TIMINGS, type ProbeTimings, readinessProbe } from './probe.js';
import { type ProcessTable, processFor } from './table.js';

export type ProcessRuntimeOptions = {
  readonly table: ProcessTable;
  readonly probes?: Partial<ProbeTimings>;
  readonly backoff?: Partial<BackoffTimings>;
};

/** One process container, as tests and tools see it. */
export type ProcessInfo = {
  readonly namespace: string;
  readonly pod: string;
  readonly uid: string;
  readonly container: string;
  readonly podIP: string;
  /** undefined while nothing runs (back-off, exited). */
  readonly pid: number | undefined;
  readonly phase: ContainerPhase;
  readonly ready: boolean;
  readonly restartCount: number;
};

type PodEntry = {
  readonly key: string;
  readonly uid: string;
  readonly ip: string;
  readonly containers: Map<string, { container: ProcessContainer; image: string }>;
  deleting: boolean;
};

/** How long stop() waits for killed processes to be reaped. */
const STOP_WAIT_MS = 5000;

export class ProcessRuntime implements PodProcesses {
  readonly #deps: SimDeps;
  readonly #table: ProcessTable;
  readonly #probes: ProbeTimings;
  readonly #backoff: BackoffTimings;
  readonly #ips: LoopbackIpAllocator;
  readonly #pods = new Map<string, PodEntry>();
  readonly #listeners = new Set<(key: string, uid: string, killed: boolean) => void>();
  /** Containers of pods forgotten while their process still ran: stop() waits for them too. */
  readonly #dying = new Set<ProcessContainer>();
  #stopped = false;

  constructor(deps: SimDeps, options: ProcessRuntimeOptions) {
    this.#deps = deps;
    this.#table = options.table;
    this.#probes = { ...DEFAULT_PROBE_TIMINGS, ...options.probes };
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#ips = new LoopbackIpAllocator();
  }

  runs(pod: KubeObject): boolean {
    return ((spec(pod).containers ?? []) as Loose[]).some((c) => processFor(this.#table, c.image) !== undefined);
  }

  start(pod: KubeObject): void {
    if (this.#stopped || this.#pods.has(pod.metadata.uid)) return;
    const entry: PodEntry = { key: keyOf(pod), uid: pod.metadata.uid, ip: this.#ips.allocate(), containers: new Map(), deleting: false };
    this.#pods.set(entry.uid, entry);
    const policy = (spec(pod).restartPolicy as string | undefined) ?? 'Always';
    for (const c of (spec(pod).containers ?? []) as Loose[]) {
      const image = processFor(this.#table, c.image);
      if (!image) continue;
      const container = new ProcessContainer(String(c.name), {
        spec: image,
        launch: () => launchOf(this.#deps.store, this.#current(entry) ?? pod, c, image),
        probe: readinessProbe(c, entry.ip, this.#probes),
        restarts: (exitCode) => policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0),
        backoff: this.#backoff,
        logLimit: DEFAULT_LOG_LIMIT,
        now: () => this.#deps.clock.now(),
        changed: () => this.#changed(entry),
      });
      entry.containers.set(container.name, { container, image: String(c.image) });
    }
    // IMPORTANT: the IP is in the stored status before any process starts: the downward
    // API (status.podIP) and HOST read it from there.
    this.#write(entry);
    for (const { container } of entry.containers.values()) container.start();
    this.#write(entry);
  }

  sync(pod: KubeObject): void {
    const entry = this.#pods.get(pod.metadata.uid);
    if (entry && !entry.deleting) this.#write(entry);
  }

  terminate(pod: KubeObject): boolean {
    const entry = this.#pods.get(pod.metadata.uid);
    if (!entry) return false;
    entry.deleting = true;
    let running = false;
    for (const { container } of entry.containers.values()) running = container.terminate() || running;
    return running;
  }

  kill(pod: KubeObject): void {
    const entry = this.#pods.get(pod.metadata.uid);
    for (const { container } of entry?.containers.values() ?? []) container.kill();
  }

  forget(uid: string): void {
    const entry = this.#pods.get(uid);
    if (!entry) return;
    this.#pods.delete(uid);
    entry.deleting = true;
    for (const { container } of entry.containers.values()) {
      container.kill();
      if (container.pid === undefined) continue;
      this.#dying.add(container);
      void container.exited.then(() => this.#dying.delete(container));
    }
  }

  onStopped(listener: (key: string, uid: string, killed: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every process container of every pod this runtime has started and not forgotten. */
  list(): ProcessInfo[] {
    return [...this.#pods.values()].flatMap((entry) => {
      const [namespace, pod] = entry.key.split('/') as [string, string];
      return [...entry.containers.values()].map(({ container }) => ({
        namespace, pod, uid: entry.uid, container: container.name, podIP: entry.ip,
        pid: container.pid, phase: container.phase, ready: container.ready, restartCount: container.restartCount,
      }));
    });
  }

  /** What a pod's container wrote (stdout and stderr), or its previous run's; undefined for no such container. */
  logs(namespace: string, pod: string, container?: string, previous = false): string | undefined {
    const entry = [...this.#pods.values()].find((e) => e.key === `${namespace}/${pod}`);
    const found = container === undefined ? entry?.containers.values().next().value : entry?.containers.get(container);
    return found?.container.logs(previous);
  }

  /** Kills every process and waits until they are reaped (the simulator is stopping). */
  async stop(): Promise<void> {
    this.#stopped = true;
    const containers = [...this.#pods.values()].flatMap((e) => [...e.containers.values()].map((c) => c.container)).concat([...this.#dying]);
    this.#pods.clear();
    for (const container of containers) container.kill();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(containers.map((c) => c.exited)),
      new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }

  /** The pod as stored now, if it is still this pod. */
  #current(entry: PodEntry): KubeObject | undefined {
    const [namespace, name] = entry.key.split('/') as [string, string];
    const pod = this.#deps.store.get('pods', namespace, name);
    return pod?.metadata.uid === entry.uid ? pod : undefined;
  }

  #changed(entry: PodEntry): void {
    if (this.#stopped) return;
    if (!entry.deleting) return this.#write(entry);
    const containers = [...entry.containers.values()].map((c) => c.container);
    if (containers.some((c) => c.phase === 'stopping' || c.phase === 'running')) return this.#write(entry);
    if (this.#pods.get(entry.uid) !== entry) return; // forgotten: the object is gone already
    const killed = containers.some((c) => c.killed);
    for (const listener of this.#listeners) listener(entry.key, entry.uid, killed);
  }

  #write(entry: PodEntry): void {
    const pod = this.#current(entry);
    if (!pod || this.#stopped) return;
    const nodeName = spec(pod).nodeName as string | undefined;
    const node = nodeName ? this.#deps.store.get('nodes', undefined, nodeName) : undefined;
    const statuses = new Map([...entry.containers].map(([name, { container, image }]) => [name, container.status(image)]));
    const next = processPodStatus(pod, node, entry.ip, statuses, isNodeReady(node), this.#deps.clock.now());
    if (!changed(pod.status, next)) return;
    try {
      rewrite(this.#deps.store, 'pods', pod, (p) => ({ ...p, status: next }));
    } catch (error) {
      if (!(error instanceof ApiError && (error.code === 404 || error.code === 409))) throw error;
    }
  }
}
