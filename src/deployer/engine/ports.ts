// What the engine needs besides Kubernetes (src/ports/deployer.ts): the load balancer's
// state in etcd (the intents lb-sync applies to haproxy, and what lb-sync reports back),
// the deployment records, and a look through haproxy.

import type { DeploymentRecord, LogLine } from '../state/records.js';

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
  /** Registers (or replaces) a backend's servers; idempotent. */
  register(id: string, servers: readonly BackendServer[], healthPath: string): Promise<void>;
  unregister(id: string): Promise<void>;
  frontend(host: string): Promise<Frontend>;
  /** Points `host` at `backend` (or removes it: undefined) if the key is still at `expected`; the new revision, or undefined when it moved. */
  switchFrontend(host: string, backend: string | undefined, expected: number): Promise<number | undefined>;
  /** Until lb-sync reports every server registered for the backend UP, or the deadline. */
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
