// A daemon wired as `scalerd run` wires it — leader election on a Lease, the overrides
// ConfigMap watched, Events and the history ConfigMap written — against the 20-node
// scenario in a simulator on its accelerated clock, every adapter with a short request
// time limit (so that an answer that never comes costs little), and the log kept as JSON
// lines for a failure's message. For tests that put the whole daemon under API faults.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createCloud, type AwsCloud } from '../../src/aws/index.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { createHistoryStore } from '../../src/daemon/history.js';
import { LEASE_NAME, LeaderElector } from '../../src/daemon/leader.js';
import { createLogger } from '../../src/daemon/log.js';
import { ScheduleSource } from '../../src/daemon/schedule-source.js';
import { clockTimers } from '../../src/daemon/triggers.js';
import { createConfigMaps } from '../../src/kube/config-maps.js';
import { createEventSink } from '../../src/kube/events.js';
import { clusterOver, createKubeDeps, loadKubeConfig } from '../../src/kube/index.js';
import { createLeaseStore } from '../../src/kube/leases.js';
import { createOverrideStore, type Override, type OverrideStore } from '../../src/overrides/index.js';
import type { Cluster } from '../../src/ports/index.js';
import { startSim, type Sim } from '../../src/sim/index.js';
import { ASG } from '../actuate/helpers.js';
import { twentyNodes } from '../engine/scenarios/helpers.js';
import { kubeconfigFile, tempDir } from '../kube/helpers.js';

export const NAMESPACE = 'scalerd';
export const IDENTITY = 'scalerd-elected';
/** The daemon's names in the recorder: its Kubernetes client id and its AWS access key id. */
export const CLIENT_ID = 'scalerd-elected-daemon';
export const ACCESS_KEY = 'AKIDELECTEDDAEMON';
/** The test's own look at AWS, under another key. */
const OBSERVER_KEY = 'AKIDELECTEDOBSERVER';

export type ElectedDaemonOptions = {
  /** Simulated ms per real ms. */
  readonly speed: number;
  /** One request's real time limit, for every adapter (the daemon's and the test's). */
  readonly requestTimeoutMs: number;
  /** Runs on the simulator before anything talks to it (faults to install). */
  readonly arrange?: (sim: Sim) => void;
};

export type ElectedDaemon = {
  readonly sim: Sim;
  readonly daemon: Daemon;
  readonly elector: LeaderElector;
  /** The override store as `scalerd override` uses it (its own client id). */
  readonly overrides: OverrideStore;
  /** Adapters for looking, under identities of their own. */
  readonly cloud: AwsCloud;
  readonly cluster: Cluster;
  /** The daemon's log so far, parsed. */
  lines(): Record<string, unknown>[];
  stop(): Promise<void>;
};

/** The schedule: 20 workers of the scenario's group, at any hour. */
function scheduleFile(): string {
  const file = join(tempDir('scalerd-elected-'), 'schedule.json');
  writeFileSync(file, JSON.stringify({ version: 1, timezone: 'UTC', nodeGroups: { workers: { asg: ASG, min: 1, max: 24 } }, default: { capacity: { workers: 20 } } }));
  return file;
}

export async function startElectedDaemon(o: ElectedDaemonOptions): Promise<ElectedDaemon> {
  const awsCredentials = [ACCESS_KEY, OBSERVER_KEY].map((accessKeyId) => ({ accessKeyId, secretAccessKey: 'test' }));
  const sim = await startSim({ scenario: { ...twentyNodes(), namespaces: [NAMESPACE] }, speed: o.speed, startAt: Date.parse('2026-03-02T09:00:00Z'), awsCredentials });
  o.arrange?.(sim);
  const sleep = (ms: number, signal?: AbortSignal) => sim.clock.sleep(ms, signal);
  const target = loadKubeConfig({ kubeconfig: kubeconfigFile(sim) });
  const kube = (clientId: string) => createKubeDeps({ target, clientId, clock: sim.clock, sleep, requestTimeoutMs: o.requestTimeoutMs });
  const aws = (accessKeyId: string) => createCloud({
    region: sim.region, endpoint: sim.awsEndpoint, credentials: { accessKeyId, secretAccessKey: 'test' }, version: '0.0.0-test',
    retryDelayScale: 0.001, requestTimeoutMs: o.requestTimeoutMs,
  });

  const deps = kube(CLIENT_ID);
  const cloud = aws(ACCESS_KEY);
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  const log = createLogger({ destination: out, pretty: false, level: 'info' });

  let poke: (reason: string) => void = () => undefined;
  // A lost answer that never comes costs a request time limit (simulated: limit × speed):
  // the Lease timings leave room for two of them in one renewal round.
  const elector = new LeaderElector({
    store: createLeaseStore(deps), namespace: NAMESPACE, name: LEASE_NAME, identity: IDENTITY, clock: sim.clock, sleep, log,
    leaseDurationMs: 60_000, renewDeadlineMs: 40_000, retryPeriodMs: 2_000,
    onStartedLeading: () => poke('leadership gained'),
    onStoppedLeading: () => poke('leadership lost'),
  });
  const stopping = new AbortController();
  const election = elector.run(stopping.signal);

  const configMaps = createConfigMaps(deps);
  let inForce: readonly Override[] = [];
  const watching = createOverrideStore({ configMaps, namespace: NAMESPACE, clock: sim.clock, sleep }).watch((set) => {
    inForce = set.overrides;
    poke('overrides changed');
  }, { signal: stopping.signal });

  const daemon = await startDaemon({
    source: await openSchedule(scheduleFile(), sim), cloud, cluster: clusterOver(deps), clock: sim.clock, sleep, log,
    timers: clockTimers(sim.clock), resyncMs: 10_000,
    executeOptions: { settleMs: 2_000, drainPollMs: 250, pollMs: 500 },
    leadership: { isLeader: () => elector.isLeader(), leader: () => elector.leader(), identity: IDENTITY },
    overrides: () => inForce,
    namespace: NAMESPACE,
    events: createEventSink(deps, { instance: IDENTITY }),
    history: createHistoryStore({ configMaps, namespace: NAMESPACE, sleep: (ms) => sleep(ms) }),
  });
  poke = (reason) => daemon.poke(reason);

  const observer = aws(OBSERVER_KEY);
  return {
    sim, daemon, elector, cloud: observer,
    cluster: clusterOver(kube('elected-observer')),
    overrides: createOverrideStore({ configMaps: createConfigMaps(kube('scalerd-override-cli')), namespace: NAMESPACE, clock: sim.clock, sleep }),
    lines: () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
    async stop() {
      await daemon.stop();
      stopping.abort();
      await Promise.all([election, watching]);
      cloud.destroy();
      observer.destroy();
      await sim.stop();
    },
  };
}

async function openSchedule(file: string, sim: Sim): Promise<ScheduleSource> {
  const opened = await ScheduleSource.open(file, sim.clock);
  if (!opened.ok) throw new Error(opened.diagnostics.join('\n'));
  return opened.source;
}
