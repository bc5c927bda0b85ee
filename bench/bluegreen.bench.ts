// The blue/green deployer's benchmark (issue 7's acceptance): switch latency and failed
// requests over 20 deploys under constant load through haproxy, against the seed's method
// measured in the same run, on the same machine, at the same load. bench/README.md has the
// definitions; in short:
//
//   scalerd   the test bed (test/deployer/bed.ts: etcd, haproxy master-worker + lb-sync,
//             the simulated cluster running the test app as real processes) and the
//             DeployerService: v1, then v2 … v21, one after another.
//   seed      the Amdatu deployer's way: a plain haproxy (`-D`, no master-worker, no socket
//             handover) fed by a confd-style poller (every POLL_MS it reads its etcd
//             prefix, renders haproxy.cfg, `haproxy -c`, and on change reloads with
//             `-sf $(cat pid)`); a deploy starts the new test-app processes, registers them,
//             sleeps a fixed SEED_WAIT_MS, switches the frontend key, stops the old ones.
//
// Per deploy, from the switch decision D (the frontend key's put as this process's etcd
// watch sees it): to the first request the new version answered, and to 100% new (the first
// such request sent after the last one that the new version did not answer); send times.
//
// The load runs in a child process (this file, SCALERD_BLUEGREEN_LOAD set), so that it
// shares no event loop with the deployer: the tests' open-loop load (test/deployer/load.ts)
// at RATE requests a second.
//
// The bake (issue 13): BAD_DEPLOYS versions that pass their checks, take the traffic and
// crash CRASH_AFTER_S s after they started (the test app's CRASH_AFTER_SECONDS), under the
// same load: from the crash to the old version serving again (the switch back as the
// deployer saw lb-sync acknowledge it), and the requests that failed during the bake and
// after the switch back. Baseline, in the same run: the same bad version with the bake off
// (bake.durationMs 0, the deployer as it was): the requests that failed in the
// NO_BAKE_WINDOW_MS after its crash (it keeps the traffic; nothing switches it back).

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Etcd3 } from 'etcd3';
import pino from 'pino';
import { DeployerService } from '../src/deployer/service/service.js';
import { frontendKey } from '../src/deployer/lb/layout.js';
import { TEST_APP_SERVER } from '../src/sim/process/table.js';
import { HOST, helloDescriptor, startDeployerBed, watchCrash, type DeployerBed } from '../test/deployer/bed.js';
import { freePort, httpGet, tempDir, waitFor } from '../test/deployer/infra.js';
import { startLoad } from '../test/deployer/load.js';
import type { BenchResult } from './run.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEPLOYS = 20;
const TARGET_RATE = 1_000;
/** Requests sent a second, every NEW_CONNECTION_EVERY-th on a new connection (Connection: close), the others kept alive. */
const RATE = 1_200;
const NEW_CONNECTION_EVERY = 4;
/** One request's timeout, as the deployer tests' load (test/deployer/load.ts). */
const REQUEST_TIMEOUT_MS = 2_000;
/** confd's watch mode re-reads 1–2 s after a change; its -interval default (600 s) would make no sense here. */
const POLL_MS = 1_000;
/** The seed's fixed proxy sleep is 20 s; 3 × the poll interval is enough for the reload and keeps the bench bounded. */
const SEED_WAIT_MS = 3_000;
const SEED_DEFAULT_WAIT_MS = 20_000;
/**
 * After a baseline switch is applied: the window in which answers are still counted for it,
 * like scalerd's 1 s drain; then a random part of a poll interval, so that the switch falls
 * at a random point of the poller's cycle (waiting for the poller locks the deploys to it).
 */
const SEED_SETTLE_MS = 1_000;
const SEED_PREFIX = '/bench/seed/proxy/';
const TARGET_ALL_NEW_MS = 1_000;

// --- the load, in a child process -------------------------------------------------------

type LoadSpec = { url: string; host: string; out: string; maxDurationMs: number };
/** [sentAt, doneAt, status (0: no answer), version or null]: one request. */
type Row = [number, number, number, string | null];
type LoadDone = { rows: Row[]; durationMs: number };

