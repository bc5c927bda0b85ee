// What etcd asks lb-sync to serve, read from one consistent snapshot of the prefix. Pure:
// every entry is checked strictly here, because its fields end up in haproxy.cfg; an
// invalid entry is left out with a reason (reported in its status key) and never breaks
// the other backends. `haproxy -c` stays the last line of defence, not the first.

import { isIP } from 'node:net';
import { healthPathProblem } from './health-path.js';
import { classifyKey, isDnsName } from './layout.js';

export type Entry = { readonly key: string; readonly value: string; readonly modRevision: number };
export type Snapshot = { readonly revision: number; readonly entries: readonly Entry[] };

export type Server = { readonly name: string; readonly address: string; readonly port: number };
export type Backend = {
  readonly id: string;
  readonly servers: readonly Server[];
  readonly healthPath: string;
  readonly modRevision: number;
};
export type Frontend = { readonly host: string; readonly backend: string; readonly modRevision: number };
export type Problem = { readonly key: string; readonly reason: string };

export type Desired = {
  readonly revision: number;
  /** Valid backends by id. */
  readonly backends: ReadonlyMap<string, Backend>;
  /** Backends whose entry is invalid, by id, with the reason. */
  readonly invalidBackends: ReadonlyMap<string, string>;
  readonly frontends: ReadonlyMap<string, Frontend>;
  /** Backends whose traffic the deployer asked for (a bake is under way). */
  readonly bakes: ReadonlySet<string>;
  readonly problems: readonly Problem[];
  /** Status values as stored (raw JSON text by key), so only changes are written. */
  readonly status: ReadonlyMap<string, string>;
};

export const DEFAULT_HEALTH_PATH = '/health';

export function desiredFrom(snapshot: Snapshot): Desired {
  const backends = new Map<string, Backend>();
  const invalidBackends = new Map<string, string>();
  const frontends = new Map<string, Frontend>();
  const bakes = new Set<string>();
  const problems: Problem[] = [];
  const status = new Map<string, string>();
  for (const entry of snapshot.entries) {
    const kind = classifyKey(entry.key);
    if (kind.kind === 'status') {
      status.set(entry.key, entry.value);
    } else if (kind.kind === 'backend') {
      const result = parseBackend(kind.id, entry);
      if (typeof result === 'string') {
        problems.push({ key: entry.key, reason: result });
        if (isDnsName(kind.id)) invalidBackends.set(kind.id, result);
      } else backends.set(kind.id, result);
    } else if (kind.kind === 'frontend') {
      const result = parseFrontend(kind.host, entry);
      if (typeof result === 'string') problems.push({ key: entry.key, reason: result });
      else frontends.set(kind.host, result);
    } else if (kind.kind === 'bake') {
      if (isDnsName(kind.id)) bakes.add(kind.id);
      else problems.push({ key: entry.key, reason: `backend id "${kind.id}" is not lowercase DNS labels joined by dots` });
    } else {
      problems.push({ key: entry.key, reason: 'not a key of the lb layout (backends/, frontends/, bakes/, status/)' });
    }
  }
  return { revision: snapshot.revision, backends, invalidBackends, frontends, bakes, problems, status };
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A Backend, or why the entry is invalid. */
export function parseBackend(id: string, entry: Entry): Backend | string {
  if (!isDnsName(id)) return `backend id "${id}" is not lowercase DNS labels joined by dots (<namespace>.<app>.<version>)`;
  const value = parseJson(entry.value);
  if (!isObject(value)) return 'the value is not a JSON object';
  if (!Array.isArray(value.servers)) return '"servers" must be an array';
  const servers: Server[] = [];
  const names = new Set<string>();
  for (const [i, raw] of value.servers.entries()) {
    if (!isObject(raw)) return `servers[${i}] is not an object`;
    const { name, address, port } = raw;
    if (typeof name !== 'string' || !isDnsName(name)) return `servers[${i}].name must be a pod name (lowercase DNS labels)`;
    if (names.has(name)) return `servers[${i}].name "${name}" is used twice`;
    if (typeof address !== 'string' || isIP(address) === 0 || address.includes('%')) return `servers[${i}].address must be an IPv4 or IPv6 address`;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) return `servers[${i}].port must be a whole number from 1 to 65535`;
    names.add(name);
    servers.push({ name, address, port });
  }
  let healthPath = DEFAULT_HEALTH_PATH;
  if (value.health !== undefined) {
    if (!isObject(value.health)) return '"health" must be an object';
    const path = value.health.path;
    if (path !== undefined) {
      if (typeof path !== 'string') return '"health.path" must be a string';
      const problem = healthPathProblem(path);
      if (problem !== undefined) return `"health.path" ${problem}`;
      healthPath = path;
    }
  }
  return { id, servers, healthPath, modRevision: entry.modRevision };
}

/** A Frontend, or why the entry is invalid. */
export function parseFrontend(host: string, entry: Entry): Frontend | string {
  if (!isDnsName(host)) return `hostname "${host}" is not a lowercase DNS name`;
  const value = parseJson(entry.value);
  if (!isObject(value)) return 'the value is not a JSON object';
  if (typeof value.backend !== 'string' || !isDnsName(value.backend)) return '"backend" must be a backend id (<namespace>.<app>.<version>)';
  return { host, backend: value.backend, modRevision: entry.modRevision };
}
