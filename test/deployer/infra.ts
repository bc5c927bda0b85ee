// Real infrastructure for the deployer's tests, all on loopback: etcd (Debian's
// /usr/bin/etcd), haproxy in master-worker mode (/usr/sbin/haproxy), small HTTP servers
// standing in for an app's pods (on 127.0.0.x, one address each); the load they are tested
// under is in load.ts. Every start has a deadline and every process a stop(); callers stop
// them in afterAll.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LbSync } from '../../src/deployer/lb/index.js';

export const LOOPBACK = '127.0.0.1';
import { freePort } from '../helpers.js';

export { freePort };

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `scalerd-${prefix}-`));
}


export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

type Spawned = { readonly child: ChildProcess; output(): string; readonly exited: Promise<number | null> };

function spawnLogged(command: string, args: readonly string[]): Spawned {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => { output = (output + chunk.toString('utf8')).slice(-20_000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function stopProcess(spawned: Spawned, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
  if (spawned.child.exitCode !== null || spawned.child.signalCode !== null) return;
  spawned.child.kill(signal);
  const timer = setTimeout(() => spawned.child.kill('SIGKILL'), graceMs);
  await spawned.exited;
  clearTimeout(timer);
}

// --- etcd --------------------------------------------------------------------------

export type EtcdServer = {
  /** The client URL, http://127.0.0.1:<port> (https:// with TLS). */
  readonly url: string;
  readonly port: number;
  readonly peerPort: number;
  readonly dataDir: string;
  output(): string;
  /** Stops etcd (SIGTERM) and removes its data directory unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** Stops it keeping the data, and starts it again on the same ports and data: a new handle. */
  restart(): Promise<EtcdServer>;
  /** SIGKILL, as a crashed etcd: no clean shutdown, the data kept; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts it again (after kill or stop) on the same ports and data: a new handle. */
  start(): Promise<EtcdServer>;
};

/** etcd's server certificate; with `clientCa`, clients must present a certificate it signed (--client-cert-auth). */
export type EtcdTls = { readonly certFile: string; readonly keyFile: string; readonly clientCa?: string };

/**
 * etcd on loopback with its own data directory; resolves once /health answers (on a plain
 * HTTP metrics listener of its own, so that TLS does not stand in the way of the check).
 */
export async function startEtcd(options: { port?: number; peerPort?: number; dataDir?: string; timeoutMs?: number; tls?: EtcdTls; attempt?: number } = {}): Promise<EtcdServer> {
  const port = options.port ?? await freePort();
  const peer = options.peerPort ?? await freePort();
  const metrics = await freePort();
  const dataDir = options.dataDir ?? await tempDir('etcd');
  const url = `${options.tls ? 'https' : 'http'}://${LOOPBACK}:${port}`;
  const peerUrl = `http://${LOOPBACK}:${peer}`;
  const health = `http://${LOOPBACK}:${metrics}/health`;
  const tls = options.tls;
  const spawned = spawnLogged('etcd', [
    '--name', 'default', '--data-dir', dataDir,
    '--listen-client-urls', url, '--advertise-client-urls', url,
    '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl,
    '--listen-metrics-urls', `http://${LOOPBACK}:${metrics}`,
    '--initial-cluster', `default=${peerUrl}`, '--log-level', 'error', '--logger', 'zap',
    ...(tls ? ['--cert-file', tls.certFile, '--key-file', tls.keyFile] : []),
    ...(tls?.clientCa ? ['--client-cert-auth', '--trusted-ca-file', tls.clientCa] : []),
  ]);
  const etcd: EtcdServer = {
    url, port, peerPort: peer, dataDir, output: spawned.output,
    async stop(stopOptions = {}) {
      await stopProcess(spawned);
      if (!stopOptions.keepData) await rm(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await etcd.stop({ keepData: true });
      return startEtcd({ ...options, port, peerPort: peer, dataDir });
    },
    async kill() {
      await stopProcess(spawned, 'SIGKILL');
    },
    start: () => startEtcd({ ...options, port, peerPort: peer, dataDir }),
  };
  try {
    await waitFor('etcd to answer /health', async () => {
      if (spawned.child.exitCode !== null) throw new Error(`etcd exited: ${spawned.output()}`);
      const response = await fetch(health, { signal: AbortSignal.timeout(500) });
      const body = (await response.json()) as { health?: string };
      return body.health === 'true' ? true : undefined;
    }, options.timeoutMs ?? 15_000, 50);
  } catch (error) {
    await etcd.stop({ keepData: options.dataDir !== undefined });
    // A port found free was taken before etcd bound it (tests run side by side): new ports.
    const lost = /bind: address already in use/.test(spawned.output());
    if (lost && options.port === undefined && options.peerPort === undefined && (options.attempt ?? 1) < 3) {
      return startEtcd({ ...options, attempt: (options.attempt ?? 1) + 1 });
    }
    throw error;
  }
  return etcd;
}

// --- haproxy -----------------------------------------------------------------------

/**
 * An haproxy binary for lb-sync's `haproxy -c` (its --haproxy-bin) that refuses every config
 * with a backend whose name contains `marker`: it checks a copy with an unknown keyword
 * added to that backend, so that the refusal and its message are the real haproxy's, as
 * an operator's or a renderer's mistake would give. Everything else is haproxy itself.
 */
export async function refusingHaproxy(dir: string, marker: string): Promise<string> {
  if (!/^[A-Za-z0-9.-]+$/.test(marker)) throw new Error(`refusingHaproxy: "${marker}" is not a backend id fragment`);
  const backend = `^backend be_[^ ]*${marker.replace(/\./g, '\\.')}[^ ]*$`;
  const script = join(dir, 'haproxy-refusing');
  await writeFile(script, [
    '#!/bin/sh',
    `if [ "$1" = "-c" ] && [ "$2" = "-f" ] && grep -q '${backend}' "$3"; then`,
    '  copy="$(mktemp)"',
    `  sed '/${backend}/a\\  this-is-not-a-keyword' "$3" > "$copy"`,
    '  /usr/sbin/haproxy -c -f "$copy"; status=$?',
    '  rm -f "$copy"',
    '  exit $status',
    'fi',
    'exec /usr/sbin/haproxy "$@"',
    '',
  ].join('\n'), { mode: 0o755 });
  return script;
}


/** Where a test's haproxy keeps its files and sockets. */
export const haproxyPaths = (dir: string) => ({
  configFile: join(dir, 'haproxy.cfg'),
  adminSocket: join(dir, 'admin.sock'),
  masterSocket: join(dir, 'master.sock'),
  pidFile: join(dir, 'haproxy.pid'),
});

export type Haproxy = ReturnType<typeof haproxyPaths> & {
  readonly dir: string;
  readonly host: string;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly masterPid: number;
  /** The current worker's pid (show info on the admin socket). */
  workerPid(): Promise<number>;
  /** One command on the admin socket. */
  admin(command: string): Promise<string>;
  output(): string;
  /** Stops haproxy (SIGTERM to the master) and removes `dir` unless told not to. */
  stop(): Promise<void>;
};

/** Sends one command line to a haproxy CLI socket and returns the answer. */
export function haproxyCommand(socket: string, command: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const s = connect(socket);
    const timer = setTimeout(() => { s.destroy(); reject(new Error(`${command}: no answer on ${socket}`)); }, timeoutMs);
    s.on('data', (d) => { out += d.toString('utf8'); });
    s.on('error', (e) => { clearTimeout(timer); reject(e); });
    s.on('close', (hadError) => { clearTimeout(timer); if (!hadError) resolve(out); });
    s.end(`${command}\n`);
  });
}

/**
 * haproxy -W -S <dir>/master.sock -f <dir>/haproxy.cfg in the foreground (the master is
 * this child). When the config does not exist yet it is lb-sync's empty one, bound to
 * 127.0.0.1:<port>. Resolves once the worker answers on the admin socket.
 */
export async function startHaproxy(options: { dir: string; port?: number; timeoutMs?: number; /** Removed by stop() unless false. */ removeDir?: boolean }): Promise<Haproxy> {
  const paths = haproxyPaths(options.dir);
  const port = options.port ?? await freePort();
  await LbSync.bootstrap({ configFile: paths.configFile, adminSocket: paths.adminSocket, bind: { host: LOOPBACK, port } });
  const spawned = spawnLogged('haproxy', ['-W', '-S', paths.masterSocket, '-f', paths.configFile, '-p', paths.pidFile]);
  const admin = (command: string) => haproxyCommand(paths.adminSocket, command);
  const workerPid = async () => Number(/^Pid: (\d+)$/m.exec(await admin('show info'))?.[1]);
  const haproxy: Haproxy = {
    ...paths, dir: options.dir, host: LOOPBACK, port, url: `http://${LOOPBACK}:${port}`, masterPid: spawned.child.pid!,
    workerPid, admin, output: spawned.output,
    async stop() {
      await stopProcess(spawned);
      if (options.removeDir !== false) await rm(options.dir, { recursive: true, force: true });
    },
  };
  try {
    await waitFor('haproxy to answer on its admin socket', async () => {
      if (spawned.child.exitCode !== null) throw new Error(`haproxy exited: ${spawned.output()}`);
      return (await workerPid()) > 0 ? true : undefined;
    }, options.timeoutMs ?? 10_000);
  } catch (error) {
    await haproxy.stop();
    throw error;
  }
  return haproxy;
}

// --- backend servers (an app's pods) -----------------------------------------------

export type BackendServer = {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly version: string;
  /** Requests served on / (health checks not counted). */
  requests(): number;
  /** false: /health answers 503. */
  setHealthy(healthy: boolean): void;
};

export type BackendServers = {
  readonly version: string;
  readonly servers: readonly BackendServer[];
  /** As lb-sync's backend entry wants them: [{ name, address, port }]. */
  entries(): { name: string; address: string; port: number }[];
  stop(): Promise<void>;
};

let nextAddress = 10;

/**
 * `n` HTTP servers, each on an address of its own in 127.0.0.0/8: GET /health answers 200
 * {"healthy":true,"version"}, anything else 200 with the version as body and X-Version.
 */
export async function startBackendServers(n: number, version: string, options: { namePrefix?: string } = {}): Promise<BackendServers> {
  const started: { server: Server; backend: BackendServer }[] = [];
  for (let i = 0; i < n; i++) {
    const address = `127.0.0.${nextAddress}`;
    nextAddress = nextAddress >= 250 ? 10 : nextAddress + 1;
    let healthy = true;
    let requests = 0;
    const name = `${options.namePrefix ?? `app-${version}`}-${i}`;
    const server = createHttpServer((req, res) => {
      if (req.url === '/health') {
        res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ healthy, version }));
        return;
      }
      requests += 1;
      // What the proxy said of the client's scheme, echoed for the TLS tests.
      const proto = req.headers['x-forwarded-proto'];
      res.writeHead(200, { 'content-type': 'text/plain', 'x-version': version, 'x-server': name, ...(typeof proto === 'string' ? { 'x-seen-proto': proto } : {}) });
      res.end(version);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, address, () => resolve());
    });
    const port = (server.address() as { port: number }).port;
    started.push({ server, backend: { name, address, port, version, requests: () => requests, setHealthy: (h) => { healthy = h; } } });
  }
  return {
    version,
    servers: started.map((s) => s.backend),
    entries: () => started.map(({ backend: { name, address, port } }) => ({ name, address, port })),
    async stop() {
      await Promise.all(started.map(({ server }) => new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })));
    },
  };
}

