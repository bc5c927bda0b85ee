// A daemon against the simulator on its accelerated clock: the demo cluster of the example
// schedule, the real adapters over HTTP, the simulator's clock for the boundary timer and
// the resync, and the log captured as JSON lines.

import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createCloud, type AwsCloud } from '../../src/aws/index.js';
import { startDaemon, type Daemon, type DaemonOptions } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/daemon/log.js';
import { ScheduleChecker } from '../../src/daemon/schedule-check.js';
import { ScheduleSource } from '../../src/daemon/schedule-source.js';
import { formatDiagnostic } from '../../src/json/diagnostics.js';
import { clockTimers } from '../../src/daemon/triggers.js';
import { createCluster, loadKubeConfig } from '../../src/kube/index.js';
import type { Cluster } from '../../src/ports/index.js';
import { startSim, type Sim, type SimOptions } from '../../src/sim/index.js';
import { loadScenarioFile } from '../../src/sim/scenario/load.js';
import type { Scenario } from '../../src/sim/scenario/types.js';
import { kubeconfigFile, tempDir } from '../kube/helpers.js';

export const SPEED = 100;

/** The daemon's own AWS key, registered with the simulator, so the recorder tells its calls apart. */
const DAEMON_KEY = { accessKeyId: 'AKIDDAEMONTEST', secretAccessKey: 'test' } as const;

/** The demo cluster of the example schedule (12 workers of shop-prod-workers, scalerd's namespace), on a clock of the caller's choice. */
/** The demo scenario, changed by `edit` when given. */
export async function startDemoSim(clock: Omit<SimOptions, 'scenario' | 'nodes' | 'podsPerNode'>, edit: (scenario: Scenario) => Scenario = (s) => s): Promise<Sim> {
  const scenario = await loadScenarioFile('scenarios/demo.json');
  if (!scenario.ok) throw new Error('scenarios/demo.json does not load');
  return startSim({ ...clock, scenario: edit(scenario.scenario) });
}

export type DaemonBed = {
  sim: Sim;
  cloud: AwsCloud;
  cluster: Cluster;
  daemon: Daemon;
  schedulePath: string;
  /** Log lines so far, parsed. */
  lines(): Record<string, unknown>[];
  stop(): Promise<void>;
};

/**
 * `more` may be a function of the simulator, for options that talk to it (events, history).
 * With `manualClock`, simulated time stands still until the test moves it (`pump`), so a
 * test can look at the cluster in the middle of an operation.
 */
export async function startDaemonBed(startAt: number, more: Partial<DaemonOptions> | ((sim: Sim) => Partial<DaemonOptions>) = {}, schedule = 'schedules/example.json', clock: { manualClock?: boolean } = {}): Promise<DaemonBed> {
  // The checker's thread started (and its modules loaded) before the simulated clock runs at
  // 100x: otherwise the first check alone would let it pass a boundary the test waits for.
  const checker = new ScheduleChecker();
  await checker.check(readFileSync(schedule, 'utf8'), schedule, startAt);
  const sim = await startDemoSim({ ...(clock.manualClock ? { manualClock: true, startAt } : { speed: SPEED, startAt }), awsCredentials: [DAEMON_KEY] });
  const sleep = (ms: number, signal?: AbortSignal) => sim.clock.sleep(ms, signal);
  const cluster = createCluster({ target: loadKubeConfig({ kubeconfig: kubeconfigFile(sim) }), clientId: 'scalerd-daemon-test', clock: sim.clock, sleep });
  const cloud = createCloud({ region: sim.region, endpoint: sim.awsEndpoint, credentials: DAEMON_KEY, version: '0.0.0-test', retryDelayScale: 0.001 });
  const schedulePath = join(tempDir('scalerd-daemon-'), 'schedule.json');
  copyFileSync(schedule, schedulePath);
  const opened = await ScheduleSource.open(schedulePath, sim.clock, checker);
  if (!opened.ok) throw new Error(opened.diagnostics.map(formatDiagnostic).join('\n'));
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  const daemon = await startDaemon({
    source: opened.source, cloud, cluster, clock: sim.clock, sleep, log: createLogger({ destination: out, pretty: false, level: 'debug' }),
    timers: clockTimers(sim.clock), executeOptions: { settleMs: 2_000, drainPollMs: 250, pollMs: 500 }, ...(typeof more === 'function' ? more(sim) : more),
  });
  return {
    sim, cloud, cluster, daemon, schedulePath,
    lines: () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
    async stop() {
      await daemon.stop();
      cloud.destroy();
      await sim.stop();
    },
  };
}

/** Moves a manual simulated clock on by `stepMs` at a time, letting real I/O happen in between, until `check` holds. */
export async function pump(sim: Sim, what: string, check: () => boolean | Promise<boolean>, options: { stepMs?: number; timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (simulated clock at ${new Date(sim.clock.now()).toISOString()})`);
    sim.clock.advance(options.stepMs ?? 100);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Waits (real time) until `check` holds. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
