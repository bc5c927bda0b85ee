// The control plane's leader Leases (kube-system/kube-controller-manager and
// kube-scheduler), renewed as their leader elections renew them: every retry period
// (2 s) with the defaults of both components (lease 15 s, renew deadline 10 s), so a
// client reading them sees a live control plane with its holder, acquireTime and a fresh
// renewTime. Deleted by someone, a Lease is taken again one retry period later: a new
// term, acquireTime then, leaseTransitions one more.

import { ApiError } from '../kube/api-error.js';
import { microTime } from '../kube/micro-time.js';
import type { StoreEvent } from '../kube/store.js';
import type { Timer } from '../sim-clock.js';
import type { ClusterDeps, Controller } from './controller.js';
import { rewrite } from './objects.js';

export const CONTROL_PLANE_LEASES = ['kube-controller-manager', 'kube-scheduler'] as const;
export const CONTROL_PLANE_RETRY_MS = 2_000;
const LEASE_DURATION_SECONDS = 15;
const NAMESPACE = 'kube-system';
const LEASES = 'leases.coordination.k8s.io';

type LeaseSpec = { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };

export const controlPlaneHolder = (component: string): string => `control-plane-1_${component}`;

/** The Lease as its component writes it on taking it: holder, duration, acquire and renew time now. */
export function controlPlaneLease(component: string, now: number, transitions = 0) {
  const time = microTime(now);
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: component, namespace: NAMESPACE },
    spec: { holderIdentity: controlPlaneHolder(component), leaseDurationSeconds: LEASE_DURATION_SECONDS, acquireTime: time, renewTime: time, leaseTransitions: transitions },
  };
}

export function createControlPlaneLeases(deps: ClusterDeps): Controller {
  const { store, clock } = deps;
  const timers = new Map<string, Timer>();
  const transitions = new Map<string, number>();

  function every(name: string, fn: () => void): void {
    clock.cancel(timers.get(name));
    timers.set(name, clock.after(CONTROL_PLANE_RETRY_MS, fn));
  }

  function renew(name: string): void {
    const lease = store.get(LEASES, NAMESPACE, name);
    if (!lease) return void timers.delete(name);
    try {
      rewrite(store, LEASES, lease, (l) => ({ ...l, spec: { ...(l.spec as LeaseSpec), renewTime: microTime(clock.now()) } }));
    } catch (error) {
      // Another writer got there first: the next round tries again.
      if (!(error instanceof ApiError)) throw error;
    }
    every(name, () => renew(name));
  }

  function retake(name: string): void {
    timers.delete(name);
    if (store.get(LEASES, NAMESPACE, name)) return;
    try {
      store.create(LEASES, controlPlaneLease(name, clock.now(), (transitions.get(name) ?? 0) + 1));
    } catch (error) {
      // kube-system is being deleted, or the Lease came back meanwhile: nothing to take.
      if (!(error instanceof ApiError)) throw error;
    }
  }

  function onLease(event: StoreEvent): void {
    const { name, namespace } = event.object.metadata;
    if (namespace !== NAMESPACE || !(CONTROL_PLANE_LEASES as readonly string[]).includes(name)) return;
    transitions.set(name, (event.object.spec as LeaseSpec | undefined)?.leaseTransitions ?? 0);
    if (event.type === 'DELETED') return every(name, () => retake(name));
    if (event.type === 'ADDED' && !timers.has(name)) every(name, () => renew(name));
  }

  return {
    watches: [LEASES],
    queues: [],
    onEvent: onLease,
    stop() {
      for (const timer of timers.values()) clock.cancel(timer);
      timers.clear();
    },
  };
}
