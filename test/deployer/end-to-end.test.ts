// The whole deployer as users drive it: `scalerd deploy -f … --follow` against the REST
// API served over the DeployerService, on the real bed (etcd, haproxy + lb-sync, the
// simulator running the test app), under load through haproxy.

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { createDeployerApi, type ListeningApi } from '../../src/deployer/api/index.js';
import { lookThrough } from '../../src/deployer/engine/look.js';
import { DeployerService } from '../../src/deployer/service/service.js';
import { FAILS_HEALTH_FAST, HOST, startDeployerBed, type DeployerBed } from './bed.js';
import { startLoad } from './load.js';

const TOKEN = 'end-to-end-token-0123456789';
let bed: DeployerBed;
let api: ListeningApi;
const dir = mkdtempSync(join(tmpdir(), 'scalerd-e2e-'));
const tokenFile = join(dir, 'token');
writeFileSync(tokenFile, TOKEN);

beforeAll(async () => {
  bed = await startDeployerBed();
  // The product's own look through haproxy, not the tests' helper.
  const deployer = new DeployerService({ store: bed.store(), engine: { ...bed.engine, look: lookThrough(bed.lbUrl) }, log: pino({ level: 'silent' }) });
  api = await createDeployerApi({ deployer, token: TOKEN, log: pino({ level: 'silent' }) }).listen('127.0.0.1', 0);
}, 60_000);

afterAll(async () => {
  await api?.close();
  await bed?.stop();
});

function descriptorFile(version: string, env: Record<string, string> = {}, more: object = {}): string {
  const path = join(dir, `hello-${version}-${Object.keys(env).join('-') || 'ok'}.json`);
  writeFileSync(path, JSON.stringify({
    namespace: 'default', appName: 'hello', version: 'auto', replicas: 2, frontends: [HOST], drainDelayMs: 500, bake: { durationMs: 500 },
    healthCheck: { intervalMs: 200, timeoutMs: 500, successes: 2, deadlineMs: 6000 },
    podSpec: { containers: [{ name: 'app', image: `scalerd/test-app:${version}`, ports: [{ name: 'http', containerPort: 8080 }], env: Object.entries(env).map(([name, value]) => ({ name, value })) }] },
    ...more,
  }, null, 2));
  return path;
}

async function deploy(file: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['deploy', '-f', file, '--follow', '--api', api.url, '--token-file', tokenFile], {
    out: (t) => out.push(t), err: (t) => err.push(t), clock: { now: Date.now }, sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('scalerd deploy --follow against the deployer', () => {
  it('v1, v2 under load (zero failed requests), an unhealthy v3 rolled back with exit 1', async () => {
    const first = await deploy(descriptorFile('1'));
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/version 1 serves hello\.test/);

    const load = startLoad({ url: bed.lbUrl, host: HOST, maxDurationMs: 120_000 });
    const second = await deploy(descriptorFile('2'));
    const bad = await deploy(descriptorFile('3', { UNHEALTHY: '1' }, FAILS_HEALTH_FAST));
    const report = await load.stop();

    expect(second.code, second.err).toBe(0);
    expect(second.out).toMatch(/hello\.test switched to default\.hello\.2/);
    expect(bad.code).toBe(1);
    expect(`${bad.out}\n${bad.err}`).toMatch(/HTTP 503, healthy: false/);
    expect(report.failed, JSON.stringify(report.failures.slice(0, 3))).toBe(0);
    expect(Object.keys(report.byVersion).sort()).toEqual(['1', '2']);
    // The last answers all come from v2: v3 never received traffic.
    expect(new Set(report.samples.slice(-50).map((s) => s.version))).toEqual(new Set(['2']));
  }, 120_000);
});

describe('scalerd deployer (the built command, in a process of its own)', () => {
  it('serves the API from its flags, deploys, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [
      'dist/cli/main.js', 'deployer', '--etcd', bed.world.etcd.url, '--kubeconfig', bed.kubeconfig, '--lb-url', bed.lbUrl,
      '--listen', '127.0.0.1:0', '--token-file', tokenFile, '--log-format', 'json', '--lock-ttl', '2',
    ], { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${stderr}`)), 15_000);
        createInterface({ input: child.stdout }).on('line', (line) => {
          const parsed = JSON.parse(line) as { event?: string; url?: string };
          if (parsed.event === 'listening') { clearTimeout(timer); resolve(parsed.url!); }
        });
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/deployments`)).status).toBe(401);
      const out: string[] = [];
      const code = await runCli(['deploy', '-f', descriptorFile('4'), '--follow', '--api', url, '--token-file', tokenFile], {
        out: (t) => out.push(t), err: (t) => out.push(t), clock: { now: Date.now }, sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      });
      expect(code, out.join('\n')).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, stderr).toBe(0);
  }, 60_000);

  it('refuses bad flags with exit code 2, saying which, before it connects to anything', async () => {
    const refused = async (flags: string[], token = 'a-token-long-enough-for-it') => {
      const child = spawn(process.execPath, ['dist/cli/main.js', 'deployer', '--etcd', 'http://127.0.0.1:9', '--kubeconfig', bed.kubeconfig, ...flags], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SCALERD_DEPLOYER_TOKEN: token },
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      return { code, stderr };
    };
    const good = ['--lb-url', 'http://127.0.0.1:8000'];
    expect(await refused(['--lb-url', 'haproxy:8000'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--lb-url haproxy:8000: expected haproxy\'s HTTP frontend') });
    expect(await refused([...good, '--listen', 'foo'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--listen foo: expected [host]:port') });
    expect(await refused([...good, '--history', 'abc'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/option '--(history|lock-ttl) <\w+>' argument '(abc|0)' is invalid. expected a whole number from 1 to /) });
    expect(await refused([...good, '--lock-ttl', '0'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/option '--(history|lock-ttl) <\w+>' argument '(abc|0)' is invalid. expected a whole number from 1 to /) });
    expect(await refused([...good, '--namespaces', 'Kube_System'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--namespaces: "Kube_System" is not a namespace') });
    expect(await refused([...good, '--pod-security', 'privileged'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--pod-security privileged: expected baseline or restricted') });
    // A guessable token ends it at once too (it would otherwise only fail once connected).
    expect(await refused(good, 'short')).toMatchObject({ code: expect.any(Number), stderr: expect.stringContaining('the API token must be at least 16 characters (it is 5)') });
  }, 30_000);
});
