import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { checkScheduleText, formatDiagnostic, type Schedule } from '../src/schedule/index.js';

export const utc = (iso: string): number => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad test instant ${iso}`);
  return t;
};

export const iso = (instant: number): string => new Date(instant).toISOString().replace(':00.000Z', 'Z');

/** A minimal valid document; `windows` and top-level fields can be overridden. */
export function doc(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    timezone: 'Europe/Amsterdam',
    nodeGroups: { workers: { min: 0, max: 100 } },
    workloads: { 'shop/web': {} },
    default: { capacity: { workers: 10 }, replicas: { 'shop/web': 5 } },
    windows: [],
    ...overrides,
  };
}

/** Compiles a document through the real loader; fails the test with the diagnostics when invalid. */
export function scheduleOf(document: Record<string, unknown>, now = utc('2026-01-01T00:00Z')): Schedule {
  const result = checkScheduleText(JSON.stringify(document, null, 2), { file: 'test.json', now });
  if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
  return result.schedule;
}

/**
 * The first port the kernel hands out to outgoing connections. A server's port chosen from
 * that range can be taken, while the server is down, by any connection a test makes (the
 * load generator makes thousands): etcd restarted on its port then failed to bind.
 */
const EPHEMERAL_START = (() => {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
})();
const FIRST_PORT = 10_000;

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * A port free on `host` right now, below the ephemeral range (see EPHEMERAL_START), so a
 * server can stop and start again on it. Random, so processes side by side rarely meet; a
 * tiny window remains before the caller binds.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = FIRST_PORT + Math.floor(Math.random() * (EPHEMERAL_START - FIRST_PORT));
    if (await bindable(port, host)) return port;
  }
  throw new Error(`no free port on ${host} in ${FIRST_PORT}-${EPHEMERAL_START - 1} after 100 tries`);
}