export type HttpsAnswer = { status: number; version?: string; proto?: string; certificate: string };

/**
 * One GET over TLS to 127.0.0.1:`port` with SNI and Host `host`, trusting only `ca`: the
 * status, the app's version and the scheme haproxy told it, and the served certificate's SHA-256.
 */
export function httpsGet(port: number, host: string, ca: Buffer, headers: Record<string, string> = {}): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: LOOPBACK, port, path: '/', servername: host, ca, agent: false, headers: { host, ...headers }, timeout: 5000 }, (res) => {
      const certificate = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      res.resume().on('end', () => resolve({
        status: res.statusCode ?? 0, certificate,
        ...(typeof res.headers['x-version'] === 'string' ? { version: res.headers['x-version'] } : {}),
        ...(typeof res.headers['x-seen-proto'] === 'string' ? { proto: res.headers['x-seen-proto'] } : {}),
      }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out'))).on('error', reject).end();
  });
}

/** One GET with a Host header (fetch cannot set Host), on a new connection. */
export async function httpGet(baseUrl: string, host: string, path = '/'): Promise<{ status: number; body: string; version?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, baseUrl), { agent: false, headers: { host }, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => {
        const version = res.headers['x-version'];
        resolve({ status: res.statusCode ?? 0, body, ...(typeof version === 'string' ? { version } : {}) });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}
