// The flags every command that acts on a cluster shares (where the cluster and the AWS
// account are, the client's rate limit, scalerd's owner name, the schedule that maps node
// groups to Auto Scaling groups), and building the adapters from them. Everything that
// can be checked without a network call is checked here, before the first request.

import type { Command } from 'commander';
import { timerSleep, type Sleep } from '../actuate/index.js';
import { createCloud, type AwsCloud } from '../aws/index.js';
import { UsageError } from '../errors.js';
import { createCluster, loadKubeConfig } from '../kube/index.js';
import { checkPlanOptions } from '../plan/index.js';
import type { Cluster } from '../ports/index.js';
import { DURATION_RANGES, durationArg } from './arguments.js';
import { formatDiagnosticForTerminal, loadScheduleFile, type Schedule } from '../schedule/index.js';
import { terminalSafe } from '../text/terminal.js';
import type { CliIo } from './io.js';
import { outputFormat } from './validate-command.js';
import type { ReconcileInput } from '../engine/index.js';
import { progressPrinter } from './run-report.js';
import { addKubeOptions } from './kube-options.js';

/** The Kubernetes client id (X-Scalerd-Client) of the one-shot commands, apart from the daemon's. */
export const CLI_CLIENT_ID = 'scalerd-cli';

export type ConnectionOptions = {
  readonly schedule?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly awsRegion?: string;
  readonly awsEndpoint?: string;
  readonly qps?: number;
  readonly burst?: number;
  readonly owner: string;
};

/** How scale and drain run the engine: real or test sleep, dry-run, force, timeout, progress. */
export function executionFor(io: CliIo, connection: Connection, options: RemovalOptions): ReconcileInput['execution'] {
  const onProgress = progressPrinter(io, options.output, options.dryRun);
  return {
    clock: io.clock,
    sleep: connection.sleep,
    dryRun: options.dryRun,
    ...(io.signal ? { signal: io.signal } : {}),
    onProgress,
    options: {
      podPolicy: { force: options.force },
      ...(options.timeout !== undefined ? { drainTimeoutMs: options.timeout } : {}),
    },
  };
}

/** The options of commands that remove nodes: --dry-run, --yes, --force, --timeout, the pod policy, -o. */
export type RemovalOptions = {
  dryRun: boolean; yes: boolean; force: boolean; timeout?: number; output: 'text' | 'json';
  deleteLocalData: boolean; evictUnreplicated: boolean;
};

/** The planner's pod policy from the flags (the actuator re-classifies with the same). */
export function podPolicyOf(options: RemovalOptions): { evictLocalStorage: boolean; evictUnreplicated: boolean } {
  return { evictLocalStorage: options.deleteLocalData, evictUnreplicated: options.evictUnreplicated };
}

export function addRemovalOptions(command: Command): Command {
  return command
    .option('--dry-run', 'print the plan and the calls it would make; change nothing', false)
    .option('-y, --yes', 'act without asking (needed where no terminal can confirm: CI, pipes, -o json)', false)
    .option('--force', 'past a node\'s drain timeout, delete its remaining pods (grace clamped, never 0) instead of rolling the node back', false)
    .option('--delete-local-data', 'evict pods with emptyDir (on disk) or hostPath volumes too, their data lost (default: such a pod keeps its node)', false)
    .option('--evict-unreplicated', 'evict pods no controller manages too, gone for good (default: such a pod keeps its node)', false)
    .option('--timeout <duration>', 'drain deadline per node (default 10m); scale: also how long added nodes have to join and turn Ready (default 15m); such as 90s, 10m or 1h, at most 7d', durationArg(DURATION_RANGES.drainTimeout))
    .option('-o, --output <format>', 'text or json', outputFormat, 'text');
}

export function addConnectionOptions(command: Command): Command {
  const withSchedule = command
    .option('--schedule <file>', 'schedule file (JSON): names the node groups, their Auto Scaling groups and limits (required)');
  // The Kubernetes flags are shared with the commands that never touch AWS (override).
  return addKubeOptions(withSchedule)
    .option('--aws-region <region>', 'AWS region (default: AWS_REGION, then AWS_DEFAULT_REGION)')
    .option('--aws-endpoint <url>', 'AWS endpoint for Auto Scaling and EC2 (default: AWS\'s own)')
    .option('--owner <name>', 'scalerd\'s name in its taint and annotations', 'scalerd');
}

/** The schedule named by --schedule; undefined (diagnostics printed) when it does not load. */
export async function loadScheduleOption(options: ConnectionOptions, command: string, io: CliIo): Promise<Schedule | undefined> {
  if (options.schedule === undefined) {
    throw new UsageError('SCALERD_ERR_CLI_USAGE', `${command} needs --schedule <file>: the schedule maps node groups to Auto Scaling groups and their limits`);
  }
  const problems = checkPlanOptions({ owner: options.owner });
  if (problems.length > 0) throw new UsageError('SCALERD_ERR_CLI_USAGE', `--owner: ${problems.join('; ')}`);
  const loaded = await loadScheduleFile(options.schedule, io.clock.now());
  if (loaded.ok) return loaded.schedule;
  for (const diagnostic of loaded.diagnostics) io.err(formatDiagnosticForTerminal(diagnostic));
  io.err(terminalSafe(`${options.schedule}: invalid; run "scalerd validate ${options.schedule}" after fixing it`));
  return undefined;
}

export type Connection = {
  readonly cloud: AwsCloud;
  readonly cluster: Cluster;
  readonly sleep: Sleep;
  close(): void;
};

/** The adapters, configured eagerly: a bad kubeconfig, region or endpoint fails here, before any request. */
export function connect(options: ConnectionOptions, io: CliIo): Connection {
  const sleep = io.sleep ?? timerSleep;
  const target = loadKubeConfig({
    ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context !== undefined ? { context: options.context } : {}),
  });
  const cluster = createCluster({
    target, clientId: CLI_CLIENT_ID, clock: io.clock, sleep,
    ...(options.qps !== undefined ? { qps: options.qps } : {}),
    ...(options.burst !== undefined ? { burst: options.burst } : {}),
  });
  const cloud = createCloud({
    ...(options.awsRegion !== undefined ? { region: options.awsRegion } : {}),
    ...(options.awsEndpoint !== undefined ? { endpoint: options.awsEndpoint } : {}),
  });
  return { cloud, cluster, sleep, close: () => cloud.destroy() };
}