const say = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);

/** Sends RATE requests a second until stdin ends (the parent stops it, or died), then writes every request's row. */
async function loadChild(spec: LoadSpec): Promise<void> {
  const load = startLoad({
    url: spec.url, host: spec.host, ratePerS: RATE, newConnectionEvery: NEW_CONNECTION_EVERY, timeoutMs: REQUEST_TIMEOUT_MS,
    maxDurationMs: spec.maxDurationMs, maxRequests: Math.ceil((spec.maxDurationMs * RATE) / 1000),
  });
  say({ event: 'loading' });
  await new Promise((resolve) => { process.stdin.once('end', resolve).once('close', resolve).resume(); });
  const done = await load.stop();
  const rows = done.samples.map((s): Row => [s.sentAt, s.doneAt, s.status, s.version ?? null]);
  await writeFile(spec.out, JSON.stringify({ rows, durationMs: done.durationMs } satisfies LoadDone));
  say({ event: 'done' });
}

type LoadChild = { stop(): Promise<LoadDone>; kill(): void };

async function startLoadChild(spec: LoadSpec): Promise<LoadChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    cwd: ROOT, env: { ...process.env, SCALERD_BLUEGREEN_LOAD: JSON.stringify(spec) }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => { stderr = (stderr + c.toString('utf8')).slice(-4000); });
  const events: string[] = [];
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  createInterface({ input: child.stdout! }).on('line', (line) => { events.push((JSON.parse(line) as { event: string }).event); wake(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); wake(); }));
  const event = async (name: string) => {
    while (!events.includes(name)) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the load process ended before "${name}": ${stderr}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const kill = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); };
  try {
    await event('loading');
  } catch (error) {
    kill();
    throw error;
  }
  return {
    kill,
    async stop() {
      child.stdin!.end();
      await event('done');
      await exited;
      return JSON.parse(await readFile(spec.out, 'utf8')) as LoadDone;
    },
  };
}

// --- analysis ---------------------------------------------------------------------------

type Window = { version: number; startAt: number; endAt: number; decisionAt: number };
type DeployFigures = { version: number; firstNewMs: number; allNewMs: number; startToAllNewMs: number; failed: number; answers: number };

const isNew = (row: Row, version: number) => row[2] >= 200 && row[2] <= 299 && row[3] === String(version);
const failed = (row: Row) => row[2] < 200 || row[2] > 299;

/** One deploy's figures from the requests sent in its window (its start to the next deploy's). */
function analyse(rows: readonly Row[], w: Window): DeployFigures {
  const mine = rows.filter((r) => r[0] >= w.startAt && r[0] < w.endAt).sort((a, b) => a[0] - b[0]);
  const fresh = mine.filter((r) => isNew(r, w.version));
  const firstNewAt = fresh[0]?.[0] ?? Infinity;
  const lastOther = Math.max(-Infinity, ...mine.filter((r) => !isNew(r, w.version)).map((r) => r[0]));
  const allNewAt = fresh.find((r) => r[0] > lastOther)?.[0] ?? Infinity;
  return {
    version: w.version, firstNewMs: firstNewAt - w.decisionAt, allNewMs: allNewAt - w.decisionAt, startToAllNewMs: allNewAt - w.startAt,
    failed: mine.filter(failed).length, answers: mine.length,
  };
}

/** Nearest rank: with 20 values p50 is the 10th smallest and p99 the largest. */
const percentile = (values: readonly number[], p: number) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)]!;

type MethodFigures = {
  deploys: DeployFigures[]; requests: number; failed: number; failedByStatus: Record<string, number>; ratePerS: number;
  firstNewP50Ms: number; firstNewP99Ms: number; allNewP50Ms: number; allNewP99Ms: number; startToAllNewP50Ms: number;
};

