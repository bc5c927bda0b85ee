// Issue 12's promise, as a cluster would test it: while a `scalerd run` process leads a
// scale-down on the simulator, its schedule is replaced by each hostile file in turn, the
// way a ConfigMap volume is updated (kubelet swaps the `..data` symlink) and the way an
// editor writes in place. The daemon stays leader, /healthz answers within 100 ms
// throughout (asked every 20 ms from a process of its own), /status and
// scalerd_schedule_stale say the schedule is stale and why, and the scale-down completes.

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../src/sim/index.js';
import type { Scenario } from '../../src/sim/scenario/types.js';
import { hostileSchedules } from '../fixtures/hostile/make.js';
import { kubeconfigFile, tempDir } from '../kube/helpers.js';
import { spawnDaemon, type DaemonProcess } from './daemon-process.js';
import { startDemoSim, until } from './helpers.js';

const IDENTITY = 'daemon-hostile';
const WORKERS = 6; // the demo has 12

const GOOD = {
  version: 1,
  timezone: 'Europe/Amsterdam',
  nodeGroups: { workers: { asg: 'shop-prod-workers', min: 2, max: 40 } },
  workloads: { 'shop/web': { kind: 'Deployment', min: 2 }, 'shop/search': { kind: 'StatefulSet', min: 1, max: 6 } },
  // shop/search keeps 3: its budget (minAvailable 2) lets one pod move at a time.
  default: { capacity: { workers: WORKERS }, replicas: { 'shop/web': 3, 'shop/search': 3 } },
};

/** Valid and heavy: 9,000 absolute windows in force now, all wanting what the default wants. */
function heavyButValid(): string {
  const windows = Array.from({ length: 9_000 }, (_, i) => `{"name":"a${i}","absolute":{"from":"2026-01-01T00:00","to":"2031-01-01T00:00"},"capacity":{"workers":${WORKERS}}}`);
  return `${JSON.stringify(GOOD).slice(0, -1)},"windows":[${windows.join(',')}]}`;
}

/** Two crons every 5 minutes lasting 31 days: past the cost limit. */
function tooComplex(): string {
  const cron = (name: string) => ({ name, cron: { start: '*/5 * * * *', duration: '31d' }, capacity: { workers: WORKERS } });
  return JSON.stringify({ ...GOOD, windows: [cron('a'), cron('b')] });
}

/**
 * A directory laid out as kubelet lays out a ConfigMap volume: schedule.json links to
 * ..data/schedule.json, ..data to a timestamped directory swapped atomically.
 */
function configMapVolume() {
  const dir = tempDir('scalerd-hostile-volume-');
  let generation = 0;
  const publish = (make: (file: string) => void) => {
    const target = `..${++generation}`;
    mkdirSync(join(dir, target));
    make(join(dir, target, 'schedule.json'));
    symlinkSync(target, join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  };
  publish((file) => writeFileSync(file, JSON.stringify(GOOD)));
  symlinkSync('..data/schedule.json', join(dir, 'schedule.json'));
  return {
    path: join(dir, 'schedule.json'),
    /** As kubelet does when the ConfigMap changes. */
    viaConfigMap: (text: string) => publish((file) => writeFileSync(file, text)),
    /** As an editor does: the file itself, in place (no event in the watched directory). */
    inPlace: (text: string) => {
      const file = join(dir, '..data', 'schedule.json');
      writeFileSync(`${file}.tmp`, text);
      renameSync(`${file}.tmp`, file);
    },
    fifo: () => publish((file) => execFileSync('mkfifo', [file])),
    devZero: () => publish((file) => symlinkSync('/dev/zero', file)),
  };
}

function startProber(url: string) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./healthz-prober.mjs', import.meta.url)), url], { stdio: ['pipe', 'pipe', 'inherit'] });
  const result = new Promise<{ count: number; maxMs: number | null; p99Ms: number | null; maxExcessMs: number | null; p99ExcessMs: number | null; failures: string[]; slow: [number, number, number][] }>((resolve) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as never));
  });
  return { stop: () => { child.stdin!.end(); return result; }, kill: () => child.kill('SIGKILL') };
}

