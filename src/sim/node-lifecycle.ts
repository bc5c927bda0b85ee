// Instances becoming Nodes and Nodes going away, as on EC2 with cloud-init and the
// cloud node lifecycle controller: a running instance's kubelet registers the Node
// (providerID aws:///<az>/<instance-id>, the group's labels and taints), it turns Ready a
// little later; a stopping instance's Node goes NotReady at once and its pods die with
// it; the Node object is removed after the instance is gone, unless someone deleted it.

import type { InstanceInfo, InstanceObserver } from './aws/types.js';
import type { SimDeps } from './deps.js';
import { isTerminal } from './kube/pdb.js';
import type { KubeObject, NewObject } from './kube/store.js';
import { isoSeconds } from '../clock.js';

type Loose = Record<string, any>;

export type NodeGroupSettings = {
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
  readonly allocatable: { readonly cpu: string; readonly memory: string; readonly pods: number };
};

export type NodeTimings = {
  /** From instance running to the Node object registered (cloud-init, kubelet start). */
  readonly joinDelayMs: number;
  /** From registered to Ready. */
  readonly readyDelayMs: number;
  /** From the instance stopping to the cloud controller removing a Node nobody deleted. */
  readonly nodeRemovalDelayMs: number;
};

export const DEFAULT_NODE_TIMINGS: NodeTimings = { joinDelayMs: 20_000, readyDelayMs: 10_000, nodeRemovalDelayMs: 40_000 };

export type NodeLifecycleDeps = SimDeps & {
  readonly region: string;
  readonly timings: NodeTimings;
  readonly settingsOf: (group: string) => NodeGroupSettings;
};

export class NodeLifecycle implements InstanceObserver {
  /** While seeding a scenario, instances join and turn Ready at once: the cluster was already running. */
  seeding = false;

  constructor(private readonly deps: NodeLifecycleDeps) {}

  instanceRunning(instance: InstanceInfo): void {
    const { clock, faults, timings } = this.deps;
    if (faults.behaves('instancesNeverJoin', instance.instanceId)) return;
    if (this.seeding) {
      this.#register(instance, true);
      return;
    }
    clock.after(timings.joinDelayMs, () => {
      this.#register(instance, false);
      clock.after(timings.readyDelayMs, () => this.#markReady(instance));
    });
  }

  instanceStopping(instance: InstanceInfo): void {
    const { store, clock, recorder, timings } = this.deps;
    const name = instance.privateDnsName;
    const node = store.get('nodes', undefined, name);
    const victims = store.byIndex('pods', 'byNode', name).filter((pod) => !isTerminal(pod) && !isDaemonSetPod(pod));
    for (const pod of victims) {
      recorder.record({ kind: 'pod-killed', at: clock.now(), pod: `${pod.metadata.namespace}/${pod.metadata.name}`, node: name, instanceId: instance.instanceId, cause: 'instance terminated while the pod ran on it' });
    }
    recorder.record({ kind: 'instance-terminated', at: clock.now(), instanceId: instance.instanceId, group: instance.group, podsOnNode: victims.length, cause: 'instance stopping' });
    if (node) {
      store.mutate('nodes', undefined, name, (n) => {
        const status = n.status as Loose;
        status.conditions = (status.conditions as Loose[]).map((c) =>
          c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: isoSeconds(clock.now()) } : c);
        const spec = n.spec as Loose;
        const taints = (spec.taints ?? []) as Loose[];
        for (const effect of ['NoSchedule', 'NoExecute']) {
          if (!taints.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === effect)) {
            taints.push({ key: 'node.kubernetes.io/unreachable', effect, timeAdded: isoSeconds(clock.now()) });
          }
        }
        spec.taints = taints;
      });
    }
    clock.after(timings.nodeRemovalDelayMs, () => {
      const current = store.get('nodes', undefined, name);
      // Only the Node of this instance: a new instance could reuse the name only with another providerID.
      if (current && (current.spec as Loose | undefined)?.providerID === providerId(instance)) store.delete('nodes', undefined, name);
    });
  }

  #register(instance: InstanceInfo, ready: boolean): void {
    const { store } = this.deps;
    if (store.get('nodes', undefined, instance.privateDnsName)) return;
    store.create('nodes', this.#nodeObject(instance, ready));
  }

  #markReady(instance: InstanceInfo): void {
    const { store, clock, faults } = this.deps;
    const name = instance.privateDnsName;
    const node = store.get('nodes', undefined, name);
    if (!node || faults.behaves('nodesNeverReady', instance.instanceId, name)) return;
    if ((node.spec as Loose | undefined)?.providerID !== providerId(instance)) return;
    store.mutate('nodes', undefined, name, (n) => {
      (n.status as Loose).conditions = readyConditions(true, clock.now());
      const spec = n.spec as Loose;
      spec.taints = ((spec.taints ?? []) as Loose[]).filter((t) => t.key !== 'node.kubernetes.io/not-ready');
      if (spec.taints.length === 0) delete spec.taints;
    });
  }

  #nodeObject(instance: InstanceInfo, ready: boolean): NewObject {
    const { region, clock, settingsOf } = this.deps;
    const settings = settingsOf(instance.group);
    const now = clock.now();
    const taints = [
      ...settings.taints.map((t) => ({ ...t })),
      ...(ready ? [] : [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]),
    ];
    const resources = { cpu: settings.allocatable.cpu, memory: settings.allocatable.memory, pods: String(settings.allocatable.pods), 'ephemeral-storage': '95Gi' };
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: instance.privateDnsName,
        labels: {
          'kubernetes.io/hostname': instance.privateDnsName,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/os': 'linux',
          'beta.kubernetes.io/arch': 'amd64',
          'node.kubernetes.io/instance-type': instance.instanceType,
          'topology.kubernetes.io/region': region,
          'topology.kubernetes.io/zone': instance.availabilityZone,
          ...settings.labels,
        },
      },
      spec: { providerID: providerId(instance), ...(taints.length ? { taints } : {}) },
      status: {
        capacity: resources,
        allocatable: resources,
        conditions: readyConditions(ready, now),
        addresses: [
          { type: 'InternalIP', address: instance.privateIpAddress },
          { type: 'InternalDNS', address: instance.privateDnsName },
          { type: 'Hostname', address: instance.privateDnsName },
        ],
        nodeInfo: {
          kubeletVersion: 'v1.32.0',
          kubeProxyVersion: 'v1.32.0',
          osImage: 'Debian GNU/Linux 12 (bookworm)',
          kernelVersion: '6.1.0-sim',
          containerRuntimeVersion: 'containerd://1.7.0',
          operatingSystem: 'linux',
          architecture: 'amd64',
          machineID: instance.instanceId,
          systemUUID: instance.instanceId,
          bootID: instance.instanceId,
        },
      },
    };
  }
}

export function providerId(instance: Pick<InstanceInfo, 'availabilityZone' | 'instanceId'>): string {
  return `aws:///${instance.availabilityZone}/${instance.instanceId}`;
}

function isDaemonSetPod(pod: KubeObject): boolean {
  return pod.metadata.ownerReferences?.some((o) => o.controller && o.kind === 'DaemonSet') ?? false;
}

function readyConditions(ready: boolean, now: number): Loose[] {
  const at = isoSeconds(now);
  const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: at, lastTransitionTime: at });
  return [
    condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    ready
      ? condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')
      : condition('Ready', 'False', 'KubeletNotReady', 'container runtime network not ready: NetworkReady=false'),
  ];
}
