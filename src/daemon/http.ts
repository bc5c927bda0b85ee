// The daemon's one HTTP port: /healthz (the process answers), /readyz (it can do its
// job: schedule loaded, cluster and AWS reachable), /metrics (Prometheus text) and
// /status (JSON), read-only and open as probes and scrapers need them; and the console
// (src/console/: the page at /, its JSON under /api/v1/), which has its own access rules.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export type Readiness = { readonly ready: boolean; readonly reasons: readonly string[] };

export type HttpDeps = {
  readonly registry: Registry;
  readonly readiness: () => Readiness;
  readonly status: () => Record<string, unknown>;
  /** Failures while answering (a metric collector threw): logged by the caller. */
  readonly onError: (error: unknown) => void;
  /** The console's pages and API; false from it: not one of its paths. */
  readonly console?: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;
};

/**
 * The daemon's port, bound before anything else starts, so that a busy port fails the
 * start at once instead of after the simulator, the Lease and the watches are up. A
 * request that comes before serve() waits for it, as a connection would have waited to be
 * accepted; one still waiting when the port closes gets 503.
 */
export type HttpPort = {
  readonly host: string;
  readonly port: number;
  serve(deps: HttpDeps): void;
  close(): Promise<void>;
};

/** Binds `listenOn` ("[host]:port"); rejects with Node's own error (code EADDRINUSE, EACCES, …) when it cannot. */
export async function openHttpPort(listenOn: string): Promise<HttpPort> {
  let serve!: (deps: HttpDeps | undefined) => void;
  const served = new Promise<HttpDeps | undefined>((resolve) => {
    serve = resolve;
  });
  const server = createServer((req, res) => {
    void served.then((deps) => {
      if (!deps) return text(res, 503, 'stopped before it started\n');
      route(deps, req, res).catch((error: unknown) => {
        deps.onError(error);
        if (!res.headersSent) json(res, 500, { error: 'internal', message: error instanceof Error ? error.message : String(error) });
        else res.end();
      });
    });
  });
  const address = await listen(server, listenOn);
  return {
    ...address,
    serve: (deps) => serve(deps),
    close: () => {
      serve(undefined);
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function route(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (deps.console && await deps.console(req, res, path)) return;
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method-not-allowed', message: 'GET only' });
  switch (path) {
    case '/healthz':
      return text(res, 200, 'ok\n');
    case '/readyz': {
      const readiness = deps.readiness();
      return readiness.ready ? text(res, 200, 'ok\n') : text(res, 503, `not ready: ${readiness.reasons.join('; ')}\n`);
    }
    case '/metrics':
      res.writeHead(200, { 'content-type': deps.registry.contentType });
      res.end(await deps.registry.metrics());
      return;
    case '/status':
      return json(res, 200, deps.status());
    default:
      return json(res, 404, { error: 'not-found', message: `no ${path}: try /healthz, /readyz, /metrics or /status${deps.console ? ', or the console at /' : ''}` });
  }
}

function text(res: ServerResponse, code: number, body: string): void {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(body);
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}

/** Listens on `listen` (":8080", "127.0.0.1:8080", "8080"); resolves with the bound address. */
export async function listen(server: Server, listen: string): Promise<{ host: string; port: number }> {
  const { host, port } = parseListen(listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return { host: address.address, port: address.port };
}

export function parseListen(value: string): { host: string | undefined; port: number } {
  const match = /^(?:(.*):)?(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65_535) throw new RangeError(`--listen ${value}: expected [host]:port such as :8080 or 127.0.0.1:8080`);
  const host = match[1] ? match[1].replace(/^\[(.*)\]$/, '$1') : undefined;
  return { host, port };
}
