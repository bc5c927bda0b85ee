// What lb-sync reports back under /scalerd/lb/status/ for the deployer, which cannot reach
// haproxy's sockets: each backend's server states, each frontend's served backend and
// the last config outcome. Pure: the statuses are computed from what haproxy runs, then
// compared with what is stored, so only changes are written (`at` aside).

import type { Desired } from './desired.js';
import {
  backendStatusKey, CONFIG_STATUS_KEY, frontendStatusKey,
  haproxyBackendName, type BackendStatus, type ConfigStatus, type FrontendStatus, type ServerState,
} from './layout.js';
import { backendSection } from './render.js';
import type { LiveServers } from './runtime-api.js';
import { canonicalJson } from '../../json/canonical.js';

type Unstamped<T> = Omit<T, 'at'>;
export type StatusValue = Unstamped<BackendStatus> | Unstamped<FrontendStatus> | Unstamped<ConfigStatus>;
export type StatusValues = ReadonlyMap<string, StatusValue>;

export type StatusWrite =
  | { readonly op: 'put'; readonly key: string; readonly value: string }
  | { readonly op: 'delete'; readonly key: string };

/**
 * Every backend's status: the states haproxy has for its servers; `revision` when haproxy
 * runs exactly the current entry (its section is in the running config), else `error`.
 */
export function backendStatuses(desired: Desired, live: LiveServers, runningConfig: string, notLoadedReason: string | undefined): Map<string, Unstamped<BackendStatus>> {
  const statuses = new Map<string, Unstamped<BackendStatus>>();
  for (const backend of desired.backends.values()) {
    const servers: Record<string, ServerState> = {};
    for (const [name, server] of live.get(haproxyBackendName(backend.id)) ?? []) servers[name] = server.state;
    const loaded = runningConfig.includes(`\n${backendSection(backend)}`);
    statuses.set(backendStatusKey(backend.id), loaded
      ? { servers, revision: backend.modRevision }
      : { servers, error: `revision ${backend.modRevision} is not loaded in haproxy: ${notLoadedReason ?? 'a reload is pending'}` });
  }
  for (const [id, reason] of desired.invalidBackends) statuses.set(backendStatusKey(id), { servers: {}, error: `invalid entry, not loaded: ${reason}` });
  return statuses;
}

/** True when every server of every backend is UP: health can then be polled less often. */
export function allUp(statuses: Iterable<Unstamped<BackendStatus>>): boolean {
  for (const status of statuses) {
    if (status.error !== undefined) return false;
    if (Object.values(status.servers).some((state) => state !== 'UP')) return false;
  }
  return true;
}

/**
 * Frontends haproxy serves as etcd says (`live` is the worker's map after the changes):
 * acknowledged with the key's revision. A host sent to be_no_route because its backend is
 * not loaded is acknowledged with the error.
 */
export function frontendStatuses(desired: Desired, live: ReadonlyMap<string, string>, loaded: ReadonlySet<string>): Map<string, Unstamped<FrontendStatus>> {
  const statuses = new Map<string, Unstamped<FrontendStatus>>();
  for (const frontend of desired.frontends.values()) {
    const name = haproxyBackendName(frontend.backend);
    const served = live.get(frontend.host);
    if (served === name) statuses.set(frontendStatusKey(frontend.host), { backend: frontend.backend, revision: frontend.modRevision });
    else if (!loaded.has(name)) {
      statuses.set(frontendStatusKey(frontend.host), {
        backend: frontend.backend, revision: frontend.modRevision,
        error: `backend ${frontend.backend} is not loaded in haproxy: the host answers 503`,
      });
    }
  }
  return statuses;
}

export function configStatus(error: string | undefined): Map<string, Unstamped<ConfigStatus>> {
  return new Map([[CONFIG_STATUS_KEY, error === undefined ? { ok: true } : { ok: false, error }]]);
}

/** A status without its `at` stamp, keys sorted: two statuses are the same when these are equal. */
export function canonical(value: unknown): string {
  return canonicalJson(typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value, at: undefined } : value);
}

const parsed = (text: string | undefined): unknown => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * The puts that make the stored statuses equal to `computed`, stamped `at`; and, when
 * `owned` prefixes are given, deletes of stored statuses under them that are no longer
 * computed (a backend or frontend removed).
 */
export function statusWrites(stored: ReadonlyMap<string, string>, computed: StatusValues, at: number, owned: readonly string[] = []): StatusWrite[] {
  const writes: StatusWrite[] = [];
  for (const [key, value] of computed) {
    if (canonical(parsed(stored.get(key))) !== canonical(value)) writes.push({ op: 'put', key, value: JSON.stringify({ ...value, at }) });
  }
  for (const key of stored.keys()) {
    if (!computed.has(key) && owned.some((prefix) => key.startsWith(prefix))) writes.push({ op: 'delete', key });
  }
  return writes;
}