function summarise(load: LoadDone, windows: readonly Window[]): MethodFigures {
  const deploys = windows.map((w) => analyse(load.rows, w));
  const failures = load.rows.filter(failed);
  const failedByStatus: Record<string, number> = {};
  for (const r of failures) failedByStatus[String(r[2])] = (failedByStatus[String(r[2])] ?? 0) + 1;
  const of = (pick: (d: DeployFigures) => number, p: number) => percentile(deploys.map(pick), p);
  return {
    deploys, requests: load.rows.length, failed: failures.length, failedByStatus, ratePerS: (load.rows.length / load.durationMs) * 1000,
    firstNewP50Ms: of((d) => d.firstNewMs, 50), firstNewP99Ms: of((d) => d.firstNewMs, 99),
    allNewP50Ms: of((d) => d.allNewMs, 50), allNewP99Ms: of((d) => d.allNewMs, 99), startToAllNewP50Ms: of((d) => d.startToAllNewMs, 50),
  };
}

// --- switch decisions: the frontend key's puts as this process sees them -------------------

type Puts = { decision(after: number, accept: (value: string) => boolean): Promise<number>; cancel(): Promise<void> };

async function watchPuts(etcd: Etcd3, key: string): Promise<Puts> {
  const watcher = await etcd.watch().key(key).create();
  const seen: { at: number; value: string }[] = [];
  watcher.on('put', (kv) => seen.push({ at: Date.now(), value: kv.value.toString('utf8') }));
  return {
    decision: (after, accept) => waitFor(`the switch of ${key}`, () => seen.find((p) => p.at >= after && accept(p.value))?.at, 5_000, 5),
    cancel: () => watcher.cancel(),
  };
}

// --- scalerd ------------------------------------------------------------------------------

async function runScalerd(bed: DeployerBed, dir: string): Promise<{ figures: MethodFigures; decisionLagMs: number[]; deployMs: number[] }> {
  const deployer = new DeployerService({ store: bed.store(), engine: bed.engine, log: pino({ level: 'silent' }) });
  const deploy = async (version: number) => {
    const record = await deployer.deploy(helloDescriptor(version));
    await deployer.idle();
    const done = await deployer.get(record.namespace, record.app, record.id);
    if (done?.status !== 'SUCCESS') throw new Error(`scalerd: version ${version} ended ${done?.status}: ${done?.reason}`);
    return done;
  };
  await deploy(1);
  const puts = await watchPuts(bed.etcd, frontendKey(HOST));
  const load = await startLoadChild({ url: bed.lbUrl, host: HOST, out: join(dir, 'scalerd-load.json'), maxDurationMs: 240_000 });
  try {
    await sleep(1_000);
    const windows: Window[] = [];
    const decisionLagMs: number[] = [];
    const deployMs: number[] = [];
    for (let version = 2; version <= DEPLOYS + 1; version++) {
      const startAt = Date.now();
      const done = await deploy(version);
      deployMs.push(Date.now() - startAt);
      const decisionAt = await puts.decision(startAt, (v) => (JSON.parse(v) as { backend?: string }).backend === `default.hello.${version}`);
      decisionLagMs.push(decisionAt - done.phases.find((p) => p.phase === 'switching')!.at);
      windows.push({ version, startAt, endAt: Infinity, decisionAt });
      if (windows.length > 1) windows.at(-2)!.endAt = startAt;
    }
    await sleep(1_000);
    const result = await load.stop();
    return { figures: summarise(result, windows), decisionLagMs, deployMs };
  } finally {
    load.kill();
    await puts.cancel();
  }
}

// --- the seed's method: confd-style poller + plain haproxy reloads --------------------------

/** Runs a program to its exit with stdio to a file (a haproxy -D daemon keeps no pipe of ours open). */
async function runTo(command: string, args: readonly string[], log: string): Promise<number | null> {
  const fd = openSync(log, 'a');
  try {
    const child = spawn(command, args, { stdio: ['ignore', fd, fd] });
    return await new Promise((resolve, reject) => child.once('error', reject).once('exit', (code) => resolve(code)));
  } finally {
    closeSync(fd);
  }
}

