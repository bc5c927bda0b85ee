// Routing by Host header: hosts.map's entries (host → haproxy backend), their text on
// disk, and the Runtime API changes that take the running worker from what it has to
// what is wanted. Pure.

import type { Frontend } from './desired.js';
import { haproxyBackendName, NO_ROUTE_BACKEND } from './layout.js';

/**
 * hosts.map's entries: each frontend's host → its haproxy backend, when that backend is
 * loaded; otherwise the host goes to be_no_route (503) and the caller reports why.
 */
export function mapEntries(frontends: Iterable<Frontend>, loaded: ReadonlySet<string>): Map<string, string> {
  const entries = new Map<string, string>();
  for (const f of [...frontends].sort((a, b) => (a.host < b.host ? -1 : 1))) {
    const name = haproxyBackendName(f.backend);
    entries.set(f.host, loaded.has(name) ? name : NO_ROUTE_BACKEND);
  }
  return entries;
}

export function renderMap(entries: ReadonlyMap<string, string>): string {
  return [...entries].map(([host, backend]) => `${host} ${backend}\n`).join('');
}

export type MapChange =
  | { readonly op: 'add'; readonly host: string; readonly backend: string }
  | { readonly op: 'set'; readonly host: string; readonly backend: string; readonly from: string }
  | { readonly op: 'del'; readonly host: string; readonly from: string };

/** What takes the live map to the wanted one; nothing when they are equal. */
export function mapChanges(live: ReadonlyMap<string, string>, wanted: ReadonlyMap<string, string>): MapChange[] {
  const changes: MapChange[] = [];
  for (const [host, backend] of wanted) {
    const from = live.get(host);
    if (from === undefined) changes.push({ op: 'add', host, backend });
    else if (from !== backend) changes.push({ op: 'set', host, backend, from });
  }
  for (const [host, from] of live) if (!wanted.has(host)) changes.push({ op: 'del', host, from });
  return changes;
}

export function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}
