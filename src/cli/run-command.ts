// `scalerd run`: the daemon. Loads and checks the schedule, connects to the cluster and
// AWS, takes part in leader election on a Lease, serves /healthz /readyz /metrics
// /status, and reconciles at every window boundary, on a resync, and when the schedule
// file changes; writes Kubernetes Events on what it touches and keeps the history of its
// scale operations in the ConfigMap scalerd-history. With --sim it first starts the embedded simulated cluster in this process
// and runs against it: the demo, `npm start`. --speed then runs the schedule and the
// simulated cluster faster; leader election and the client's rate limit and back-off stay
// on real time (a 10 s renew deadline at 60x was 0.17 s of real time, and leadership flapped).
// The start-up fails in one line naming the flag (exit 2) on a port that cannot be bound,
// a kubeconfig that cannot be used, or no AWS region.
// Every flag can come from an environment variable (SCALERD_<FLAG>), for the container.

import { randomBytes } from 'node:crypto';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { timerSleep, type Sleep } from '../actuate/index.js';
import { AWS_OPERATIONS, createCloud } from '../aws/index.js';
import type { Clock } from '../clock.js';
import { startDaemon, type Leadership } from '../daemon/daemon.js';
import { openHttpPort, type HttpPort } from '../daemon/http.js';
import { LEASE_NAME, LeaderElector } from '../daemon/leader.js';
import { apiCallObserver, createMetrics } from '../daemon/metrics.js';
import type { Logger } from '../daemon/log.js';
import { ScheduleSource } from '../daemon/schedule-source.js';
import { clockTimers } from '../daemon/triggers.js';
import { UsageError } from '../errors.js';
import { CLUSTER_OPERATIONS, createKubeDeps, clusterOver, loadKubeConfig } from '../kube/index.js';
import { createConfigMaps } from '../kube/config-maps.js';
import { createEventSink } from '../kube/events.js';
import { createHistoryStore, DEFAULT_HISTORY_LIMIT } from '../daemon/history.js';
import { createLeaseStore } from '../kube/leases.js';
import { createOverrideStore, type OverrideSet } from '../overrides/index.js';
import type { ConsoleAccess } from '../console/access.js';
import type { DeployerTarget } from '../console/deployer-proxy.js';
import { loadConsoleAssets } from '../console/assets.js';
import { checkSecret } from '../http/bearer.js';
import { readSecret } from './secrets.js';
// The simulator is loaded only with --sim: a daemon in a real cluster never needs it.
import type { Sim } from '../sim/index.js';
import { DURATION_RANGES, MAX_BURST, MAX_HISTORY, MAX_QPS, MAX_SPEED, durationArg, positiveNumberArg, wholeNumberArg } from './arguments.js';
import { formatDiagnosticForTerminal } from '../json/diagnostics.js';
import { terminalSafe } from '../text/terminal.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';
import { bindOrExplain } from './listen-error.js';
import { writeTempFile, type TempFile } from './temp-file.js';
import { addLogOptions, envOption, loggerFrom, type LogFlags } from './env-options.js';

type Options = LogFlags & {
  schedule?: string; kubeconfig?: string; context?: string; namespace: string;
  awsRegion?: string; region?: string; awsEndpoint?: string; qps?: number; burst?: number; owner: string;
  dryRun: boolean; listen: string; resync: number; leaderElect: boolean; identity?: string;
  sim?: string; speed: number; clientId: string; historyLimit: number;
  tokenFile?: string; consoleAnonymousRead: boolean; deployerUrl?: string; deployerTokenFile?: string;
};

const env = envOption('SCALERD_');

