// The pod status a kubelet reports: started (Running, Ready, addresses, container
// states), finished (Succeeded), and readiness following its node.

import { randomBytes } from 'node:crypto';
import { type KubeObject } from '../kube/store.js';
import { isoSeconds } from '../../clock.js';
import { type Condition, type Loose, setCondition, spec, status } from './objects.js';
import { internalIp } from './placement.js';

/** Pod IPs from 100.64.0.0/10 (shared address space), never reused while the simulator runs. */
export class PodIpAllocator {
  #next = 0;

  allocate(): string {
    for (;;) {
      const n = 0x64400000 + 1 + (this.#next++ % 0x3ffffe);
      if ((n & 0xff) !== 0 && (n & 0xff) !== 0xff) return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
    }
  }
}

/** Container ids look like containerd's (64 hex digits): a random prefix per simulator and a counter. */
const idPrefix = randomBytes(20).toString('hex');
let containers = 0;
export const newContainerId = (): string => `containerd://${idPrefix}${(++containers).toString(16).padStart(24, '0')}`;

export function withConditions(pod: KubeObject, updates: Condition[], now: number): Condition[] {
  let conditions = (status(pod).conditions ?? []) as Condition[];
  for (const c of updates) conditions = setCondition(conditions, c, now);
  return conditions;
}

/** Running and Ready on `node`: what the kubelet posts once every container started. */
export function startedStatus(pod: KubeObject, node: KubeObject | undefined, ip: string, now: number): Loose {
  const at = isoSeconds(now);
  const hostIP = internalIp(node);
  const s = spec(pod);
  const previous = status(pod);
  return {
    ...previous,
    phase: 'Running',
    conditions: withConditions(pod, ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null })), now),
    ...(hostIP ? { hostIP, hostIPs: [{ ip: hostIP }] } : {}),
    podIP: ip,
    podIPs: [{ ip }],
    startTime: previous.startTime ?? at,
    ...initContainerStatuses(s, at),
    containerStatuses: ((s.containers ?? []) as Loose[]).map((c) => runningContainerStatus(c, at)),
  };
}

/** Init containers that ran to completion at `at` (the simulator does not run them). */
export function initContainerStatuses(podSpec: Loose, at: string): Loose {
  if ((podSpec.initContainers ?? []).length === 0) return {};
  return {
    initContainerStatuses: (podSpec.initContainers as Loose[]).map((c) => ({
      name: c.name, image: c.image, imageID: '', containerID: newContainerId(), ready: true, restartCount: 0, started: false,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: at, finishedAt: at, containerID: '' } }, lastState: {},
    })),
  };
}

/** A simulated container: running and ready since `at`. */
export function runningContainerStatus(container: Loose, at: string): Loose {
  return {
    name: container.name, image: container.image, imageID: '', containerID: newContainerId(), ready: true, restartCount: 0, started: true,
    state: { running: { startedAt: at } }, lastState: {},
  };
}

/** Every container exited 0: the pod Succeeded (restartPolicy Never or OnFailure). */
export function succeededStatus(pod: KubeObject, now: number): Loose {
  const at = isoSeconds(now);
  const previous = status(pod);
  return {
    ...previous,
    phase: 'Succeeded',
    conditions: withConditions(pod, ['Ready', 'ContainersReady'].map((type) => ({ type, status: 'False', reason: 'PodCompleted', lastProbeTime: null })), now),
    containerStatuses: ((previous.containerStatuses ?? []) as Loose[]).map((c) => ({
      ...c, ready: false, started: false,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: c.state?.running?.startedAt ?? at, finishedAt: at, containerID: c.containerID } },
    })),
  };
}

/**
 * Ready follows the node: the node lifecycle controller marks pods on a node that stopped
 * being Ready not ready; the kubelet marks them ready again when it is back.
 */
export function readinessStatus(pod: KubeObject, ready: boolean, now: number): Loose {
  const value = ready ? 'True' : 'False';
  const updates: Condition[] = [{ type: 'Ready', status: value, lastProbeTime: null }];
  if (ready) updates.push({ type: 'ContainersReady', status: 'True', lastProbeTime: null });
  return { ...status(pod), conditions: withConditions(pod, updates, now) };
}
