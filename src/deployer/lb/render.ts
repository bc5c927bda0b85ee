// haproxy.cfg and hosts.map as text, from the valid backends and frontends. Pure and
// deterministic (sorted), so "did anything change" is a string comparison with the file
// haproxy runs. Every value placed in the text was checked in desired.ts; the paths and
// the bind address were checked when the options were read.

import type { Backend } from './desired.js';
import { haproxyBackendName, NO_ROUTE_BACKEND } from './layout.js';
import type { LiveServers } from './runtime-api.js';
import type { RenderedTls } from './tls.js';

export type RenderOptions = {
  /** The Runtime API socket (`stats socket … level admin`). */
  readonly adminSocket: string;
  /** The host → haproxy backend map that routes by Host header. */
  readonly mapFile: string;
  /** Where server states are saved before a reload, so a DOWN server is not assumed UP after it. */
  readonly stateFile: string;
  readonly bind: { readonly host: string; readonly port: number };
  /** HTTPS on the same frontend, when given. */
  readonly tls?: RenderedTls;
  /** haproxy's built-in Prometheus exporter at /metrics (every backend's requests and responses: each version's), when given. */
  readonly metrics?: { readonly host: string; readonly port: number };
};

/** Health checks every 250 ms, two results to change state: a new server is UP (or a dead one DOWN) within about half a second. */
export const CHECK = 'check inter 250 rise 2 fall 2';

const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

export function renderConfig(backends: Iterable<Backend>, options: RenderOptions): string {
  const sorted = [...backends].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return [
    '# Rendered by scalerd lb-sync from etcd (/scalerd/lb/). Do not edit: the next change overwrites it.',
    'global',
    `  stats socket ${options.adminSocket} mode 600 level admin expose-fd listeners`,
    '  stats timeout 30s',
    `  server-state-file ${options.stateFile}`,
    // An old worker drains its connections after a reload for at most this long.
    '  hard-stop-after 30s',
    '  maxconn 4096',
    ...(options.tls ? ['  ssl-default-bind-options ssl-min-ver TLSv1.2'] : []),
    '',
    'defaults',
    '  mode http',
    '  option forwardfor',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout http-request 10s',
    '  timeout http-keep-alive 10s',
    '  timeout queue 5s',
    '  timeout check 2s',
    // A request to a server that just went away is retried, on another server if need be.
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response junk-response',
    '  http-reuse safe',
    // After a reload the old worker answers the next request on each idle keep-alive
    // connection with "Connection: close" instead of closing it under the client's feet.
    '  option idle-close-on-response',
    '  load-server-state-from-file global',
    '',
    'frontend fe_http',
    `  bind ${hostPort(options.bind.host, options.bind.port)}`,
    ...(options.tls ? [
      // certDir is named by the certificates' hash: a renewal changes this line, hence the config.
      `  bind ${hostPort(options.tls.bind.host, options.tls.bind.port)} ssl crt ${options.tls.certDir} alpn http/1.1`,
      // The apps behind it see plain HTTP: tell them how the client came (never as the client says).
      '  http-request set-header X-Forwarded-Proto https if { ssl_fc }',
      '  http-request set-header X-Forwarded-Proto http if !{ ssl_fc }',
    ] : []),
    `  use_backend %[req.hdr(host),lower,word(1,:),map(${options.mapFile},${NO_ROUTE_BACKEND})]`,
    `  default_backend ${NO_ROUTE_BACKEND}`,
    '',
    `backend ${NO_ROUTE_BACKEND}`,
    '  http-request return status 503 content-type text/plain string "no route"',
    '',
    ...(options.metrics ? [
      // A frontend of its own: the apps' Host routing never reaches it, and its port is not the apps'.
      'frontend fe_metrics',
      `  bind ${hostPort(options.metrics.host, options.metrics.port)}`,
      '  no log',
      '  http-request use-service prometheus-exporter if { path /metrics }',
      '  http-request return status 404 content-type text/plain string "haproxy\'s metrics are at /metrics"',
      '',
    ] : []),
  ].join('\n') + '\n' + sorted.map(backendSection).join('');
}

/** One backend's section, ending with a blank line; it appears verbatim in the config when that backend is loaded. */
export function backendSection(backend: Backend): string {
  return [
    `backend ${haproxyBackendName(backend.id)}`,
    `  option httpchk GET ${backend.healthPath}`,
    '  http-check expect status 200',
    ...backend.servers.map((s) => `  server ${s.name} ${hostPort(s.address, s.port)} ${CHECK}`),
    '',
    '',
  ].join('\n');
}

/** Each backend's server names in a rendered config, sorted: compared with haproxy's `show stat` to notice a worker not running the file. */
export function configuredServers(config: string): Map<string, string[]> {
  const servers = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of config.split('\n')) {
    const backend = /^backend (\S+)$/.exec(line);
    if (backend) servers.set(backend[1]!, (current = []));
    else if (/^\S/.test(line)) current = undefined;
    const server = /^  server (\S+) /.exec(line);
    if (server && current) current.push(server[1]!);
  }
  for (const names of servers.values()) names.sort();
  return servers;
}

/** The backends whose servers differ between a config and what the worker runs (`show stat`); empty when it runs that config. */
export function serverDrift(config: string, live: LiveServers): string[] {
  const configured = configuredServers(config);
  const names = new Set([...configured.keys(), ...live.keys()].filter((name) => name.startsWith('be_')));
  const drift: string[] = [];
  for (const name of [...names].sort()) {
    const want = (configured.get(name) ?? []).join(',');
    const have = [...(live.get(name)?.keys() ?? [])].sort().join(',');
    if (want !== have) drift.push(`${name}: file [${want}], haproxy [${have}]`);
  }
  return drift;
}

/** The haproxy backend names a rendered config defines. */
export function loadedBackends(config: string): Set<string> {
  return new Set([...config.matchAll(/^backend (\S+)$/gm)].map((m) => m[1]!));
}