/** The confd template's output: every backend under the prefix, the host routed to its frontend's BackendId. */
function renderSeedConfig(kvs: readonly { key: string; value: string }[], port: number): string {
  const backends = new Map<string, string[]>();
  const routes: string[] = [];
  for (const { key, value } of [...kvs].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    const [kind, name, server] = key.slice(SEED_PREFIX.length).split('/');
    if (kind === 'backends' && name && server) {
      const s = JSON.parse(value) as { IPAddress: string; Port: number };
      backends.set(name, [...(backends.get(name) ?? []), `  server ${server} ${s.IPAddress}:${s.Port} check`]);
    } else if (kind === 'frontends' && name) {
      routes.push(`  acl host_${routes.length} hdr(host) -i ${name}`, `  use_backend be_${(JSON.parse(value) as { BackendId: string }).BackendId} if host_${routes.length}`);
    }
  }
  return [
    'global', '  maxconn 4096', '  hard-stop-after 30s', '',
    'defaults', '  mode http', '  timeout connect 2s', '  timeout client 30s', '  timeout server 30s', '  timeout http-request 10s', '  timeout http-keep-alive 10s', '',
    'frontend http-in', `  bind 127.0.0.1:${port}`, ...routes, '',
    ...[...backends].flatMap(([name, servers]) => [`backend be_${name}`, '  option httpchk GET /health', ...servers, '']),
  ].join('\n');
}

type SeedLb = { url: string; appliedRevision(): number; reloads: { at: number; ms: number }[]; errors: string[]; stop(): Promise<void> };

async function startSeedLb(etcd: Etcd3, dir: string): Promise<SeedLb> {
  const port = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  const stage = join(dir, 'haproxy.cfg.stage');
  const pidFile = join(dir, 'haproxy.pid');
  const log = join(dir, 'haproxy.log');
  const pids = new Set<number>();
  const reloads: { at: number; ms: number }[] = [];
  const errors: string[] = [];
  let current = '';
  let applied = 0;
  let stopped = false;

  /** One confd run: render; unchanged → nothing; changed → check, move into place, reload (or start). */
  const once = async () => {
    const read = await etcd.getAll().prefix(SEED_PREFIX).exec();
    const text = renderSeedConfig(read.kvs.map((kv) => ({ key: kv.key.toString('utf8'), value: kv.value.toString('utf8') })), port);
    if (text !== current) {
      const at = Date.now();
      await writeFile(stage, text);
      if ((await runTo('haproxy', ['-c', '-q', '-f', stage], log)) !== 0) {
        errors.push(`haproxy -c failed at ${new Date(at).toISOString()}`);
        return;
      }
      await rename(stage, cfg);
      const old = current === '' ? [] : ['-sf', (await readFile(pidFile, 'utf8')).trim()];
      if ((await runTo('haproxy', ['-D', '-f', cfg, '-p', pidFile, ...old], log)) !== 0) throw new Error(`haproxy did not start: ${await readFile(log, 'utf8')}`);
      pids.add(Number((await readFile(pidFile, 'utf8')).trim()));
      current = text;
      reloads.push({ at, ms: Date.now() - at });
    }
    applied = Number(read.header.revision);
  };
  await once();
  const loop = (async () => {
    while (!stopped) {
      await sleep(POLL_MS);
      if (!stopped) await once().catch((error: unknown) => { errors.push((error as Error).message); });
    }
  })();
  return {
    url: `http://127.0.0.1:${port}`, appliedRevision: () => applied, reloads, errors,
    async stop() {
      stopped = true;
      await loop;
      // Every haproxy this poller started that still runs (checked to be ours: a pid may be reused).
      const ours = async (pid: number) => (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes(cfg);
      const signal = async (name: NodeJS.Signals) => { for (const pid of pids) if (await ours(pid)) try { process.kill(pid, name); } catch { /* gone meanwhile */ } };
      await signal('SIGTERM');
      await waitFor('the baseline haproxy to exit', async () => ((await Promise.all([...pids].map(ours))).some(Boolean) ? undefined : true), 5_000, 50)
        .catch(() => signal('SIGKILL'));
    },
  };
}

type AppProcess = { address: string; name: string; exited: Promise<void>; stop(): Promise<void> };

/** The test app as a process on 127.0.3.x:8080 (pod-like: an address each), resolved once it listens. */
async function startTestApp(version: number, index: number, running: Set<AppProcess>): Promise<AppProcess> {
  const address = `127.0.3.${10 + (version - 1) * 2 + index}`;
  const name = `hello-${version}-${index}`;
  const child: ChildProcess = spawn(process.execPath, [TEST_APP_SERVER, `--host=${address}`, '--port=8080', `--version=${version}`, `--pod-name=${name}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (c: Buffer) => { output += c.toString('utf8'); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const app: AppProcess = {
    address, name, exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      running.delete(app);
    },
  };
  running.add(app);
  await waitFor(`${name} to listen`, () => {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${output}`);
    return output.includes('listening on') ? true : undefined;
  }, 5_000, 10);
  return app;
}

