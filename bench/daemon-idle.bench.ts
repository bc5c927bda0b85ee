// The idle daemon: how long `scalerd run` takes from spawn to /readyz answering 200, and
// how much memory it holds once it has sat idle for a while. Targets: ready in under
// 1.5 s, resident set under 100 MB.
//
// The daemon is the built binary (`node dist/cli/main.js run`, rebuilt first so the figure
// is of the source as it is) against the demo cluster served by `scalerd sim` in a process
// of its own, so the RSS read is the daemon's alone. Its schedule wants exactly what the
// demo cluster has, so after the first reconcile it has nothing to do: idle as a daemon is
// most of its life. Baseline, same run, same way of measuring: a bare `node -e` process
// that only listens on an HTTP port: what any Node service costs before it does anything.

import { buildDist, median, ROOT, simAwsEnv } from './processes.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BenchResult } from './run.js';

const STARTS = 3;
const IDLE_MS = 20_000;
const READY_TARGET_MS = 1_500;
const RSS_TARGET_MB = 100;
const MB = 1e6;

/** The demo scenario's capacity and replicas, as a schedule: desired equals observed. */
const SCHEDULE = {
  version: 1,
  timezone: 'Europe/Amsterdam',
  nodeGroups: { workers: { asg: 'shop-prod-workers', min: 2, max: 40 } },
  workloads: { 'shop/web': { kind: 'Deployment', min: 2 }, 'shop/search': { kind: 'StatefulSet', min: 1, max: 6 } },
  default: { capacity: { workers: 12 }, replicas: { 'shop/web': 6, 'shop/search': 3 } },
};

type Started = { child: ChildProcess; exited: Promise<number | null>; lines: string[] };

function start(args: readonly string[], env: Record<string, string> = {}): Started {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, lines };
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000, everyMs = 5): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function status(url: string): Promise<number | undefined> {
  try {
    return (await fetch(url)).status;
  } catch {
    return undefined;
  }
}

/** VmRSS and VmHWM (peak) of a process, in bytes, from /proc. */
async function memory(pid: number): Promise<{ rss: number; peak: number }> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

async function stop(p: Started): Promise<number | null> {
  p.child.kill('SIGTERM');
  return await p.exited;
}

/** `scalerd sim` on the demo scenario, in its own process; where it listens, from its banner. */
async function startSim(dir: string): Promise<{ sim: Started; server: string; region: string; kubeconfig: string; awsEnv: Record<string, string> }> {
  const kubeconfig = join(dir, 'kubeconfig');
  const sim = start(['dist/cli/main.js', 'sim', '--scenario', 'scenarios/demo.json', '--port', '0', '--kubeconfig-out', kubeconfig]);
  const server = await until('the simulator to listen', () => sim.lines.map((l) => /Kubernetes API\s+(http:\S+)/.exec(l)?.[1]).find(Boolean));
  const region = await until('the simulator\'s region', () => sim.lines.map((l) => /region\s+(\S+)/.exec(l)?.[1]).find(Boolean));
  const awsEnv = await until('the simulator\'s AWS key', () => simAwsEnv(sim.lines));
  return { sim, server, region, kubeconfig, awsEnv };
}

type Run = { readyMs: number; listeningMs: number; leadingMs: number; process: Started; port: number };

/** One daemon, from spawn to /readyz 200, and on to its first reconcile as leader. */
async function startDaemon(sim: { server: string; region: string; kubeconfig: string; awsEnv: Record<string, string> }, schedule: string, nodeArgs: readonly string[] = []): Promise<Run> {
  const at = performance.now();
  const p = start([...nodeArgs, 'dist/cli/main.js', 'run', '--schedule', schedule, '--kubeconfig', sim.kubeconfig, '--aws-region', sim.region, '--aws-endpoint', sim.server,
    '--listen', '127.0.0.1:0', '--log-format', 'json', '--identity', 'bench'], sim.awsEnv);
  const events = () => p.lines.map((l) => JSON.parse(l) as { event?: string; port?: number; steps?: number });
  const port = await until('the daemon to listen', () => events().find((e) => e.event === 'listening')?.port, 30_000, 1);
  const listeningMs = performance.now() - at;
  await until('/readyz 200', async () => ((await status(`http://127.0.0.1:${port}/readyz`)) === 200 ? true : undefined), 30_000, 5);
  const readyMs = performance.now() - at;
  // Ready may come from a reconcile as standby (before the Lease is taken); the first
  // reconcile as leader is the one that observed the cluster and found nothing to do.
  await until('a reconcile as leader', () => (events().some((e) => e.event === 'reconciled') ? true : undefined), 30_000, 5);
  const leadingMs = performance.now() - at;
  return { readyMs, listeningMs, leadingMs, process: p, port };
}

/** `node -e`: an HTTP server and nothing else, timed the same way (spawn to a 200). */
async function bareNode(): Promise<{ readyMs: number; process: Started }> {
  const at = performance.now();
  const p = start(['-e', "const s = require('node:http').createServer((q, r) => r.end('ok')); s.listen(0, '127.0.0.1', () => console.log(s.address().port)); process.on('SIGTERM', () => s.close())"]);
  const port = await until('the bare server to listen', () => p.lines[0], 10_000, 1);
  await until('the bare server to answer', async () => ((await status(`http://127.0.0.1:${port}/`)) === 200 ? true : undefined), 10_000, 5);
  return { readyMs: performance.now() - at, process: p };
}

