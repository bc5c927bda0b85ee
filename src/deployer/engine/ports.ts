// What the engine needs besides Kubernetes (src/ports/deployer.ts): the load balancer's
// state in etcd (the intents lb-sync applies to haproxy, and what lb-sync reports back),
// the deployment records, and a look through haproxy.

import type { DeploymentRecord, LogLine, TrafficCounters } from '../state/records.js';

/**
 * The proof that a deployment still holds its app's lock: writes that carry it succeed only
 * while the lock key has this create revision and lease (state/lock.ts); otherwise they fail
 * with LockLostError. Opaque to the engine, which passes it along.
 */
export type Fence = { readonly key: string; readonly createRevision: string; readonly lease: string };

/** lb-sync's last report of a baked backend's counters (lb/layout.ts, TrafficStatus). */
export type TrafficReport = TrafficCounters & {
  readonly down: readonly string[];
  /** lb-sync's clock: for people, not compared with ours. */
  readonly at: number;
  /** The report key's mod revision: a higher one is a later report (clock-free freshness). */
  readonly revision: number;
};

export type BackendServer = { readonly name: string; readonly address: string; readonly port: number };

export type Frontend = {
  /** The backend id the hostname points at now; undefined when it has none. */
  readonly backend: string | undefined;
  /** The key's modification revision (0: absent): what a switch compares against. */
  readonly revision: number;
};

export type Awaited = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface LoadBalancer {
  /** The id of a version's backend: `<namespace>.<app>.<version>`. */
  backendId(namespace: string, app: string, version: number): string;
  /** The version a backend id names, if it is this app's. */
  versionOf(namespace: string, app: string, backend: string | undefined): number | undefined;
  // Every method may fail with EtcdUnavailableError (etcd did not answer: try again later);
  // a write given a fence fails with LockLostError when the fence no longer holds.

  /** Registers (or replaces) a backend's servers; idempotent. */
  register(id: string, servers: readonly BackendServer[], healthPath: string, fence?: Fence): Promise<void>;
  /** Removes a backend and its bake; idempotent. */
  unregister(id: string, fence?: Fence): Promise<void>;
  frontend(host: string): Promise<Frontend>;
  /** Every backend id registered, of every app. */
  backends(): Promise<string[]>;
  /** Points `host` at `backend` (or removes it: undefined) if the key is still at `expected`; the new revision, or undefined when it moved. */
  switchFrontend(host: string, backend: string | undefined, expected: number, fence?: Fence): Promise<number | undefined>;
  /** Asks lb-sync to report the backend's traffic (true) or to stop (false); idempotent. */
  bake(id: string, on: boolean, fence?: Fence): Promise<void>;
  /** lb-sync's last traffic report for a baked backend, if any. */
  traffic(id: string): Promise<TrafficReport | undefined>;
  /** Until lb-sync reports every server registered for the backend UP, or the deadline (time etcd did not answer not counted). */
  serversUp(id: string, deadlineMs: number, signal: AbortSignal): Promise<Awaited>;
  /** Until lb-sync reports that haproxy serves the frontend at `revision` (or later), or the deadline. */
  frontendApplied(host: string, revision: number, deadlineMs: number, signal: AbortSignal): Promise<Awaited>;
}

export interface Records {
  save(record: DeploymentRecord): Promise<void>;
  log(record: Pick<DeploymentRecord, 'namespace' | 'app' | 'id'>, line: LogLine): Promise<void>;
}

/** The version that answered a request for `host` through the load balancer, or why none did. */
export type Look = (host: string, signal: AbortSignal) => Promise<{ readonly version: string } | { readonly error: string }>;