async function runSeed(etcd: Etcd3, dir: string): Promise<{ figures: MethodFigures; reloads: number; reloadP50Ms: number; failedBeforeReload: number; errors: string[] }> {
  const running = new Set<AppProcess>();
  const backendId = (version: number) => `default-hello-${version}`;
  const frontend = `${SEED_PREFIX}frontends/${HOST}`;
  /** Start and register the version's two servers, as the seed's deploy does. */
  const bringUp = async (version: number) => {
    const apps = await Promise.all([0, 1].map((i) => startTestApp(version, i, running)));
    for (const app of apps) await etcd.put(`${SEED_PREFIX}backends/${backendId(version)}/${app.address}`).value(JSON.stringify({ IPAddress: app.address, Port: 8080 }));
    return apps;
  };
  let lb: SeedLb | undefined;
  let puts: Puts | undefined;
  let load: LoadChild | undefined;
  try {
    let live = await bringUp(1);
    await etcd.put(frontend).value(JSON.stringify({ Type: 'http', BackendId: backendId(1) }));
    const seedLb = (lb = await startSeedLb(etcd, dir));
    puts = await watchPuts(etcd, frontend);
    const url = seedLb.url;
    await waitFor('the baseline haproxy to serve v1', async () => ((await httpGet(url, HOST)).version === '1' ? true : undefined), 10_000, 50);
    load = await startLoadChild({ url, host: HOST, out: join(dir, 'seed-load.json'), maxDurationMs: 240_000 });
    await sleep(1_000);
    const windows: Window[] = [];
    for (let version = 2; version <= DEPLOYS + 1; version++) {
      const startAt = Date.now();
      const next = await bringUp(version);
      await sleep(SEED_WAIT_MS); // the seed's fixed "proxysleep"
      await etcd.put(frontend).value(JSON.stringify({ Type: 'http', BackendId: backendId(version) }));
      // The seed's clean-up: the old version goes at once, its backend with it.
      const gone = Promise.all(live.map((app) => app.stop()));
      const { header } = await etcd.delete().prefix(`${SEED_PREFIX}backends/${backendId(version - 1)}/`).exec();
      const decisionAt = await puts.decision(startAt, (v) => (JSON.parse(v) as { BackendId?: string }).BackendId === backendId(version));
      windows.push({ version, startAt, endAt: Infinity, decisionAt });
      if (windows.length > 1) windows.at(-2)!.endAt = startAt;
      // Not the seed's: the bench's own bookkeeping before the next deploy's window opens.
      await waitFor('the poller to apply the switch', () => (seedLb.appliedRevision() >= Number(header.revision) ? true : undefined), 10_000, 20);
      await gone;
      live = next;
      await sleep(SEED_SETTLE_MS + Math.random() * POLL_MS);
    }
    const result = await load.stop();
    // Failures sent between a switch and the end of the reload that applied it: the old version was stopped before haproxy stopped sending to it.
    const gaps = windows.map((w) => { const r = seedLb.reloads.find((x) => x.at >= w.decisionAt); return [w.decisionAt, r ? r.at + r.ms : Infinity] as const; });
    const failedBeforeReload = result.rows.filter((r) => failed(r) && gaps.some(([from, to]) => r[0] >= from && r[0] <= to)).length;
    return { figures: summarise(result, windows), failedBeforeReload, reloads: seedLb.reloads.length, reloadP50Ms: percentile(seedLb.reloads.map((r) => r.ms), 50), errors: seedLb.errors };
  } finally {
    load?.kill();
    await puts?.cancel();
    await lb?.stop();
    await Promise.all([...running].map((app) => app.stop()));
    await etcd.delete().prefix(SEED_PREFIX);
  }
}


