// The etcd key layout shared by the deployer (which writes what should be served) and
// lb-sync (which serves it through haproxy and reports back). Values are JSON.
//
//   /scalerd/lb/backends/<backendId>            { servers: [{ name, address, port }], health: { path } }
//   /scalerd/lb/frontends/<hostname>            { backend: <backendId> }
//   /scalerd/lb/bakes/<backendId>               { since }: report this backend's traffic (a bake)
//   /scalerd/lb/status/backends/<backendId>     { servers: { <name>: <ServerState> }, revision?, error?, at }
//   /scalerd/lb/status/frontends/<hostname>     { backend, revision, error?, at }
//   /scalerd/lb/status/config                   { ok, error?, at }
//   /scalerd/lb/status/traffic/<backendId>      { worker, responses, http5xx, …, down, at } while baked
//
// backendId is `<namespace>.<app>.<version>`: DNS-label characters and dots, so the
// haproxy backend name `be_<backendId>` is safe as it is and cannot collide with
// `be_no_route` (an id has no underscore). docs/deployer-lb.md describes the same layout.

export const LB_PREFIX = '/scalerd/lb/';
export const BACKENDS_PREFIX = `${LB_PREFIX}backends/`;
export const FRONTENDS_PREFIX = `${LB_PREFIX}frontends/`;
export const BAKES_PREFIX = `${LB_PREFIX}bakes/`;
export const STATUS_PREFIX = `${LB_PREFIX}status/`;
export const BACKEND_STATUS_PREFIX = `${STATUS_PREFIX}backends/`;
export const FRONTEND_STATUS_PREFIX = `${STATUS_PREFIX}frontends/`;
export const CONFIG_STATUS_KEY = `${STATUS_PREFIX}config`;
export const TRAFFIC_STATUS_PREFIX = `${STATUS_PREFIX}traffic/`;

/** The haproxy backend every unknown host goes to: it answers 503. */
export const NO_ROUTE_BACKEND = 'be_no_route';

export const backendKey = (backendId: string): string => `${BACKENDS_PREFIX}${backendId}`;
export const frontendKey = (hostname: string): string => `${FRONTENDS_PREFIX}${hostname}`;
export const backendStatusKey = (backendId: string): string => `${BACKEND_STATUS_PREFIX}${backendId}`;
export const frontendStatusKey = (hostname: string): string => `${FRONTEND_STATUS_PREFIX}${hostname}`;
export const bakeKey = (backendId: string): string => `${BAKES_PREFIX}${backendId}`;
export const trafficStatusKey = (backendId: string): string => `${TRAFFIC_STATUS_PREFIX}${backendId}`;

/** `<namespace>.<app>.<version>` → the haproxy backend name. Deterministic, injective, safe in haproxy.cfg. */
export const haproxyBackendName = (backendId: string): string => `be_${backendId}`;

/** A server's state as haproxy reports it; INIT until its first check has completed. */
export type ServerState = 'UP' | 'DOWN' | 'MAINT' | 'DRAIN' | 'NOLB' | 'NOCHECK' | 'INIT';

export type BackendStatus = {
  readonly servers: Readonly<Record<string, ServerState>>;
  /** The mod revision of the backend key whose exact content haproxy runs; absent while it does not. */
  readonly revision?: number;
  readonly error?: string;
  readonly at: number;
};

export type FrontendStatus = {
  readonly backend: string;
  /** The mod revision of the frontend key that haproxy serves. */
  readonly revision: number;
  /** Set when the backend is not loaded in haproxy: the host answers 503. */
  readonly error?: string;
  readonly at: number;
};

export type ConfigStatus = { readonly ok: boolean; readonly error?: string; readonly at: number };

/**
 * A baked backend's counters from haproxy's `show stat`, cumulative since `worker` (the
 * haproxy worker's pid) started: a reload starts them from 0 again. Written at every health
 * poll while the backend's bake key exists, so `at` also says lb-sync is alive.
 */
export type TrafficStatus = {
  readonly worker: number;
  /** HTTP responses the backend sent (hrsp_1xx … hrsp_other). */
  readonly responses: number;
  /** hrsp_5xx: the app's 5xx and haproxy's own (503 when no server could take the request). */
  readonly http5xx: number;
  /** econ: connections to its servers that failed (refused, timed out), retried ones included. */
  readonly connectionErrors: number;
  /** eresp: responses that broke off (a server that closed or died mid-answer). */
  readonly responseErrors: number;
  /** Sum of chkdown over its servers: UP → DOWN transitions. */
  readonly serverDowns: number;
  /** Its servers that are DOWN now. */
  readonly down: readonly string[];
  readonly at: number;
};

export type KeyKind =
  | { readonly kind: 'backend'; readonly id: string }
  | { readonly kind: 'frontend'; readonly host: string }
  | { readonly kind: 'bake'; readonly id: string }
  | { readonly kind: 'status' }
  | { readonly kind: 'unknown' };

/** What a key under the prefix is. Status keys are lb-sync's own output. */
export function classifyKey(key: string): KeyKind {
  if (key.startsWith(BACKENDS_PREFIX)) return { kind: 'backend', id: key.slice(BACKENDS_PREFIX.length) };
  if (key.startsWith(FRONTENDS_PREFIX)) return { kind: 'frontend', host: key.slice(FRONTENDS_PREFIX.length) };
  if (key.startsWith(BAKES_PREFIX)) return { kind: 'bake', id: key.slice(BAKES_PREFIX.length) };
  if (key.startsWith(STATUS_PREFIX)) return { kind: 'status' };
  return { kind: 'unknown' };
}

const LABEL = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';
const DNS_NAME = new RegExp(`^${LABEL}(\\.${LABEL})*$`);

/** Lowercase DNS labels joined by dots, at most 253 characters (backend ids, hostnames, pod names). */
export function isDnsName(value: string): boolean {
  return value.length > 0 && value.length <= 253 && DNS_NAME.test(value);
}