export async function run(): Promise<BenchResult> {
  await buildDist();
  const dir = await mkdtemp(join(tmpdir(), 'scalerd-bench-idle-'));
  const schedule = join(dir, 'schedule.json');
  await writeFile(schedule, JSON.stringify(SCHEDULE));
  const sim = await startSim(dir);
  try {
    // Baseline: the same number of starts, the same idle before its memory is read.
    const bareReady: number[] = [];
    let bareMem = { rss: NaN, peak: NaN };
    for (let i = 0; i < STARTS; i++) {
      const bare = await bareNode();
      bareReady.push(bare.readyMs);
      if (i === STARTS - 1) {
        await new Promise((r) => setTimeout(r, IDLE_MS));
        bareMem = await memory(bare.process.child.pid!);
      }
      await stop(bare.process);
    }

    // Each start ends with a SIGTERM, which releases the Lease: the next daemon leads at once.
    const runs: Omit<Run, 'process' | 'port'>[] = [];
    let idle: { rss: number; peak: number; metricRss: number; reconciles: number; decisions: number; exit: number | null } | undefined;
    for (let i = 0; i < STARTS; i++) {
      // DAEMON_PROF=<dir>: a CPU profile of each start, to see where the time goes.
      const daemon = await startDaemon(sim, schedule, process.env.DAEMON_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.DAEMON_PROF] : []);
      runs.push({ readyMs: daemon.readyMs, listeningMs: daemon.listeningMs, leadingMs: daemon.leadingMs });
      if (i === STARTS - 1) {
        await new Promise((r) => setTimeout(r, IDLE_MS));
        const mem = await memory(daemon.process.child.pid!);
        const metrics = await (await fetch(`http://127.0.0.1:${daemon.port}/metrics`)).text();
        const metricRss = Number(/^scalerd_process_resident_memory_bytes (\S+)$/m.exec(metrics)?.[1] ?? NaN);
        const events = daemon.process.lines.map((l) => JSON.parse(l) as { event?: string });
        idle = { ...mem, metricRss, reconciles: events.filter((e) => e.event === 'reconciled').length, decisions: events.filter((e) => e.event === 'decision').length, exit: null };
        idle.exit = await stop(daemon.process);
      } else {
        const code = await stop(daemon.process);
        if (code !== 0) throw new Error(`the daemon exited ${code} on SIGTERM`);
      }
    }
    if (!idle) throw new Error('no idle run');
    if (idle.decisions !== 0) throw new Error(`the daemon was not idle: ${idle.decisions} decisions (the schedule should equal the demo cluster)`);

    const readyMs = median(runs.map((r) => r.readyMs));
    const listeningMs = median(runs.map((r) => r.listeningMs));
    const leadingMs = median(runs.map((r) => r.leadingMs));
    const bareReadyMs = median(bareReady);
    const rssMb = idle.rss / MB;
    const bareRssMb = bareMem.rss / MB;
    const readyOk = readyMs < READY_TARGET_MS;
    const rssOk = rssMb < RSS_TARGET_MB;
    const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    return {
      name: 'daemon-idle',
      description: `scalerd run (built) against the demo cluster in another process, its schedule equal to the cluster: spawn to /readyz 200 (median of ${STARTS}), RSS after ${IDLE_MS / 1000} s idle; baseline a bare node -e HTTP server`,
      figures: {
        readyMs, listeningMs, leadingMs, bareReadyMs,
        ...Object.fromEntries(runs.flatMap((r, i) => [[`readyMs${i + 1}`, r.readyMs]])),
        rssMb, peakRssMb: idle.peak / MB, metricRssMb: idle.metricRss / MB, bareRssMb, barePeakRssMb: bareMem.peak / MB,
        idleMs: IDLE_MS, idleReconciles: idle.reconciles,
        readyTargetMs: READY_TARGET_MS, rssTargetMb: RSS_TARGET_MB,
      },
      speedup: bareReadyMs / readyMs,
      summary: `ready ${fmt(readyMs)} (median of ${STARTS}: ${runs.map((r) => fmt(r.readyMs)).join(', ')}; target < 1.5 s, ${readyOk ? 'met' : 'MISSED'}; listening at ${fmt(listeningMs)}, first reconcile as leader done at ${fmt(leadingMs)}; bare node HTTP server ${fmt(bareReadyMs)}, ×${(readyMs / bareReadyMs).toFixed(1)}); `
        + `RSS after ${IDLE_MS / 1000} s idle ${rssMb.toFixed(1)} MB (target < 100 MB, ${rssOk ? 'met' : 'MISSED'}; peak ${(idle.peak / MB).toFixed(1)} MB; bare node ${bareRssMb.toFixed(1)} MB, +${(rssMb - bareRssMb).toFixed(1)} MB); SIGTERM exit ${idle.exit}`,
    };
  } finally {
    await stop(sim.sim);
    await rm(dir, { recursive: true, force: true });
  }
}