// --- the bake: bad versions switched back, against the bake off -----------------------------

const BAD_DEPLOYS = 3;
const CRASH_AFTER_S = 6;
const BAKE_MS = 20_000;
const NO_BAKE_WINDOW_MS = 10_000;

type BakeRun = { detectionMs: number[]; decisionMs: number[]; failedInBake: number[]; requestsInBake: number[]; failedAfterBack: number; noBakeFailed: number[]; noBakeRequests: number[] };

async function runBake(bed: DeployerBed, dir: string): Promise<BakeRun> {
  const deployer = new DeployerService({ store: bed.store({ lockTtlSeconds: 15 }), engine: bed.engine, log: pino({ level: 'silent' }) });
  const deploy = async (env: Record<string, string>, bakeMs: number) => {
    const record = await deployer.deploy(helloDescriptor('auto', env, { bake: { durationMs: bakeMs } }));
    const crash = watchCrash(bed.sim, record.version, CRASH_AFTER_S);
    await deployer.idle();
    crash.stop();
    return { done: (await deployer.get(record.namespace, record.app, record.id))!, crashAt: crash.crashAt() };
  };
  const bad = { CRASH_AFTER_SECONDS: String(CRASH_AFTER_S) };
  const load = await startLoadChild({ url: bed.lbUrl, host: HOST, out: join(dir, 'bake-load.json'), maxDurationMs: 300_000 });
  try {
    await sleep(1_000);
    const baked: { crashAt: number; decisionAt: number; switchingAt: number; backAt: number; endAt: number }[] = [];
    for (let i = 0; i < BAD_DEPLOYS; i++) {
      const { done, crashAt } = await deploy(bad, BAKE_MS);
      const backAt = (await deployer.logs(done.namespace, done.app, done.id)).find((l) => /switched back to/.test(l.message))?.at;
      if (done.status !== 'FAILURE' || crashAt === undefined || backAt === undefined) throw new Error(`bake: the bad version ${done.version} ended ${done.status}: ${done.reason}`);
      const at = (phase: string) => done.phases.find((p) => p.phase === phase)!.at;
      baked.push({ crashAt, decisionAt: at('rolling-back'), switchingAt: at('switching'), backAt, endAt: Date.now() });
    }
    const unbaked: { crashAt: number }[] = [];
    for (let i = 0; i < BAD_DEPLOYS; i++) {
      const { done, crashAt } = await deploy(bad, 0);
      if (done.status !== 'SUCCESS' || crashAt === undefined) throw new Error(`bake off: the bad version ${done.version} ended ${done.status}: ${done.reason}`);
      await sleep(Math.max(0, crashAt + NO_BAKE_WINDOW_MS - Date.now()));
      unbaked.push({ crashAt });
      // Not counted: a good version takes the traffic back for the next round.
      const good = await deploy({}, 0);
      if (good.done.status !== 'SUCCESS') throw new Error(`bake off: the good version ${good.done.version} ended ${good.done.status}: ${good.done.reason}`);
    }
    const { rows } = await load.stop();
    const count = (from: number, to: number) => rows.filter((r) => r[0] >= from && r[0] < to);
    return {
      detectionMs: baked.map((b) => b.backAt - b.crashAt),
      decisionMs: baked.map((b) => b.decisionAt - b.crashAt),
      failedInBake: baked.map((b) => count(b.switchingAt, b.backAt).filter(failed).length),
      requestsInBake: baked.map((b) => count(b.switchingAt, b.backAt).length),
      failedAfterBack: baked.reduce((n, b) => n + count(b.backAt, b.endAt).filter(failed).length, 0),
      noBakeFailed: unbaked.map((u) => count(u.crashAt, u.crashAt + NO_BAKE_WINDOW_MS).filter(failed).length),
      noBakeRequests: unbaked.map((u) => count(u.crashAt, u.crashAt + NO_BAKE_WINDOW_MS).length),
    };
  } finally {
    load.kill();
  }
}

