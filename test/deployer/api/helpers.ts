// The API on 127.0.0.1 (a free port) over a FakeDeployer, a fetch helper that sends the
// token unless told otherwise, and the log lines the API wrote.

import { Writable } from 'node:stream';
import { afterEach } from 'vitest';
import { createDeployerApi, type DeployerApiOptions, type ListeningApi } from '../../../src/deployer/api/index.js';
import { createLogger } from '../../../src/daemon/log.js';
import { FakeDeployer } from './fake-deployer.js';

export const TOKEN = 'test-token-0123456789abcdef';
export const SECRET = 'webhook-secret-0123456789';

/** The example's descriptor, with top-level fields replaced. */
export function descriptor(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    namespace: 'default',
    appName: 'hello',
    version: 'auto',
    frontends: ['hello.example.com'],
    podSpec: { containers: [{ name: 'app', image: 'scalerd/test-app:1', ports: [{ containerPort: 8080 }] }] },
    ...overrides,
  };
}

export const text = (value: unknown): string => JSON.stringify(value, null, 2);

export type Api = {
  readonly url: string;
  readonly deployer: FakeDeployer;
  readonly logLines: Record<string, unknown>[];
  call(method: string, path: string, init?: { body?: string | Uint8Array; token?: string | null; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any }>;
};

const running: ListeningApi[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((api) => api.close()));
});

export async function startApi(options: Partial<Omit<DeployerApiOptions, 'log'>> = {}): Promise<Api> {
  const deployer = new FakeDeployer();
  const logLines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const api = createDeployerApi({ deployer, token: TOKEN, webhookSecret: SECRET, log: createLogger({ level: 'debug', pretty: false, destination }), ...options });
  const listening = await api.listen('127.0.0.1', 0);
  running.push(listening);
  return {
    url: listening.url,
    deployer,
    logLines,
    async call(method, path, init = {}) {
      const token = init.token === undefined ? TOKEN : init.token;
      const response = await fetch(`${listening.url}${path}`, {
        method,
        headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...init.headers },
        ...(init.body === undefined ? {} : { body: init.body }),
      });
      const raw = await response.text();
      return { status: response.status, headers: response.headers, body: raw === '' ? undefined : response.headers.get('content-type')?.includes('json') ? JSON.parse(raw) : raw };
    },
  };
}