let sim: Sim | undefined;
let daemon: DaemonProcess | undefined;
let prober: ReturnType<typeof startProber> | undefined;
const { dir: fixtures, files } = hostileSchedules();
afterAll(async () => {
  prober?.kill();
  daemon?.kill('SIGKILL');
  await daemon?.exited;
  await sim?.stop();
  rmSync(fixtures, { recursive: true, force: true });
});

describe('a leading daemon whose schedule turns hostile', () => {
  it('stays leader, answers /healthz within 100 ms of a bare server (99 in 100, none 250 ms later), says stale and why, and completes its scale-down', async () => {
    // Real time for the daemon (a process of its own, as in a cluster), so the simulator runs
    // at speed 1 from the real now. The budgets refuse every eviction until the files have
    // all been tried: the scale-down stays under way, waiting on them, the whole time.
    // The demo's payments/api ignores SIGTERM for 45 s, which at speed 1 held every drain
    // for that long after the budgets opened: 5 s is enough for a drain still under way.
    const shortGrace = (scenario: Scenario): Scenario => ({
      ...scenario, workloads: scenario.workloads?.map((w) => (w.terminationGracePeriodSeconds === undefined ? w : { ...w, terminationGracePeriodSeconds: 5 })),
    });
    sim = await startDemoSim({ speed: 1, awsCredentials: [{ accessKeyId: 'AKIDHOSTILE', secretAccessKey: 'test' }] }, shortGrace);
    const s = sim;
    s.faults.setBehaviour({ pdbsNeverAllow: true });
    const holders = new Set<string>();
    s.recorder.subscribe((fact) => {
      if (fact.kind !== 'mutation') return;
      const lease = s.store.get('leases.coordination.k8s.io', 'scalerd', 'scalerd')?.spec as { holderIdentity?: string } | undefined;
      if (lease?.holderIdentity) holders.add(lease.holderIdentity);
    });
    const volume = configMapVolume();
    daemon = spawnDaemon(
      ['--schedule', volume.path, '--kubeconfig', kubeconfigFile(s), '--aws-region', s.region, '--aws-endpoint', s.awsEndpoint, '--listen', '127.0.0.1:0', '--identity', IDENTITY, '--resync', '1s'],
      { AWS_ACCESS_KEY_ID: 'AKIDHOSTILE', AWS_SECRET_ACCESS_KEY: 'test', },
    );
    const d = daemon;
    const port = await d.port();
    const base = `http://127.0.0.1:${port}`;
    await d.line('leading', (l) => l.event === 'leader-started', 20_000);
    prober = startProber(`${base}/healthz`);

    // The scale-down is under way: a node carries scalerd's mark.
    const marked = () => s.store.list('nodes').some((n) => n.metadata.annotations?.['scalerd.io/scale-down'] !== undefined);
    await until('a node under scale-down', marked, 30_000);

    const status = async () => (await (await fetch(`${base}/status`)).json()) as { role: string; schedule: { stale: { diagnostics: string[] } | null } };
    const stale = async () => (await (await fetch(`${base}/metrics`)).text()).match(/^scalerd_schedule_stale (\d)/m)?.[1];
    const rejections = () => d.lines().filter((l) => l.event === 'schedule-rejected') as { diagnostics?: string[] }[];
    const rejectedWith = async (code: string, before: number) => {
      await until(`the schedule rejected with ${code}`, () => rejections().length > before, 30_000);
      expect(rejections().at(-1)!.diagnostics!.join('\n')).toContain(code);
      expect((await status()).schedule.stale?.diagnostics.join('\n')).toContain(code);
      expect(await stale()).toBe('1');
    };

    const steps: [string, () => void, string | 'loaded'][] = [
      ['2,000 levels of nesting', () => volume.viaConfigMap(readFileSync(files['depth-2000']!, 'utf8')), 'SCALERD_ERR_INPUT_TOO_DEEP'],
      ['100,000 levels, in place', () => volume.inPlace(readFileSync(files['depth-100000']!, 'utf8')), 'SCALERD_ERR_INPUT_TOO_DEEP'],
      ['10 MB', () => volume.viaConfigMap(readFileSync(files['size-10MB']!, 'utf8')), 'SCALERD_ERR_INPUT_TOO_LARGE'],
      ['9,000 overlapping windows, valid', () => volume.viaConfigMap(heavyButValid()), 'loaded'],
      ['100,000 overlapping windows, in place', () => volume.inPlace(readFileSync(files['overlap-100000']!, 'utf8')), 'SCALERD_ERR_INPUT_TOO_LARGE'],
      ['crons past the cost limit', () => volume.viaConfigMap(tooComplex()), 'SCALERD_ERR_SCHEDULE_TOO_COMPLEX'],
      ['prototype names the schema refuses', () => volume.viaConfigMap(readFileSync(files['prototype-refused']!, 'utf8')), 'SCALERD_ERR_SCHEDULE_SCHEMA'],
      ['control characters in names, in place', () => volume.inPlace(readFileSync(files['control-characters']!, 'utf8')), 'SCALERD_ERR_SCHEDULE_SCHEMA'],
      ['a FIFO', () => volume.fifo(), 'SCALERD_ERR_INPUT_NOT_A_FILE'],
      ['/dev/zero', () => volume.devZero(), 'SCALERD_ERR_INPUT_NOT_A_FILE'],
    ];
    const duringScaleDown: boolean[] = [];
    for (const [, apply, expected] of steps) {
      duringScaleDown.push(marked());
      const before = rejections().length;
      apply();
      if (expected === 'loaded') {
        await d.line('the heavy schedule in force', (l) => l.event === 'schedule-reloaded', 60_000);
        expect((await status()).schedule.stale).toBeNull();
        expect(await stale()).toBe('0');
      } else {
        await rejectedWith(expected, before);
      }
    }

    // The scale-down completes under the last good schedule.
    expect(duringScaleDown).toEqual(steps.map(() => true));
    s.faults.setBehaviour({ pdbsNeverAllow: false });
    const ready = () => s.store.list('nodes').filter((n) => !(n.spec as { unschedulable?: boolean }).unschedulable).length;
    await until(`${WORKERS} schedulable workers and no mark left`, () => s.store.list('nodes').length === WORKERS && ready() === WORKERS && !marked(), 120_000).catch(async (error: unknown) => {
      throw new Error(`${String(error)}: ${ready()} schedulable, marked: ${marked()}; /status plan: ${JSON.stringify(((await status()) as unknown as { plan: unknown }).plan)}`);
    });
    expect(s.recorder.facts('pdb-violation')).toEqual([]);
    expect(s.recorder.facts('pod-killed')).toEqual([]);
    expect(s.aws.group('shop-prod-workers')!.desiredCapacity).toBe(WORKERS);

    const probes = await prober.stop();
    prober = undefined;
    expect((await status()).role).toBe('leader');
    expect([...holders]).toEqual([IDENTITY]);
    expect(d.lines().filter((l) => ['leader-stopped', 'leader-lease-failed', 'internal-error'].includes(String(l.event)))).toEqual([]);
    // Each file rejected once: a file that stays rejected is not rejected (and logged) again at every resync.
    expect(rejections()).toHaveLength(steps.length - 1);
    expect(probes.failures).toEqual([]);
    expect(probes.count).toBeGreaterThan(100);
    // Beyond what a bare Node server on this machine took at the same moment: the daemon's
    // own delay. 99 in 100 answers within 100 ms of the bare server's, and none 250 ms later:
    // beside two busy loops the daemon gets a third of a core, so its ordinary work between
    // two probes (a reconcile, a file read) can cost an answer 100 ms once (106 ms seen, the
    // bare server's 29 ms), where loading the 10,000-window schedule on the event loop stalled
    // it for seconds. Idle, the slowest excess is 65-72 ms.
    const slowAnswers = `answers over 50 ms [at, daemon ms, bare server ms]: ${JSON.stringify(probes.slow)}`;
    expect(probes.p99ExcessMs, slowAnswers).toBeLessThan(100);
    expect(probes.maxExcessMs, slowAnswers).toBeLessThan(250);
    console.log(`/healthz answered ${probes.count} times during the hostile reloads: slowest ${probes.maxMs!.toFixed(1)} ms (${probes.maxExcessMs!.toFixed(1)} ms beyond a bare server's; p99 ${probes.p99ExcessMs!.toFixed(1)} ms), p99 ${probes.p99Ms!.toFixed(1)} ms`);
  }, 240_000);
});
