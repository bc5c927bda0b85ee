// The etcd key layout shared by the deployer (which writes what should be served) and
// lb-sync (which serves it through haproxy and reports back). Values are JSON.
//
//   /scalerd/lb/backends/<backendId>            { servers: [{ name, address, port }], health: { path } }
//   /scalerd/lb/frontends/<hostname>            { backend: <backendId> }
//   /scalerd/lb/status/backends/<backendId>     { servers: { <name>: <ServerState> }, revision?, error?, at }
//   /scalerd/lb/status/frontends/<hostname>     { backend, revision, error?, at }
//   /scalerd/lb/status/config                   { ok, error?, at }
//
// backendId is `<namespace>.<app>.<version>`: DNS-label characters and dots, so the
// haproxy backend name `be_<backendId>` is safe as it is and cannot collide with
// `be_no_route` (an id has no underscore). docs/deployer-lb.md describes the same layout.

export const LB_PREFIX = '/scalerd/lb/';
export const BACKENDS_PREFIX = `${LB_PREFIX}backends/`;
export const FRONTENDS_PREFIX = `${LB_PREFIX}frontends/`;
export const STATUS_PREFIX = `${LB_PREFIX}status/`;
export const BACKEND_STATUS_PREFIX = `${STATUS_PREFIX}backends/`;
export const FRONTEND_STATUS_PREFIX = `${STATUS_PREFIX}frontends/`;
export const CONFIG_STATUS_KEY = `${STATUS_PREFIX}config`;

/** The haproxy backend every unknown host goes to: it answers 503. */
export const NO_ROUTE_BACKEND = 'be_no_route';

export const backendKey = (backendId: string): string => `${BACKENDS_PREFIX}${backendId}`;
export const frontendKey = (hostname: string): string => `${FRONTENDS_PREFIX}${hostname}`;
export const backendStatusKey = (backendId: string): string => `${BACKEND_STATUS_PREFIX}${backendId}`;
export const frontendStatusKey = (hostname: string): string => `${FRONTEND_STATUS_PREFIX}${hostname}`;

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

export type KeyKind =
  | { readonly kind: 'backend'; readonly id: string }
  | { readonly kind: 'frontend'; readonly host: string }
  | { readonly kind: 'status' }
  | { readonly kind: 'unknown' };

/** What a key under the prefix is. Status keys are lb-sync's own output. */
export function classifyKey(key: string): KeyKind {
  if (key.startsWith(BACKENDS_PREFIX)) return { kind: 'backend', id: key.slice(BACKENDS_PREFIX.length) };
  if (key.startsWith(FRONTENDS_PREFIX)) return { kind: 'frontend', host: key.slice(FRONTENDS_PREFIX.length) };
  if (key.startsWith(STATUS_PREFIX)) return { kind: 'status' };
  return { kind: 'unknown' };
}

const LABEL = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';
const DNS_NAME = new RegExp(`^${LABEL}(\\.${LABEL})*$`);

/** Lowercase DNS labels joined by dots, at most 253 characters (backend ids, hostnames, pod names). */
export function isDnsName(value: string): boolean {
  return value.length > 0 && value.length <= 253 && DNS_NAME.test(value);
}
