// The coordination.k8s.io/v1 Lease the daemon's leader election is held on, as plain data.
// Implemented over the API in src/kube/leases.ts; the elector (src/daemon/leader.ts)
// only knows this interface, so it runs against a fake as well as the API server.
//
// Semantics: every write is a compare-and-swap on resourceVersion, which is what makes two
// candidates that saw the same expired lease unable to both take it. The races a candidate
// loses are values ('exists', 'conflict'), not errors; any other failure, after the
// adapter's retries, throws a RemoteError (src/errors.ts).

export type LeaseRecord = {
  readonly namespace: string;
  readonly name: string;
  /** Who holds it; '' or absent: nobody (released), anyone may take it at once. */
  readonly holderIdentity?: string;
  /** Whole seconds a candidate waits, from when it saw the record last change, before taking it over. */
  readonly leaseDurationSeconds?: number;
  /** Epoch milliseconds (the API's MicroTime, to the millisecond). */
  readonly acquireTime?: number;
  readonly renewTime?: number;
  /** Changes of holder since the lease was created. */
  readonly leaseTransitions?: number;
  /** The version read; an update must carry it. Empty for a record not yet created. */
  readonly resourceVersion: string;
};

export interface LeaseStore {
  /** The lease, or undefined when there is none. */
  get(namespace: string, name: string): Promise<LeaseRecord | undefined>;
  /** Creates it (resourceVersion ignored); 'exists' when another candidate created it first. */
  create(record: LeaseRecord): Promise<LeaseRecord | 'exists'>;
  /**
   * Replaces it if it is still at `record.resourceVersion`; 'conflict' when someone wrote
   * in between (or deleted it): read again before deciding anything.
   */
  update(record: LeaseRecord): Promise<LeaseRecord | 'conflict'>;
}