// --- the benchmark --------------------------------------------------------------------------

const s = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(ms < 10_000 ? 3 : 1)} s` : 'never');

export async function run(): Promise<BenchResult> {
  const dir = await tempDir('bench-bluegreen');
  let bed: DeployerBed | undefined;
  try {
    bed = await startDeployerBed();
    const scalerd = await runScalerd(bed, dir);
    const bake = await runBake(bed, dir);
    const seed = await runSeed(bed.etcd, dir);
    const a = scalerd.figures;
    const b = seed.figures;
    const met = a.allNewP99Ms < TARGET_ALL_NEW_MS && a.failed === 0;
    const rateMet = Math.min(a.ratePerS, b.ratePerS) >= TARGET_RATE;
    const seedWaitAddsMs = (SEED_DEFAULT_WAIT_MS - SEED_WAIT_MS) * DEPLOYS;
    const failures = (f: MethodFigures) => `${f.failed} failed of ${f.requests}${f.failed ? ` (${Object.entries(f.failedByStatus).map(([k, n]) => `${k === '0' ? 'no answer' : k}: ${n}`).join(', ')})` : ''}`;
    const latencies = (f: MethodFigures) => `first new p50 ${s(f.firstNewP50Ms)} / p99 ${s(f.firstNewP99Ms)}, 100% new p50 ${s(f.allNewP50Ms)} / p99 ${s(f.allNewP99Ms)}`;
    const figures: Record<string, number> = {
      deploys: DEPLOYS, sentRatePerS: RATE, newConnectionEvery: NEW_CONNECTION_EVERY, targetRatePerS: TARGET_RATE,
      scalerdRatePerS: a.ratePerS, scalerdRequests: a.requests, scalerdFailed: a.failed,
      scalerdFirstNewP50Ms: a.firstNewP50Ms, scalerdFirstNewP99Ms: a.firstNewP99Ms, scalerdAllNewP50Ms: a.allNewP50Ms, scalerdAllNewP99Ms: a.allNewP99Ms,
      scalerdStartToAllNewP50Ms: a.startToAllNewP50Ms, scalerdDeployP50Ms: percentile(scalerd.deployMs, 50), scalerdDecisionLagP50Ms: percentile(scalerd.decisionLagMs, 50),
      seedRatePerS: b.ratePerS, seedRequests: b.requests, seedFailed: b.failed,
      seedFirstNewP50Ms: b.firstNewP50Ms, seedFirstNewP99Ms: b.firstNewP99Ms, seedAllNewP50Ms: b.allNewP50Ms, seedAllNewP99Ms: b.allNewP99Ms,
      seedStartToAllNewP50Ms: b.startToAllNewP50Ms, seedStartToAllNewP50MsAt20sWait: b.startToAllNewP50Ms + SEED_DEFAULT_WAIT_MS - SEED_WAIT_MS,
      seedPollMs: POLL_MS, seedWaitMs: SEED_WAIT_MS, seedDefaultWaitAddsMs: seedWaitAddsMs, seedFailedBeforeReload: seed.failedBeforeReload, seedFailedElsewhere: b.failed - seed.failedBeforeReload, seedReloads: seed.reloads, seedReloadP50Ms: seed.reloadP50Ms, seedPollerErrors: seed.errors.length,
      targetAllNewP99Ms: TARGET_ALL_NEW_MS,
      bakeBadDeploys: BAD_DEPLOYS, bakeCrashAfterMs: CRASH_AFTER_S * 1000, bakeDurationMs: BAKE_MS,
      bakeCrashToSwitchBackP50Ms: percentile(bake.detectionMs, 50), bakeCrashToSwitchBackMaxMs: Math.max(...bake.detectionMs),
      bakeCrashToBreachP50Ms: percentile(bake.decisionMs, 50),
      bakeFailedP50: percentile(bake.failedInBake, 50), bakeFailedMax: Math.max(...bake.failedInBake), bakeRequestsP50: percentile(bake.requestsInBake, 50),
      bakeFailedAfterSwitchBack: bake.failedAfterBack,
      noBakeWindowMs: NO_BAKE_WINDOW_MS, noBakeFailedP50: percentile(bake.noBakeFailed, 50), noBakeRequestsP50: percentile(bake.noBakeRequests, 50),
      ...Object.fromEntries(a.deploys.flatMap((d) => [[`scalerdV${d.version}FirstNewMs`, d.firstNewMs], [`scalerdV${d.version}AllNewMs`, d.allNewMs], [`scalerdV${d.version}Failed`, d.failed]])),
      ...Object.fromEntries(b.deploys.flatMap((d) => [[`seedV${d.version}FirstNewMs`, d.firstNewMs], [`seedV${d.version}AllNewMs`, d.allNewMs], [`seedV${d.version}Failed`, d.failed]])),
    };
    return {
      name: 'bluegreen',
      description: `${DEPLOYS} blue/green deploys (v2…v${DEPLOYS + 1} after v1) under a constant ${RATE} requests/s through haproxy (1 in ${NEW_CONNECTION_EVERY} on a new connection, the others kept alive): scalerd's deployer (bed: etcd, haproxy master-worker + lb-sync, simulated cluster running the test app) against the seed's method (confd-style ${POLL_MS / 1000} s poll, haproxy -c, plain -sf reload; fixed ${SEED_WAIT_MS / 1000} s wait before the switch, old version stopped at the switch)`,
      figures,
      speedup: b.allNewP99Ms / a.allNewP99Ms,
      summary: `${DEPLOYS} deploys at ${Math.round(a.ratePerS)} req/s (seed: ${Math.round(b.ratePerS)}; 1 in ${NEW_CONNECTION_EVERY} on a new connection; ≥ ${TARGET_RATE}/s ${rateMet ? 'met' : 'MISSED'}). `
        + `scalerd: ${latencies(a)}, ${failures(a)} (target p99 < 1 s to 100% new and 0 failed: ${met ? 'met' : 'MISSED'}); `
        + `seed's method (${POLL_MS / 1000} s poll + plain reload, fixed ${SEED_WAIT_MS / 1000} s wait): ${latencies(b)}, ${failures(b)}; ${seed.failedBeforeReload} of them sent between a switch and the reload that applied it (the old version already stopped), ${b.failed - seed.failedBeforeReload} elsewhere (plain reloads); ${seed.reloads} reloads; `
        + `deploy start → 100% new p50: scalerd ${s(a.startToAllNewP50Ms)}, seed ${s(b.startToAllNewP50Ms)} (${s(b.startToAllNewP50Ms + SEED_DEFAULT_WAIT_MS - SEED_WAIT_MS)} with its default 20 s wait, +${seedWaitAddsMs / 1000} s over ${DEPLOYS} deploys); `
        + `bake: ${BAD_DEPLOYS} versions crashing ${CRASH_AFTER_S} s after start, crash → old version serving again p50 ${s(percentile(bake.detectionMs, 50))} / max ${s(Math.max(...bake.detectionMs))} `
        + `(breach seen p50 ${s(percentile(bake.decisionMs, 50))}), failed during the bake p50 ${percentile(bake.failedInBake, 50)} / max ${Math.max(...bake.failedInBake)} of ~${percentile(bake.requestsInBake, 50)}, ${bake.failedAfterBack} after the switch back; `
        + `bake off (as before): ${percentile(bake.noBakeFailed, 50)} of ${percentile(bake.noBakeRequests, 50)} failed in the ${NO_BAKE_WINDOW_MS / 1000} s after the crash, and the bad version kept the traffic`,
    };
  } finally {
    await bed?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const loadSpec = process.env.SCALERD_BLUEGREEN_LOAD;
if (loadSpec) {
  await loadChild(JSON.parse(loadSpec) as LoadSpec);
  process.exit(0);
}
