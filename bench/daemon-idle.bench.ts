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

import { buildDist, DECISION_EVENTS, ledReconcile, median, memory, start, startSim, stop, until, type SimProcess, type Started } from './processes.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

async function status(url: string): Promise<number | undefined> {
  try {
    return (await fetch(url)).status;
  } catch {
    return undefined;
  }
}

type Run = { readyMs: number; listeningMs: number; leadingMs: number; process: Started; port: number };

/** One daemon, from spawn to /readyz 200, and on to its first reconcile as leader. */
async function startDaemon(sim: SimProcess, schedule: string, nodeArgs: readonly string[] = []): Promise<Run> {
  const at = performance.now();
  const p = start([...nodeArgs, 'dist/cli/main.js', 'run', '--schedule', schedule, '--kubeconfig', sim.kubeconfig, '--aws-region', sim.region, '--aws-endpoint', sim.server,
    '--listen', '127.0.0.1:0', '--log-format', 'json', '--identity', 'bench'], sim.awsEnv);
  const events = () => p.lines.map((l) => JSON.parse(l) as { event?: string; port?: number });
  const port = await until('the daemon to listen', () => events().find((e) => e.event === 'listening')?.port, 30_000, 1);
  const listeningMs = performance.now() - at;
  await until('/readyz 200', async () => ((await status(`http://127.0.0.1:${port}/readyz`)) === 200 ? true : undefined), 30_000, 5);
  const readyMs = performance.now() - at;
  // Ready may come from a reconcile as standby (before the Lease is taken); the first
  // reconcile as leader is the one that observed the cluster and found nothing to do.
  await until('a reconcile as leader', () => ledReconcile(port), 30_000, 5);
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
        const reconciles = Number(/^scalerd_reconcile_duration_seconds_count (\S+)$/m.exec(metrics)?.[1] ?? NaN);
        const events = daemon.process.lines.map((l) => JSON.parse(l) as { event?: string });
        idle = { ...mem, metricRss, reconciles, decisions: events.filter((e) => DECISION_EVENTS.includes(e.event ?? '')).length, exit: null };
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
