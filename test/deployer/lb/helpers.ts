// One etcd, one haproxy and lb-sync in this process, for the lb tests; plus the etcd
// writes the deployer makes (backends, frontends) and waits on lb-sync's status keys.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Etcd3 } from 'etcd3';
import { systemClock } from '../../../src/clock.js';
import { createLogger } from '../../../src/daemon/log.js';
import {
  backendKey, backendStatusKey, createEtcdStore, frontendKey, frontendStatusKey, LbSync,
  type BackendStatus, type FrontendStatus, type LbStore, type LbSyncOptions,
} from '../../../src/deployer/lb/index.js';
import { startBackendServers, startEtcd, startHaproxy, tempDir, type BackendServers, type EtcdServer, type Haproxy } from '../infra.js';

export type LogLine = Record<string, unknown> & { event?: string; msg?: string };

export type RunningSync = {
  readonly sync: LbSync;
  readonly store: LbStore;
  readonly lines: LogLine[];
  events(event: string): LogLine[];
  stop(): Promise<void>;
};

export type LbWorld = {
  /** The etcd running now (restartEtcd replaces it). */
  readonly etcd: EtcdServer;
  /** Stops etcd and starts it again, same ports and data. */
  restartEtcd(): Promise<void>;
  /** SIGKILLs etcd (data kept); startEtcdAgain brings it back on the same ports and data. */
  killEtcd(): Promise<void>;
  startEtcdAgain(): Promise<void>;
  readonly haproxy: Haproxy;
  readonly client: Etcd3;
  /** lb-sync against this world's etcd and haproxy; stopped by stop() if still running. */
  startSync(overrides?: Partial<LbSyncOptions>): RunningSync;
  /** An app's pods (startBackendServers), stopped by stop(). */
  startApp(n: number, version: string): Promise<BackendServers>;
  stop(): Promise<void>;
};

export async function startWorld(): Promise<LbWorld> {
  let etcd = await startEtcd();
  const haproxy = await startHaproxy({ dir: await tempDir('haproxy') }).catch(async (error) => { await etcd.stop(); throw error; });
  const client = new Etcd3({ hosts: etcd.url });
  const running = new Set<RunningSync>();
  const apps: BackendServers[] = [];
  return {
    get etcd() {
      return etcd;
    },
    async restartEtcd() {
      etcd = await etcd.restart();
    },
    async killEtcd() {
      await etcd.kill();
    },
    async startEtcdAgain() {
      etcd = await etcd.start();
    },
    haproxy, client,
    async startApp(n, version) {
      const app = await startBackendServers(n, version);
      apps.push(app);
      return app;
    },
    startSync(overrides = {}) {
      const lines: LogLine[] = [];
      const destination = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          for (const text of chunk.toString('utf8').split('\n')) if (text.trim() !== '') lines.push(JSON.parse(text) as LogLine);
          callback();
        },
      });
      const store = overrides.store ?? createEtcdStore({ connection: { hosts: [etcd.url] }, clock: systemClock });
      const sync = LbSync.start({
        configFile: haproxy.configFile, adminSocket: haproxy.adminSocket, masterSocket: haproxy.masterSocket,
        bind: { host: haproxy.host, port: haproxy.port }, clock: systemClock,
        log: createLogger({ level: 'debug', pretty: false, destination }),
        ...overrides,
        store,
      });
      const handle: RunningSync = {
        sync, store, lines,
        events: (event) => lines.filter((l) => l.event === event),
        async stop() {
          running.delete(handle);
          await sync.stop();
          store.close();
        },
      };
      running.add(handle);
      return handle;
    },
    async stop() {
      for (const handle of [...running]) await handle.stop();
      client.close();
      await haproxy.stop();
      await etcd.stop();
      await Promise.all(apps.map((app) => app.stop()));
    },
  };
}

export async function putBackend(client: Etcd3, id: string, servers: readonly { name: string; address: string; port: number }[], healthPath = '/health'): Promise<number> {
  const response = await client.put(backendKey(id)).value(JSON.stringify({ servers, health: { path: healthPath } })).exec();
  return Number(response.header.revision);
}

/** Points `host` at `backend`; the new revision of the key. */
export async function putFrontend(client: Etcd3, host: string, backend: string): Promise<number> {
  const response = await client.put(frontendKey(host)).value(JSON.stringify({ backend })).exec();
  return Number(response.header.revision);
}

export async function readJson<T>(client: Etcd3, key: string): Promise<T | undefined> {
  const text = await client.get(key).string();
  return text === null ? undefined : (JSON.parse(text) as T);
}

/** Resolves with the key's value once it satisfies `accept` (already, or by a later put); the time it was seen. */
export async function awaitKey<T>(client: Etcd3, key: string, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<{ value: T; seenAt: number }> {
  const watcher = await client.watch().key(key).create();
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting on ${key}`)), timeoutMs);
      const check = (text: string | null, seenAt: number) => {
        if (text === null) return;
        const value = JSON.parse(text) as T;
        if (accept(value)) {
          clearTimeout(timer);
          resolve({ value, seenAt });
        }
      };
      watcher.on('put', (kv) => check(kv.value.toString('utf8'), Date.now()));
      void client.get(key).string().then((text) => check(text, Date.now()), reject);
    });
  } finally {
    await watcher.cancel();
  }
}

export const awaitBackendUp = (client: Etcd3, id: string, names: readonly string[], timeoutMs = 10_000) =>
  awaitKey<BackendStatus>(client, backendStatusKey(id), (s) => s.revision !== undefined && names.every((n) => s.servers[n] === 'UP'), timeoutMs);

export const awaitFrontend = (client: Etcd3, host: string, revision: number, timeoutMs = 10_000) =>
  awaitKey<FrontendStatus>(client, frontendStatusKey(host), (s) => s.revision >= revision, timeoutMs);

/** Registers `app`'s servers as backend `id` and waits until lb-sync reports each UP. */
export async function registerUp(client: Etcd3, id: string, app: BackendServers): Promise<BackendStatus> {
  await putBackend(client, id, app.entries());
  return (await awaitBackendUp(client, id, app.servers.map((s) => s.name))).value;
}

/** Points `host` at `backend` and waits for lb-sync's acknowledgement; the key's revision. */
export async function switchTo(client: Etcd3, host: string, backend: string): Promise<number> {
  const revision = await putFrontend(client, host, backend);
  await awaitFrontend(client, host, revision);
  return revision;
}

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** `scalerd lb-sync` as a process (the built binary, as users run it), its JSON log lines parsed as they come. */
export function spawnLbSync(args: readonly string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['dist/cli/main.js', 'lb-sync', ...args], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  createInterface({ input: child.stdout }).on('line', (text) => {
    try {
      lines.push(JSON.parse(text) as LogLine);
    } catch {
      lines.push({ event: 'unparsed', msg: text });
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, lines, exited, stderr: () => stderr };
}
