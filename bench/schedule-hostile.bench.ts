// Hostile and very large schedules (issue 12): how long `scalerd validate` takes and how
// much memory at its peak (targets < 2 s and < 300 MB), for 10,000 windows that all
// overlap, a schedule of exactly 1 MiB (the size limit), and 1 MiB of mixed windows (8,400
// weekly, cron, absolute; far beyond any schedule a person writes, the hardest case we
// know that passes every limit); and the longest the daemon's event loop stands
// still while it takes in each hostile file (target ≤ 100 ms), read from its own
// monitorEventLoopDelay (scalerd_nodejs_eventloop_lag_max_seconds, reset at every scrape).
//
// Baselines, same run, measured the same way: `validate` of the 3-window example (what
// the CLI costs before any schedule does), and the daemon's event loop over as long a
// stretch while nothing changes.

import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostileSchedules, mixedSchedule } from '../test/fixtures/hostile/make.js';
import { buildDist, cliProcess, ledReconcile, median, startSim, until } from './processes.js';
import type { BenchResult } from './run.js';

const RUNS = 3;
const VALIDATE_TARGET_MS = 2_000;
const RSS_TARGET_MB = 300;
const LAG_TARGET_MS = 100;

const start = (args: readonly string[], env: Record<string, string> = {}) => cliProcess(args, { env });

const waitFor = <T>(what: string, probe: () => T | undefined | Promise<T | undefined>) => until(what, probe, 60_000, 10);

/** `scalerd validate <file>`, RUNS times: median wall time, peak RSS (the highest), exit code. */
async function validate(file: string): Promise<{ ms: number; maxRssMb: number; code: number | null }> {
  const times: number[] = [];
  let maxRssMb = 0;
  let code: number | null = null;
  for (let i = 0; i < RUNS; i++) {
    const at = performance.now();
    const run = await start(['validate', file]).exited;
    times.push(performance.now() - at);
    maxRssMb = Math.max(maxRssMb, run.maxRssMb);
    code = run.code;
  }
  return { ms: median(times), maxRssMb, code };
}

/** The demo cluster in a process of its own, and a daemon on it whose schedule wants what it has. */
async function startDaemon(dir: string, schedule: string) {
  const { sim, kubeconfig, region, server, awsEnv } = await startSim(dir);
  const daemon = start(['run', '--schedule', schedule, '--kubeconfig', kubeconfig, '--aws-region', region, '--aws-endpoint', server, '--listen', '127.0.0.1:0',
    '--log-format', 'json', '--identity', 'bench', '--resync', '1s'], awsEnv);
  const events = () => daemon.lines.map((l) => JSON.parse(l) as { event?: string; port?: number });
  const port = await waitFor('the daemon to listen', () => events().find((e) => e.event === 'listening')?.port);
  await waitFor('a reconcile as leader', () => ledReconcile(port));
  /** The longest the event loop stood still since the last call, in ms. */
  const lagMs = async () => Number(/^scalerd_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())?.[1]) * 1000;
  return { sim, daemon, events, lagMs };
}

/** The demo scenario's capacity and replicas, as a schedule: the daemon has nothing to do. */
const IDLE = {
  version: 1, timezone: 'Europe/Amsterdam',
  nodeGroups: { workers: { asg: 'shop-prod-workers', min: 2, max: 40 } },
  workloads: { 'shop/web': { kind: 'Deployment', min: 2 }, 'shop/search': { kind: 'StatefulSet', min: 1, max: 6 } },
  default: { capacity: { workers: 12 }, replicas: { 'shop/web': 6, 'shop/search': 3 } },
};

