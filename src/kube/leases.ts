// The LeaseStore port over client-node's CoordinationV1Api: the leader election's
// compare-and-swap. A lost race (409 AlreadyExists on create, 409 Conflict or 404 on
// update) is a value; other failures go through the adapter's retries and become RemoteErrors.
//
// Lease times are metav1.MicroTime, which the API server parses with exactly six fractional
// digits: they are sent as client-node's V1MicroTime (a plain Date, three digits, is refused
// with 400), and come back as strings at run time, whatever client-node's types say.

import { V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import type { LeaseRecord, LeaseStore } from '../ports/lease.js';
import type { KubeDeps } from './cluster.js';

export type LeaseDeps = Pick<KubeDeps, 'clients' | 'call'>;

export function createLeaseStore(deps: LeaseDeps): LeaseStore {
  const api = deps.clients.coordination;
  return {
    async get(namespace, name) {
      const lease = await deps.call<V1Lease | 'gone'>(
        { operation: 'get leases', target: `${namespace}/${name}` },
        () => api.readNamespacedLease({ namespace, name }),
        (failure) => (failure.status === 404 ? 'gone' : undefined),
      );
      return lease === 'gone' ? undefined : toRecord(lease, namespace, name);
    },

    async create(record) {
      const { namespace, name } = record;
      const lease = await deps.call<V1Lease | 'exists'>(
        { operation: 'create leases', target: `${namespace}/${name}` },
        () => api.createNamespacedLease({ namespace, body: toLease(record, false) }),
        (failure) => (failure.status === 409 && failure.reason === 'AlreadyExists' ? 'exists' : undefined),
      );
      return lease === 'exists' ? 'exists' : toRecord(lease, namespace, name);
    },

    async update(record) {
      const { namespace, name } = record;
      // Without a resourceVersion the PUT would overwrite whatever is there: another
      // candidate's fresh acquisition. That is a bug in the caller, never a request to send.
      if (!record.resourceVersion) throw new TypeError(`lease ${namespace}/${name}: an update needs the resourceVersion it was read at`);
      const lease = await deps.call<V1Lease | 'conflict'>(
        { operation: 'update leases', target: `${namespace}/${name}` },
        () => api.replaceNamespacedLease({ namespace, name, body: toLease(record, true) }),
        // 404: deleted since it was read; like a 409, only a fresh read tells what to do.
        (failure) => ((failure.status === 409 && failure.reason !== 'AlreadyExists') || failure.status === 404 ? 'conflict' : undefined),
      );
      return lease === 'conflict' ? 'conflict' : toRecord(lease, namespace, name);
    },
  };
}

function toLease(record: LeaseRecord, withVersion: boolean): V1Lease {
  const micro = (ms: number | undefined) => (ms === undefined ? undefined : new V1MicroTime(ms));
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: record.name, namespace: record.namespace, ...(withVersion ? { resourceVersion: record.resourceVersion } : {}) },
    spec: dropUndefined({
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      acquireTime: micro(record.acquireTime),
      renewTime: micro(record.renewTime),
      leaseTransitions: record.leaseTransitions,
    }),
  };
}

function toRecord(lease: V1Lease, namespace: string, name: string): LeaseRecord {
  const spec = lease.spec ?? {};
  return dropUndefined({
    namespace: lease.metadata?.namespace ?? namespace,
    name: lease.metadata?.name ?? name,
    holderIdentity: spec.holderIdentity,
    leaseDurationSeconds: spec.leaseDurationSeconds,
    acquireTime: epochMs(spec.acquireTime, 'acquireTime', name),
    renewTime: epochMs(spec.renewTime, 'renewTime', name),
    leaseTransitions: spec.leaseTransitions,
    resourceVersion: lease.metadata?.resourceVersion ?? '',
  });
}

/** A MicroTime as client-node hands it back: a string at run time (typed Date). */
function epochMs(value: Date | string | undefined | null, field: string, lease: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new TypeError(`lease ${lease}: spec.${field} ${JSON.stringify(value)} is not a time`);
  return ms;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
