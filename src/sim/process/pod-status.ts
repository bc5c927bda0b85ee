// The status of a pod whose containers run as real processes: Running with its loopback
// IP once its processes are started, Ready only when every container is (its readiness
// probe passed) and its node is Ready, Succeeded or Failed when its processes are done
// and the restart policy keeps them down.

import type { KubeObject } from '../kube/store.js';
import { isoSeconds } from '../../clock.js';
import { type Condition, type Loose, spec, status } from '../cluster/objects.js';
import { initContainerStatuses, runningContainerStatus, withConditions } from '../cluster/pod-status.js';
import { internalIp } from '../cluster/placement.js';

/** `containers` holds the process containers' statuses by name; the others are simulated, running since `startedAt`. */
export function processPodStatus(pod: KubeObject, node: KubeObject | undefined, ip: string, containers: ReadonlyMap<string, Loose>, nodeReady: boolean, now: number): Loose {
  const previous = status(pod);
  const at = previous.startTime ?? isoSeconds(now);
  const s = spec(pod);
  const statuses = ((s.containers ?? []) as Loose[]).map((c) => containers.get(c.name) ?? previousStatus(previous, c.name) ?? runningContainerStatus(c, at));
  const unready = statuses.filter((c) => !c.ready).map((c) => c.name as string);
  const done = statuses.every((c) => c.state?.terminated);
  const creating = statuses.some((c) => c.state?.waiting?.reason === 'ContainerCreating');
  const phase = creating ? 'Pending' : !done ? 'Running' : statuses.every((c) => c.state.terminated.exitCode === 0) ? 'Succeeded' : 'Failed';
  const containersReady: Condition = unready.length === 0
    ? { type: 'ContainersReady', status: 'True', lastProbeTime: null }
    : { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]`, lastProbeTime: null };
  const ready: Condition = unready.length === 0 && nodeReady
    ? { type: 'Ready', status: 'True', lastProbeTime: null }
    : { ...containersReady, type: 'Ready', ...(unready.length === 0 ? { status: 'False', reason: 'NodeNotReady', message: 'the node is not Ready' } : {}) };
  const hostIP = internalIp(node);
  return {
    ...previous,
    phase,
    conditions: withConditions(pod, [
      { type: 'PodScheduled', status: 'True', lastProbeTime: null },
      { type: 'Initialized', status: 'True', lastProbeTime: null },
      containersReady,
      ready,
    ], now),
    ...(hostIP ? { hostIP, hostIPs: [{ ip: hostIP }] } : {}),
    podIP: ip,
    podIPs: [{ ip }],
    startTime: at,
    ...(previous.initContainerStatuses ? {} : initContainerStatuses(s, at)),
    containerStatuses: statuses,
  };
}

/** A simulated container keeps the status it was given at start (its containerID stays). */
function previousStatus(previous: Loose, name: string): Loose | undefined {
  return ((previous.containerStatuses ?? []) as Loose[]).find((c) => c.name === name);
}
