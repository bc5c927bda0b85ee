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

/** A port free on `host` right now (the OS picks it; a tiny window remains before the caller binds). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