export function registerRun(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  addLogOptions(program
    .command('run')
    .description('run the daemon: reconcile the cluster to the schedule at every boundary, on a resync, and when the schedule changes')
    .addOption(env(new Option('--schedule <file>', 'schedule file (JSON), reloaded when it changes'), 'SCHEDULE'))
    .addOption(env(new Option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG, ~/.kube/config, then in-cluster)'), 'KUBECONFIG'))
    .addOption(env(new Option('--context <name>', 'kubeconfig context'), 'CONTEXT'))
    .addOption(env(new Option('--namespace <ns>', 'scalerd\'s namespace: its Lease, overrides and history').default('scalerd'), 'NAMESPACE'))
    .addOption(env(new Option('--aws-region <region>', 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION)'), 'AWS_REGION'))
    .addOption(new Option('--region <region>', 'the same as --aws-region').hideHelp())
    .addOption(env(new Option('--aws-endpoint <url>', 'AWS endpoint for Auto Scaling and EC2 (default: AWS\'s own)'), 'AWS_ENDPOINT'))
    .addOption(env(new Option('--qps <n>', 'Kubernetes requests per second, sustained (default 200)').argParser(positiveNumberArg(MAX_QPS)), 'QPS'))
    .addOption(env(new Option('--burst <n>', 'Kubernetes requests at once (default 300)').argParser(wholeNumberArg(1, MAX_BURST)), 'BURST'))
    .addOption(env(new Option('--owner <name>', 'scalerd\'s name in its taint and annotations').default('scalerd'), 'OWNER'))
    .addOption(env(new Option('--dry-run', 'plan and log every reconcile; change nothing').default(false), 'DRY_RUN'))
    .addOption(env(new Option('--listen <[host]:port>', 'HTTP for /healthz /readyz /metrics /status').default(':8080'), 'LISTEN'))
    .addOption(env(new Option('--resync <duration>', 'reconcile at least this often, such as 60s or 5m (1s to 1d)').default(60_000, '60s').argParser(durationArg(DURATION_RANGES.resync)), 'RESYNC'))
    .addOption(env(new Option('--no-leader-elect', 'act without a Lease (only ever one replica!)'), 'NO_LEADER_ELECT'))
    .addOption(env(new Option('--identity <id>', 'this replica\'s name in the Lease (default: hostname_pid)'), 'IDENTITY'))
    .addOption(env(new Option('--token-file <file>', 'the console\'s bearer token (or SCALERD_TOKEN); without one the console takes no changes'), 'TOKEN_FILE'))
    .addOption(env(new Option('--console-anonymous-read', 'show the console (not its changes) to anyone who reaches the port, without the token').default(false), 'CONSOLE_ANONYMOUS_READ'))
    .addOption(new Option('--deployer-url <url>', 'the deployer whose apps and deployments the console shows too').env('SCALERD_DEPLOYER_URL'))
    .addOption(new Option('--deployer-token-file <file>', 'that deployer\'s API token (or SCALERD_DEPLOYER_TOKEN)').env('SCALERD_DEPLOYER_TOKEN_FILE'))
    .addOption(env(new Option('--history-limit <n>', 'scale operations kept in the ConfigMap scalerd-history').default(DEFAULT_HISTORY_LIMIT).argParser(wholeNumberArg(1, MAX_HISTORY)), 'HISTORY_LIMIT'))
    .addOption(new Option('--sim <scenario>', 'start the embedded simulated cluster with this scenario and run against it (the demo)'))
    .addOption(new Option('--speed <x>', 'with --sim: simulated seconds per real second').default(1).argParser(positiveNumberArg(MAX_SPEED)))
    // Hidden: the simulator's recorder attributes Kubernetes mutations by this header, so
    // a test running two daemons against one simulator can tell whose write each was.
    .addOption(new Option('--client-id <id>', 'X-Scalerd-Client sent with every Kubernetes request').default('scalerd-daemon').hideHelp()), 'SCALERD_')
    .action(async (options: Options) => {
      if (options.schedule === undefined) throw new UsageError('SCALERD_ERR_CLI_USAGE', 'run needs --schedule <file> (or SCALERD_SCHEDULE)');
      // IMPORTANT: the port first. A busy one ends the start here, in one line, before the
      // simulator, the AWS client or the Lease exist (each would keep the process alive).
      const http = await bindOrExplain('--listen', options.listen, () => openHttpPort(options.listen));
      const log = loggerFrom(options);
      let sim: Sim | undefined;
      let kubeconfig: TempFile | undefined;
      let tokenFile: TempFile | undefined;
      try {
        let token = await readSecret({ flag: '--token-file', file: options.tokenFile, variable: 'SCALERD_TOKEN' });
        if (token !== undefined) checkSecret(token, 'console token (--token-file)');
        sim = options.sim === undefined ? undefined : await startDemoSim(options.sim, options.speed, options.namespace, io, log);
        if (options.sim !== undefined && !sim) return setExit(EXIT.failed);
        if (sim) kubeconfig = await writeTempFile(simKubeconfigPath(sim), sim.kubeconfig);
        if (sim && token === undefined) {
          // The demo's console: a token of its own, in a file the banner names.
          token = randomBytes(24).toString('base64url');
          tokenFile = await writeTempFile(join(tmpdir(), `scalerd-console-${http.port}.token`), `${token}\n`);
        }
        const access = { token, anonymousRead: options.consoleAnonymousRead };
        const deployer = await deployerTarget(options);
        announceConsole(log, http, access, tokenFile?.path);
        setExit(await runDaemon(options, io, log, { http, access, ...(deployer ? { deployer } : {}), ...(sim && kubeconfig ? { sim: { sim, kubeconfig: kubeconfig.path } } : {}) }));
      } finally {
        await http.close();
        await sim?.stop();
        await kubeconfig?.remove();
        await tokenFile?.remove();
      }
    });
}

/** What the action prepared: the bound port, the console's access and, with --sim, the simulator and its kubeconfig file. */
type Prepared = { readonly http: HttpPort; readonly access: ConsoleAccess; readonly deployer?: DeployerTarget; readonly sim?: { readonly sim: Sim; readonly kubeconfig: string } };

/** --deployer-url with its token, checked before anything starts. */
async function deployerTarget(options: Options): Promise<DeployerTarget | undefined> {
  const token = await readSecret({ flag: '--deployer-token-file', file: options.deployerTokenFile, variable: 'SCALERD_DEPLOYER_TOKEN' });
  if (options.deployerUrl === undefined) {
    if (options.deployerTokenFile !== undefined) throw new UsageError('SCALERD_ERR_CLI_USAGE', '--deployer-token-file is given without --deployer-url: which deployer is it for?');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(options.deployerUrl);
  } catch {
    throw new UsageError('SCALERD_ERR_CLI_USAGE', `--deployer-url ${options.deployerUrl} is not a URL: give the deployer API's address, such as http://scalerd-deployer:8081`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('SCALERD_ERR_CLI_USAGE', `--deployer-url ${options.deployerUrl}: http:// or https:// only`);
  if (token === undefined) throw new UsageError('SCALERD_ERR_CLI_USAGE', '--deployer-url needs the deployer\'s token: --deployer-token-file <file> or SCALERD_DEPLOYER_TOKEN');
  return { url: url.toString(), token };
}

/** Where the console is, and how to get in (never the token itself: a log is not a secret store). */
function announceConsole(log: Logger, http: HttpPort, access: ConsoleAccess, tokenFile: string | undefined): void {
  const url = `http://${http.host.includes(':') ? `[${http.host}]` : http.host}:${http.port}/`;
  if (access.token === undefined && !access.anonymousRead) {
    log.warn({ event: 'console-locked', url }, `the console at ${url} needs a token and none is configured: give --token-file (or --console-anonymous-read to show it without changes)`);
  } else {
    const how = tokenFile ? `; its token is in ${tokenFile}` : access.token === undefined ? ' (read-only: no --token-file)' : '';
    log.info({ event: 'console', url, anonymousRead: access.anonymousRead, writable: access.token !== undefined }, `console at ${url}${how}`);
  }
}

async function runDaemon(options: Options, io: CliIo, log: Logger, prepared: Prepared): Promise<ExitCode> {
  const sim = prepared.sim?.sim;
  // Two times. The schedule, the reconcile and the cluster's objects run on the cluster's
  // clock (the simulator's, accelerated by --speed); leader election and the client's rate
  // limit and back-off are about this process and the API server answering, so they stay
  // on the process's own time. Without --sim the two are the same.
  const clock: Clock = sim ? sim.clock : io.clock;
  const sleep: Sleep = sim ? (ms, signal) => sim.clock.sleep(ms, signal) : io.sleep ?? timerSleep;
  const realClock: Clock = io.processClock ?? io.clock;
  const realSleep: Sleep = io.processSleep ?? io.sleep ?? timerSleep;
  // The adapters first: a kubeconfig or region that cannot work ends the start before the
  // schedule's checker starts. Metrics are made before them, so that they count
  // every failed call from the first.
  const metrics = createMetrics();
  const onApiCall = apiCallObserver(metrics, { kube: CLUSTER_OPERATIONS, aws: AWS_OPERATIONS });

  const kubeconfig = prepared.sim ? prepared.sim.kubeconfig : options.kubeconfig;
  const target = loadKubeConfig({
    ...(kubeconfig !== undefined ? { kubeconfig } : {}),
    ...(options.context !== undefined ? { context: options.context } : {}),
  });
  const deps = createKubeDeps({
    target, clientId: options.clientId, clock: realClock, sleep: realSleep, onApiCall,
    ...(options.qps !== undefined ? { qps: options.qps } : {}),
    ...(options.burst !== undefined ? { burst: options.burst } : {}),
  });
  const region = options.awsRegion ?? options.region;
  const cloud = createCloud({
    onApiCall,
    ...(sim ? { region: sim.region, endpoint: sim.awsEndpoint, credentials: sim.credentials } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(options.awsEndpoint !== undefined ? { endpoint: options.awsEndpoint } : {}),
  });

  const opened = await ScheduleSource.open(options.schedule!, clock);
  if (!opened.ok) {
    for (const diagnostic of opened.diagnostics) io.err(formatDiagnosticForTerminal(diagnostic));
    io.err(terminalSafe(`${options.schedule}: invalid; run "scalerd validate ${options.schedule}" after fixing it`));
    cloud.destroy();
    return EXIT.failed;
  }
  for (const warning of opened.warnings) log.warn({ event: 'schedule-warning' }, warning);

  const stopping = new AbortController();
  const identity = options.identity ?? `${hostname()}_${process.pid}`;
  let elector: LeaderElector | undefined;
  let election: Promise<void> | undefined;
  let poke: (reason: string) => void = () => undefined;
  if (options.leaderElect) {
    elector = new LeaderElector({
      store: createLeaseStore(deps), namespace: options.namespace, name: LEASE_NAME, identity, clock: realClock, sleep: realSleep, log,
      onStartedLeading: () => poke('leadership gained'),
      onStoppedLeading: () => poke('leadership lost'),
      onLeaseFailed: () => metrics.countError('lease'),
    });
    election = elector.run(stopping.signal);
  }
  const leadership: Leadership | undefined = elector ? { isLeader: () => elector.isLeader(), leader: () => elector.leader(), identity } : undefined;

  // Overrides: the ConfigMap watched, the set as last seen handed to every reconcile.
  let overrideSet: OverrideSet = { overrides: [], problems: [] };
  const configMaps = createConfigMaps(deps);
  const overrideStore = createOverrideStore({ configMaps, namespace: options.namespace, clock, sleep });
  const watching = overrideStore.watch((set) => {
    overrideSet = set;
    for (const problem of set.problems) log.warn({ event: 'override-skipped', code: problem.code, key: problem.key }, problem.message);
    log.info({ event: 'overrides', ids: set.overrides.map((o) => o.id) }, `overrides: ${set.overrides.length === 0 ? 'none' : set.overrides.map((o) => o.id).join(', ')}`);
    poke('overrides changed');
  }, {
    signal: stopping.signal,
    onError: (error) => {
      metrics.countError('overrides');
      log.warn({ event: 'overrides-watch-failed', err: error }, `watching the overrides failed: ${error.message}; retrying`);
    },
  });

  const timers = sim ? clockTimers(sim.clock) : io.timers;
  const daemon = await startDaemon({
    source: opened.source, cloud, cluster: clusterOver(deps), clock, sleep, log, metrics,
    http: prepared.http, resyncMs: options.resync, dryRun: options.dryRun,
    planOptions: { owner: options.owner },
    overrides: () => overrideSet.overrides,
    namespace: options.namespace,
    console: { access: prepared.access, assets: await loadConsoleAssets(), scheduleFile: options.schedule!, overrides: () => overrideSet, overrideStore, speed: sim ? options.speed : 1, ...(prepared.deployer ? { deployer: prepared.deployer } : {}) },
    // Events are stamped on the cluster's clock, as its own objects are.
    events: createEventSink({ ...deps, clock }, { instance: identity }),
    history: createHistoryStore({ configMaps, namespace: options.namespace, limit: options.historyLimit, sleep: (ms) => sleep(ms) }),
    ...(leadership ? { leadership } : {}),
    ...(timers ? { timers } : {}),
  });
  poke = (reason) => daemon.poke(reason);
  log.info({ event: 'started', schedule: options.schedule, identity, leaderElect: options.leaderElect, dryRun: options.dryRun }, `scalerd running on ${options.schedule}${options.dryRun ? ' (dry run)' : ''}`);

  await new Promise<void>((resolve) => {
    if (io.signal?.aborted) resolve();
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  log.info({ event: 'stopping' }, 'stopping: no new step starts; the step under way ends, every node stays resumable');
  await daemon.stop();
  stopping.abort();
  await Promise.all([election, watching]);
  cloud.destroy();
  log.info({ event: 'stopped' }, 'stopped');
  return EXIT.ok;
}

async function startDemoSim(file: string, speed: number, namespace: string, io: CliIo, log: Logger): Promise<Sim | undefined> {
  const { loadScenarioFile } = await import('../sim/scenario/load.js');
  const { startSim } = await import('../sim/index.js');
  const loaded = await loadScenarioFile(file);
  if (!loaded.ok) {
    for (const d of loaded.diagnostics) io.err(formatDiagnosticForTerminal(d));
    return undefined;
  }
  const sim = await startSim({ scenario: loaded.scenario, speed });
  if (!sim.store.get('namespaces', undefined, namespace)) log.warn({ event: 'sim-namespace-missing', namespace }, `the scenario has no namespace ${namespace}: add it to its "namespaces" (deploy/ creates it in a real cluster), or the Lease and the overrides cannot be written`);
  log.info({ event: 'sim-started', scenario: loaded.scenario.name, server: sim.server, speed }, `embedded simulated cluster "${loaded.scenario.name}" on ${sim.server} at ${speed}x; kubectl --kubeconfig ${simKubeconfigPath(sim)} get nodes`);
  return sim;
}

/** Where the embedded simulator's kubeconfig goes, for kubectl (the banner names it); removed on exit. */
function simKubeconfigPath(sim: Sim): string {
  return join(tmpdir(), `scalerd-sim-${new URL(sim.server).port}.kubeconfig`);
}

