// One HTTP server on loopback for the whole simulator: the Kubernetes API, the AWS query
// API (form-encoded POSTs, whatever the path, as the SDK and CLI send them), and /sim/*
// for tests and benchmarks driving a simulator in another process.

import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Faults, FaultsSnapshot } from './faults.js';
import { type KubeHttpDeps, handleKube, send, sendError } from './kube/http-server.js';
import { ApiError } from './kube/api-error.js';
import type { Recorder } from './recorder.js';
import type { SimClock } from './sim-clock.js';

export type AwsHandler = (req: IncomingMessage, res: ServerResponse, body: string) => Promise<void>;

export type SimServerDeps = KubeHttpDeps & { aws: AwsHandler; faults: Faults; recorder: Recorder; clock: SimClock };

const MAX_BODY = 16 * 1024 * 1024;

export function createSimServer(deps: SimServerDeps): Server {
  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => dispatch(deps, req, res, body))
      .catch((error: unknown) => sendError(res, error));
  });
  // kubectl and informers keep watches open; do not let idle sockets time out under them.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;
  return server;
}

export async function listen(server: Server, port: number, host = '127.0.0.1'): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return `http://${host}:${address.port}`;
}

/** `body` as sent: the Kubernetes API takes protobuf as well as JSON, so only the others get it as text. */
async function dispatch(deps: SimServerDeps, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const contentType = req.headers['content-type'] ?? '';
  if (req.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) return deps.aws(req, res, body.toString('utf8'));
  const path = (req.url ?? '/').split('?')[0]!;
  if (path.startsWith('/sim/')) return admin(deps, req, res, path, body.toString('utf8'));
  return handleKube(deps, req, res, body);
}

function admin(deps: SimServerDeps, req: IncomingMessage, res: ServerResponse, path: string, body: string): void {
  if (path === '/sim/facts' && req.method === 'GET') return send(res, 200, deps.recorder.all());
  if (path === '/sim/requests' && req.method === 'GET') return send(res, 200, deps.recorder.requests());
  if (path === '/sim/clock' && req.method === 'GET') return send(res, 200, { now: deps.clock.now(), speed: deps.clock.speed, manual: deps.clock.manual });
  // What fired so far: errors injected before requests, and answers lost after them.
  if (path === '/sim/faults/fired' && req.method === 'GET') return send(res, 200, { errors: deps.faults.fired(), lostAnswers: deps.faults.lostAnswers() });
  if (path === '/sim/faults') {
    if (req.method === 'GET') return send(res, 200, deps.faults.snapshot());
    if (req.method === 'PUT') {
      try {
        deps.faults.set(JSON.parse(body || '{}') as Partial<FaultsSnapshot>);
      } catch (error) {
        // Not JSON, or a rule no server could follow: the caller's mistake, and nothing changed.
        return sendError(res, new ApiError(400, 'BadRequest', `faults not set: ${(error as Error).message}`));
      }
      return send(res, 200, deps.faults.snapshot());
    }
    if (req.method === 'DELETE') {
      deps.faults.clear();
      return send(res, 200, deps.faults.snapshot());
    }
  }
  sendError(res, new ApiError(404, 'NotFound', `no simulator endpoint ${req.method} ${path}`));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, 'BadRequest', 'the request body is too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