export async function run(): Promise<BenchResult> {
  await buildDist();
  const { dir: fixtures, files } = hostileSchedules();
  const dir = await mkdtemp(join(tmpdir(), 'scalerd-bench-hostile-'));
  const mixed = join(dir, 'mixed-1MiB.json');
  await writeFile(mixed, mixedSchedule(1024 * 1024));
  try {
    const baseline = await validate('schedules/example.json');
    const overlap = await validate(files['overlap-10000']!);
    const limit = await validate(files['size-1MiB']!);
    const large = await validate(mixed);
    if ([baseline, overlap, limit, large].some((v) => v.code !== 0)) throw new Error(`validate exited ${[baseline, overlap, limit, large].map((v) => v.code).join(', ')}: each must be valid`);

    const schedule = join(dir, 'schedule.json');
    await writeFile(schedule, JSON.stringify(IDLE));
    const { sim, daemon, events, lagMs } = await startDaemon(dir, schedule);
    const reloads: Record<string, number> = {};
    let idleLagMs = NaN;
    try {
      const taken = () => events().filter((e) => e.event === 'schedule-rejected' || e.event === 'schedule-reloaded').length;
      const subjects: [string, string][] = [
        ...['depth-2000', 'depth-100000', 'size-10MB', 'overlap-100000', 'prototype-refused', 'control-characters'].map((n): [string, string] => [n, files[n]!]),
        ['overlap-10000', files['overlap-10000']!], ['mixed-1MiB', mixed], ['prototype-names', files['prototype-names']!],
      ];
      // Baseline: as long a stretch with nothing to take in (three resyncs, as a reload waits for one at most).
      await lagMs();
      await new Promise((r) => setTimeout(r, 3_000));
      idleLagMs = await lagMs();
      for (const [name, file] of subjects) {
        const before = taken();
        await lagMs();
        // As an editor or git checkout writes: a new file renamed over the old.
        await writeFile(`${schedule}.new`, await readFile(file));
        await rename(`${schedule}.new`, schedule);
        await waitFor(`${name} taken in`, () => (taken() > before ? true : undefined));
        await new Promise((r) => setTimeout(r, 500)); // the reconcile it may wake
        reloads[name] = await lagMs();
      }
    } finally {
      daemon.child.kill('SIGTERM');
      sim.child.kill('SIGTERM');
      await Promise.all([daemon.exited, sim.exited]);
    }

    const worstLag = Math.max(...Object.values(reloads));
    const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
    const overlapOk = overlap.ms < VALIDATE_TARGET_MS && overlap.maxRssMb < RSS_TARGET_MB;
    const limitOk = limit.ms < VALIDATE_TARGET_MS && limit.maxRssMb < RSS_TARGET_MB;
    const largeOk = large.ms < VALIDATE_TARGET_MS && large.maxRssMb < RSS_TARGET_MB;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    return {
      name: 'schedule-hostile',
      description: 'scalerd validate (built; median of 3, peak RSS) on 10,000 overlapping windows, exactly 1 MiB and 1 MiB of mixed windows, baseline the example; the daemon\'s longest event-loop stall taking in each hostile file, baseline idle',
      figures: {
        validateExampleMs: baseline.ms, validateExampleRssMb: baseline.maxRssMb,
        validateOverlap10000Ms: overlap.ms, validateOverlap10000RssMb: overlap.maxRssMb,
        validateLimit1MiBMs: limit.ms, validateLimit1MiBRssMb: limit.maxRssMb,
        validateMixed1MiBMs: large.ms, validateMixed1MiBRssMb: large.maxRssMb,
        idleLagMs, worstReloadLagMs: worstLag,
        ...Object.fromEntries(Object.entries(reloads).map(([n, ms]) => [`reloadLagMs:${n}`, ms])),
        validateTargetMs: VALIDATE_TARGET_MS, rssTargetMb: RSS_TARGET_MB, lagTargetMs: LAG_TARGET_MS,
      },
      speedup: baseline.ms / overlap.ms,
      summary: `validate 10,000 overlapping windows ${s(overlap.ms)}, peak ${overlap.maxRssMb.toFixed(0)} MB (target < 2 s and < 300 MB, ${met(overlapOk)}); `
        + `exactly 1 MiB ${s(limit.ms)}, peak ${limit.maxRssMb.toFixed(0)} MB (${met(limitOk)}); 1 MiB of mixed windows ${s(large.ms)}, peak ${large.maxRssMb.toFixed(0)} MB (${met(largeOk)}); the example ${s(baseline.ms)}, ${baseline.maxRssMb.toFixed(0)} MB; `
        + `daemon event loop taking in each of ${Object.keys(reloads).length} hostile files: longest stall ${worstLag.toFixed(0)} ms (target ≤ 100 ms, ${met(worstLag <= LAG_TARGET_MS)}; idle ${idleLagMs.toFixed(0)} ms)`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(fixtures, { recursive: true, force: true });
  }
}
