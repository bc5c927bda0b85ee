// The embedded simulated cluster: startSim() seeds a scenario and serves the Kubernetes
// and AWS APIs on loopback until stop(). Product code never imports this; the `sim`
// command, tests and benchmarks do.

import { writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { AwsModel } from './aws/model.js';
import { createAwsHandler } from './aws/query-api.js';
import type { AwsCredentials } from './aws/auth.js';
import { DEFAULT_AWS_TIMINGS, type AwsTimings } from './aws/types.js';
import { startControllers } from './cluster/index.js';
import { Faults } from './faults.js';
import { KubeApi } from './kube/api.js';
import { Store } from './kube/store.js';
import { kubeconfigYaml } from './kubeconfig.js';
import { guardDisruptionBudgets } from './pdb-guard.js';
import type { BackoffTimings } from './process/container.js';
import type { ProbeTimings } from './process/probe.js';
import { ProcessRuntime } from './process/runtime.js';
import { DEFAULT_PROCESSES, type ProcessTable, checkProcessTable } from './process/table.js';
import { DEFAULT_NODE_TIMINGS, NodeLifecycle, type NodeGroupSettings, type NodeTimings } from './node-lifecycle.js';
import { Recorder } from './recorder.js';
import { seedObjects } from './scenario/seed.js';
import { syntheticScenario } from './scenario/synthetic.js';
import type { Scenario, ScenarioTimings } from './scenario/types.js';
import { createSimServer, listen } from './server.js';
import { SimClock } from './sim-clock.js';

export type SimOptions = {
  /** The scenario to seed; or `nodes`/`podsPerNode` for a generated one. */
  readonly scenario?: Scenario;
  readonly nodes?: number;
  readonly podsPerNode?: number;
  /** Simulated ms per real ms (default 1); ignored with manualClock. */
  readonly speed?: number;
  /** Time moves only through sim.clock.advance() (tests). */
  readonly manualClock?: boolean;
  /** Simulated start instant (default: now). */
  readonly startAt?: number;
  /** TCP port on 127.0.0.1 (default 0: any free port). */
  readonly port?: number;
  /** Also write the kubeconfig to this file. */
  readonly kubeconfigOut?: string;
  /**
   * Container images whose pods run as real local processes, by image name without tag
   * (src/sim/process/README.md). Default: the test app (`scalerd/test-app` runs
   * examples/test-app/server.mjs) on a real or accelerated clock; none on a manual clock,
   * where every pod stays simulated unless a table is given.
   */
  readonly processes?: ProcessTable;
  /** Real-time probe and restart back-off timings of those pods. */
  readonly processTimings?: { readonly probes?: Partial<ProbeTimings>; readonly backoff?: Partial<BackoffTimings> };
  /**
   * More AWS key pairs the simulated AWS accepts, besides `credentials` (SIM_CREDENTIALS):
   * tests give each client a key of its own to tell them apart in the recorder.
   */
  readonly awsCredentials?: readonly AwsCredentials[];
};

export type Sim = {
  /** The kubeconfig (YAML) for this simulator. */
  readonly kubeconfig: string;
  /** http://127.0.0.1:<port>: the Kubernetes API server. */
  readonly server: string;
  /** The AWS endpoint (same server) and what to configure clients with: requests must be signed with these credentials or options.awsCredentials. */
  readonly awsEndpoint: string;
  readonly region: string;
  readonly credentials: AwsCredentials;
  readonly scenario: Scenario;
  readonly clock: SimClock;
  readonly recorder: Recorder;
  readonly faults: Faults;
  readonly store: Store;
  readonly aws: AwsModel;
  /** The pods running real processes: their pids, IPs, states and output. */
  readonly processes: ProcessRuntime;
  /** Stops serving and kills every process it started. */
  stop(): Promise<void>;
};

export const SIM_CREDENTIALS = { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'simulator-secret' } as const;

export async function startSim(options: SimOptions = {}): Promise<Sim> {
  const scenario = options.scenario ?? syntheticScenario(options.nodes ?? 3, options.podsPerNode ?? 10);
  const table = checkProcessTable(options.processes ?? (options.manualClock ? {} : DEFAULT_PROCESSES));
  const region = scenario.region ?? 'eu-west-1';
  const clock = new SimClock({ speed: options.speed ?? 1, manual: options.manualClock ?? false, ...(options.startAt !== undefined ? { start: options.startAt } : {}) });
  const faults = new Faults();
  const recorder = new Recorder();
  const store = new Store({ clock });
  store.addIndex('pods', 'byNode', (pod) => (pod.spec as { nodeName?: string } | undefined)?.nodeName);

  const { aws: awsTimings, nodes: nodeTimings, pods: podTimings } = timingsOf(scenario.timings);
  const settings = new Map<string, NodeGroupSettings>(scenario.nodeGroups.map((g) => [g.asg ?? g.name, {
    labels: g.labels ?? {},
    taints: g.taints ?? [],
    allocatable: g.allocatable,
  }]));
  const nodes = new NodeLifecycle({
    store, clock, faults, recorder, region, timings: nodeTimings,
    settingsOf: (group) => settings.get(group) ?? { labels: {}, taints: [], allocatable: { cpu: '2', memory: '8Gi', pods: 110 } },
  });
  const aws = new AwsModel({ clock, faults, recorder, observer: nodes, region, timings: awsTimings });
  const processes = new ProcessRuntime({ store, clock, faults, recorder }, { table, ...options.processTimings });
  const controllers = startControllers({ store, clock, faults, recorder, timings: podTimings, processes });

  // The cluster was running before the simulator started: instances are InService, nodes
  // Ready, pods Running, with no start-up delays.
  nodes.seeding = true;
  controllers.events.muted = true;
  seedObjects(store, scenario, clock.now());
  for (const group of scenario.nodeGroups) {
    aws.addGroup({
      name: group.asg ?? group.name,
      availabilityZones: group.zones,
      minSize: group.min,
      maxSize: group.max,
      desiredCapacity: group.desired,
      instanceType: group.instanceType ?? 'm6i.xlarge',
      launchTemplate: { id: `lt-${(group.asg ?? group.name).replace(/[^a-z0-9]/gi, '').slice(0, 17).padEnd(17, '0').toLowerCase()}`, name: `${group.asg ?? group.name}-lt`, version: '1' },
      tags: { 'k8s.io/cluster-autoscaler/node-template/label/scalerd.io/node-group': group.name, ...(group.tags ?? {}) },
      suspendedProcesses: group.suspendedProcesses ?? [],
    }, { startInService: true });
  }
  controllers.settle();
  nodes.seeding = false;
  controllers.events.muted = false;
  const stopGuard = guardDisruptionBudgets({ store, clock, recorder });

  const api = new KubeApi({ store, clock, faults, recorder });
  const server: Server = createSimServer({
    api, clock, faults, recorder, aws: createAwsHandler(aws, { faults, recorder, credentials: [SIM_CREDENTIALS, ...(options.awsCredentials ?? [])] }),
    logs: (namespace, pod, container, previous) => processes.logs(namespace, pod, container, previous),
  });
  let url: string;
  try {
    url = await listen(server, options.port ?? 0);
  } catch (error) {
    // A busy --port: what started above would keep the process alive for nothing.
    stopGuard();
    controllers.stop();
    clock.stop();
    await processes.stop();
    throw error;
  }
  const kubeconfig = kubeconfigYaml(url);
  if (options.kubeconfigOut) await writeFile(options.kubeconfigOut, kubeconfig, { mode: 0o600 });

  return {
    kubeconfig,
    server: url,
    awsEndpoint: url,
    region,
    credentials: SIM_CREDENTIALS,
    scenario,
    clock,
    recorder,
    faults,
    store,
    aws,
    processes,
    async stop() {
      stopGuard();
      controllers.stop();
      clock.stop();
      await processes.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function timingsOf(t: ScenarioTimings = {}): { aws: AwsTimings; nodes: NodeTimings; pods: { podStartupMs?: number; podExitMs?: number } } {
  const ms = (seconds: number | undefined, fallback: number) => (seconds === undefined ? fallback : seconds * 1000);
  return {
    aws: {
      ...DEFAULT_AWS_TIMINGS,
      launchDelayMs: ms(t.launchSeconds, DEFAULT_AWS_TIMINGS.launchDelayMs),
      terminateDelayMs: ms(t.terminateSeconds, DEFAULT_AWS_TIMINGS.terminateDelayMs),
    },
    nodes: {
      joinDelayMs: ms(t.joinSeconds, DEFAULT_NODE_TIMINGS.joinDelayMs),
      readyDelayMs: ms(t.readySeconds, DEFAULT_NODE_TIMINGS.readyDelayMs),
      nodeRemovalDelayMs: ms(t.nodeRemovalSeconds, DEFAULT_NODE_TIMINGS.nodeRemovalDelayMs),
    },
    pods: {
      ...(t.podStartupSeconds !== undefined ? { podStartupMs: t.podStartupSeconds * 1000 } : {}),
      ...(t.podExitSeconds !== undefined ? { podExitMs: t.podExitSeconds * 1000 } : {}),
    },
  };
}
