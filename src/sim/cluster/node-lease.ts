// The kubelet's node Lease (kube-node-lease/<node>): created when its Node registers, owned
// by the Node (so the garbage collector removes it with the Node), and renewed every
// 10 s (a quarter of leaseDurationSeconds 40, as the kubelet's nodelease controller
// does). A Node whose instance went away has no kubelet any more: its Lease is left to
// age. Each node renews at its own phase within the 10 s, as real kubelets started at
// different times do, so a large cluster's renewals are spread out, and a renewal only
// reaches watchers of Leases.

import { ApiError } from '../kube/api-error.js';
import { microTime } from '../kube/micro-time.js';
import type { KubeObject, StoreEvent } from '../kube/store.js';
import type { Timer } from '../sim-clock.js';
import type { ClusterDeps, Controller } from './controller.js';
import { findCondition, rewrite } from './objects.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const NODE_LEASE_DURATION_SECONDS = 40;
export const NODE_LEASE_RENEW_MS = (NODE_LEASE_DURATION_SECONDS * 1000) / 4;

const LEASES = 'leases.coordination.k8s.io';

/** Set by the node lifecycle when the instance stops: the kubelet stopped posting, for good. */
const kubeletGone = (node: KubeObject): boolean => findCondition(node, 'Ready')?.reason === 'NodeStatusUnknown';

/** A node's phase within the renewal period, from its name: stable from run to run. */
function phaseOf(name: string): number {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (Math.imul(hash, 31) + name.charCodeAt(i)) >>> 0;
  return hash % NODE_LEASE_RENEW_MS;
}

export function createNodeLeaseController(deps: ClusterDeps): Controller {
  const { store, clock } = deps;
  const timers = new Map<string, Timer>();

  const ownerOf = (node: KubeObject) => [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid }];
  const specOf = (node: KubeObject) => ({ holderIdentity: node.metadata.name, leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS, renewTime: microTime(clock.now()) });

  /** Creates the Lease, or renews it (owned by this Node, as the kubelet sets it). */
  function renew(node: KubeObject): void {
    const name = node.metadata.name;
    const lease = store.get(LEASES, NODE_LEASE_NAMESPACE, name);
    try {
      if (!lease) {
        store.create(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: NODE_LEASE_NAMESPACE, ownerReferences: ownerOf(node) }, spec: specOf(node) });
      } else {
        rewrite(store, LEASES, lease, (l) => ({ ...l, metadata: { ...l.metadata, ownerReferences: ownerOf(node) }, spec: { ...(l.spec as object), ...specOf(node) } }));
      }
    } catch (error) {
      // The namespace is being deleted, or another writer got there first: the next renewal tries again.
      if (!(error instanceof ApiError)) throw error;
    }
  }

  function schedule(name: string, delayMs: number): void {
    clock.cancel(timers.get(name));
    timers.set(name, clock.after(delayMs, () => {
      const node = store.get('nodes', undefined, name);
      if (!node || kubeletGone(node)) return void timers.delete(name);
      renew(node);
      schedule(name, NODE_LEASE_RENEW_MS);
    }));
  }

  function stop(name: string): void {
    clock.cancel(timers.get(name));
    timers.delete(name);
  }

  function onNode(event: StoreEvent): void {
    const node = event.object;
    const name = node.metadata.name;
    if (event.type === 'DELETED' || kubeletGone(node)) return stop(name);
    if (event.type !== 'ADDED' || timers.has(name)) return;
    // A kubelet creates its Lease as it registers its Node.
    renew(node);
    const since = clock.now() % NODE_LEASE_RENEW_MS;
    schedule(name, (phaseOf(name) - since + NODE_LEASE_RENEW_MS) % NODE_LEASE_RENEW_MS || NODE_LEASE_RENEW_MS);
  }

  return {
    watches: ['nodes'],
    queues: [],
    onEvent: onNode,
    stop() {
      for (const name of [...timers.keys()]) stop(name);
    },
  };
}
