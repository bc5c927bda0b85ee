// The LeaseStore port over coordination.k8s.io/v1 Leases: the leader election's
// compare-and-swap. A lost race (409 AlreadyExists on create, 409 Conflict or 404 on
// update) is a value; other failures go through the adapter's retries and become RemoteErrors.
//
// Lease times are metav1.MicroTime, which the API server parses with exactly six fractional
// digits: a JavaScript ISO time (three digits) is refused with 400, so they are written
// with three zeros more, and read back as the RFC 3339 text they are.

import type { LeaseRecord, LeaseStore } from '../ports/lease.js';
import type { KubeDeps } from './cluster.js';
import { resourcePath } from './transport.js';
import type { Lease } from './wire.js';

export type LeaseDeps = Pick<KubeDeps, 'api' | 'call'>;

const GROUP_VERSION = 'coordination.k8s.io/v1';

export function createLeaseStore(deps: LeaseDeps): LeaseStore {
  const path = (namespace: string, name?: string) => resourcePath(GROUP_VERSION, 'leases', { namespace, ...(name !== undefined ? { name } : {}) });
  return {
    async get(namespace, name) {
      const lease = await deps.call<Lease | 'gone'>(
        { operation: 'get leases', target: `${namespace}/${name}` },
        () => deps.api.request<Lease>('GET', path(namespace, name)),
        (failure) => (failure.status === 404 ? 'gone' : undefined),
      );
      return lease === 'gone' ? undefined : toRecord(lease, namespace, name);
    },

    async create(record) {
      const { namespace, name } = record;
      const lease = await deps.call<Lease | 'exists'>(
        { operation: 'create leases', target: `${namespace}/${name}` },
        () => deps.api.request<Lease>('POST', path(namespace), { body: toLease(record, false) }),
        (failure) => (failure.status === 409 && failure.reason === 'AlreadyExists' ? 'exists' : undefined),
      );
      return lease === 'exists' ? 'exists' : toRecord(lease, namespace, name);
    },

    async update(record) {
      const { namespace, name } = record;
      // Without a resourceVersion the PUT would overwrite whatever is there: another
      // candidate's fresh acquisition. That is a bug in the caller, never a request to send.
      if (!record.resourceVersion) throw new TypeError(`lease ${namespace}/${name}: an update needs the resourceVersion it was read at`);
      const lease = await deps.call<Lease | 'conflict'>(
        { operation: 'update leases', target: `${namespace}/${name}` },
        () => deps.api.request<Lease>('PUT', path(namespace, name), { body: toLease(record, true) }),
        // 404: deleted since it was read; like a 409, only a fresh read tells what to do.
        (failure) => ((failure.status === 409 && failure.reason !== 'AlreadyExists') || failure.status === 404 ? 'conflict' : undefined),
      );
      return lease === 'conflict' ? 'conflict' : toRecord(lease, namespace, name);
    },
  };
}

function toLease(record: LeaseRecord, withVersion: boolean): Lease {
  return {
    apiVersion: GROUP_VERSION,
    kind: 'Lease',
    metadata: { name: record.name, namespace: record.namespace, ...(withVersion ? { resourceVersion: record.resourceVersion } : {}) },
    spec: dropUndefined({
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      acquireTime: microTime(record.acquireTime),
      renewTime: microTime(record.renewTime),
      leaseTransitions: record.leaseTransitions,
    }),
  };
}

function toRecord(lease: Lease, namespace: string, name: string): LeaseRecord {
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

/** MicroTime: RFC 3339 with six fractional digits (2006-01-02T15:04:05.000000Z07:00). */
export function microTime(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString().replace(/Z$/, '000Z');
}

function epochMs(value: string | undefined | null, field: string, lease: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new TypeError(`lease ${lease}: spec.${field} ${JSON.stringify(value)} is not a time`);
  return ms;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
