// The deployer service on the real bed: one deployment per app at a time, nothing changed
// when etcd is down, and a deployer process killed in any of 11 phases, whose deployment the next
// deployer completes or rolls back under constant load, with zero failed requests and
// never a moment without a backend.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frontendKey } from '../../../src/deployer/lb/layout.js';
import { DeployerService } from '../../../src/deployer/service/service.js';
import { DeployerError } from '../../../src/deployer/service/types.js';
import { type DeploymentRecord, type Phase, deploymentsPrefix } from '../../../src/deployer/state/records.js';
import { FAILS_HEALTH_FAST, HOST, helloDescriptor, startDeployerBed, type DeployerBed } from '../bed.js';
import { httpGet, waitFor } from '../infra.js';
import { startLoad } from '../load.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/deployer-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
// The fixture as one ES module, built once: started through tsx, each of the ten deployer
// processes spent over two seconds compiling the same sources. It lives under node_modules
// so that the packages it leaves external resolve from there.
const BUNDLE = fileURLToPath(new URL(`../../../node_modules/.cache/scalerd-tests/deployer-process-${process.pid}.mjs`, import.meta.url));
let bed: DeployerBed;
const quiet = pino({ level: 'silent' });

beforeAll(async () => {
  await build({ entryPoints: [FIXTURE], outfile: BUNDLE, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', logLevel: 'error' });
  bed = await startDeployerBed();
}, 60_000);
afterAll(async () => {
  await rm(BUNDLE, { force: true });
  await bed?.stop();
});

const service = (lockTtlSeconds = 2) => new DeployerService({ store: bed.store({ lockTtlSeconds }), engine: bed.engine, log: quiet });
const record = async (s: DeployerService, r: DeploymentRecord) => (await s.get(r.namespace, r.app, r.id))!;
const serving = async () => (await httpGet(bed.lbUrl, HOST)).version;

describe('DeployerService', () => {
  it('deploys version auto as 1, then refuses a second deploy of the app while one runs (409 naming it)', async () => {
    const s = service();
    const first = await s.deploy(helloDescriptor('auto'));
    expect(first.version).toBe(1);
    const second = await s.deploy(helloDescriptor('auto')).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(DeployerError);
    expect(second).toMatchObject({ kind: 'conflict', detail: { running: first.id } });
    await s.idle();
    expect(await record(s, first)).toMatchObject({ status: 'SUCCESS' });
    expect(await serving()).toBe('1');
  }, 60_000);

  it('with etcd stopped: a clear precondition error, and nothing changed', async () => {
    const s = new DeployerService({ store: bed.store(), engine: bed.engine, log: quiet, preflightTimeoutMs: 1000 });
    const before = await bed.engine.cluster.listVersions('default', 'hello');
    await bed.world.etcd.stop({ keepData: true });
    try {
      const refused = await s.deploy(helloDescriptor('auto')).catch((e: unknown) => e);
      expect(refused).toMatchObject({ kind: 'precondition', message: expect.stringMatching(/^etcd cannot be reached .*nothing was changed$/) });
      expect(await bed.engine.cluster.listVersions('default', 'hello')).toEqual(before);
    } finally {
      await bed.world.restartEtcd();
    }
    await waitFor('haproxy serving version 1 again', async () => ((await serving()) === '1' ? true : undefined), 15_000);
  }, 60_000);
});

describe('a deployer process killed between phases', () => {
  /** A deployer process, loaded and waiting on stdin for what to deploy. */
  const startDeployerProcess = async () => {
    // --preserve-symlinks-main: in a worktree whose node_modules is a symlink, the bundle's
    // own URL must stay under this tree, or the descriptor schema it reads (a path relative to
    // it) would be the other tree's.
    const child = spawn(process.execPath, ['--preserve-symlinks-main', BUNDLE], {
      cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ETCD_URL: bed.world.etcd.url, KUBECONFIG_FILE: bed.kubeconfig, LB_URL: bed.lbUrl, LOCK_TTL: '2' },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const exited = new Promise((resolve) => child.once('close', resolve));
    const ready = once(createInterface({ input: child.stdout }), 'line') as Promise<[string]>;
    const first = await Promise.race([ready, exited.then(() => undefined)]);
    if (first === undefined) throw new Error(`the deployer process exited before it was ready: ${stderr}`);
    expect(JSON.parse(first[0])).toEqual({ ready: true });
    return { child, exited, stderr: () => stderr };
  };
  let nextChild: ReturnType<typeof startDeployerProcess> | undefined;
  const KILL_POINTS: { phase: Phase; env?: Record<string, string>; more?: object }[] = [
    { phase: 'accepted' }, { phase: 'creating' }, { phase: 'waiting-ready' }, { phase: 'health-checking' }, { phase: 'registering' },
    { phase: 'waiting-lb' }, { phase: 'switching' }, { phase: 'verifying' }, { phase: 'baking' }, { phase: 'draining' },
    { phase: 'rolling-back', env: { UNHEALTHY: '1' }, more: FAILS_HEALTH_FAST },
  ];

  it(`at ${KILL_POINTS.length} points: the next deployer completes or rolls back; zero failed requests, never without a backend`, async () => {
    const frontendWrites: (string | null)[] = [];
    const watcher = await bed.etcd.watch().key(frontendKey(HOST)).create();
    watcher.on('put', (kv) => frontendWrites.push(kv.value.toString()));
    watcher.on('delete', () => frontendWrites.push(null));
    const records = await bed.etcd.watch().prefix(deploymentsPrefix('default', 'hello')).create();
    const load = startLoad({ url: bed.lbUrl, host: HOST, maxDurationMs: 400_000 });
    const outcomes: string[] = [];
    try {
      for (const point of KILL_POINTS) {
        const before = Number(await serving());
        const version = before + 1;
        const { child, exited, stderr } = await (nextChild ?? startDeployerProcess());
        nextChild = undefined;
        child.stdin.end(`${JSON.stringify({ version, env: point.env ?? {}, more: point.more ?? {} })}\n`);
        // Every write of the record comes through the watch (a poll could miss a short phase):
        // killed the moment the phase is recorded.
        const killed = await new Promise<DeploymentRecord>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`the deployment of v${version} did not reach ${point.phase}; deployer stderr: ${stderr()}`)), 40_000);
          records.on('put', (kv) => {
            const written = JSON.parse(kv.value.toString()) as DeploymentRecord;
            if (written.version !== version || written.phase !== point.phase) return;
            child.kill('SIGKILL');
            clearTimeout(timer);
            resolve(written);
          });
        });
        records.removeAllListeners('put');
        await exited;
        // The next point's deployer loads while this one's deployment is resumed.
        if (point !== KILL_POINTS.at(-1)) nextChild = startDeployerProcess();

        const next = service();
        await next.resumeAll(new AbortController().signal);
        await next.idle();
        const done = await record(next, killed);
        expect(done.phase, `killed in ${point.phase}`).toBe('done');
        outcomes.push(`${point.phase}: ${done.status}`);
        const now = await serving();
        expect(now, `killed in ${point.phase}`).toBe(done.status === 'SUCCESS' ? String(version) : String(before));
        expect((await bed.engine.cluster.listVersions('default', 'hello')).filter((v) => !v.terminating).map((v) => v.version)).toEqual([Number(now)]);
      }
    } finally {
      await nextChild?.then(({ child }) => child.kill('SIGKILL'), () => undefined);
      watcher.removeAllListeners();
      await watcher.cancel();
      await records.cancel();
    }
    const report = await load.stop();
    expect(report.failed, JSON.stringify(report.failures.slice(0, 3))).toBe(0);
    expect(frontendWrites).not.toContain(null);
    // Killed once traffic had moved, it completes; before, it rolls back.
    expect(outcomes).toContain('verifying: SUCCESS');
    expect(outcomes).toContain('baking: SUCCESS');
    expect(outcomes).toContain('draining: SUCCESS');
    expect(outcomes).toContain('waiting-lb: FAILURE');
    expect(outcomes).toContain('rolling-back: FAILURE');
  }, 300_000);
});
