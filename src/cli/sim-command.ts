import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { formatDiagnosticForTerminal } from '../json/diagnostics.js';
// Loaded when the command runs: every other command's start-up skips the simulator.
import type { Sim } from '../sim/index.js';
import type { Scenario } from '../sim/scenario/types.js';
import { MAX_NODES } from '../schedule/limits.js';
import { MAX_SPEED, positiveNumberArg, wholeNumberArg } from './arguments.js';
import { terminalLines } from '../text/terminal.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';
import { bindOrExplain } from './listen-error.js';
import { writeTempFile, type TempFile } from './temp-file.js';

type Options = { scenario?: string; nodes?: number; podsPerNode?: number; speed: number; port: number; kubeconfigOut?: string };

/** Resolves when the process is asked to stop; tests pass their own. */
export type StopSignal = () => Promise<void>;

const untilSignal: StopSignal = () => new Promise((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

export function registerSim(program: Command, io: CliIo, setExit: (code: ExitCode) => void, stopSignal: StopSignal = untilSignal): void {
  program
    .command('sim')
    .description('run the embedded simulated cluster (Kubernetes and AWS APIs on loopback) until stopped')
    .option('--scenario <file>', 'scenario to seed (default: scenarios/demo.json)')
    .option('--nodes <n>', 'generate a scenario with this many nodes instead, 1 to 10000', wholeNumberArg(1, MAX_NODES))
    .option('--pods-per-node <m>', 'pods per node in a generated scenario, 1 to 250 (default 10)', wholeNumberArg(1, 250))
    .option('--speed <x>', 'simulated seconds per real second', positiveNumberArg(MAX_SPEED), 1)
    .option('--port <p>', 'port on 127.0.0.1 (0: any free port)', wholeNumberArg(0, 65535), 0)
    .option('--kubeconfig-out <file>', 'where to write the kubeconfig (default: a file in the temp directory)')
    .action(async (options: Options) => {
      const { SCENARIOS_DIR, loadScenarioFile } = await import('../sim/scenario/load.js');
      const { startSim } = await import('../sim/index.js');
      if (options.scenario !== undefined && options.nodes !== undefined) throw new UsageError('SCALERD_ERR_CLI_USAGE', 'give --scenario or --nodes, not both');
      if (options.podsPerNode !== undefined && options.nodes === undefined) throw new UsageError('SCALERD_ERR_CLI_USAGE', '--pods-per-node goes with --nodes');
      let scenario: Scenario | undefined;
      if (options.nodes === undefined) {
        const file = options.scenario ?? new URL('demo.json', SCENARIOS_DIR).pathname;
        const loaded = await loadScenarioFile(file);
        if (!loaded.ok) {
          for (const d of loaded.diagnostics) io.err(formatDiagnosticForTerminal(d));
          setExit(EXIT.failed);
          return;
        }
        scenario = loaded.scenario;
      }
      const sim = await bindOrExplain('--port', String(options.port), () => startSim({
        ...(scenario ? { scenario } : { nodes: options.nodes, podsPerNode: options.podsPerNode ?? 10 }),
        speed: options.speed,
        port: options.port,
      }));
      // --kubeconfig-out is the user's to keep; the default, in the temp directory, goes when the simulator stops.
      let temp: TempFile | undefined;
      const kubeconfigOut = options.kubeconfigOut ?? (temp = await writeTempFile(join(tmpdir(), `scalerd-sim-${new URL(sim.server).port}.kubeconfig`), sim.kubeconfig)).path;
      if (options.kubeconfigOut !== undefined) await writeFile(kubeconfigOut, sim.kubeconfig, { mode: 0o600 });
      io.out(terminalLines(banner(sim, kubeconfigOut, options.speed)));
      await stopSignal();
      await sim.stop();
      await temp?.remove();
      io.out('scalerd sim: stopped');
      setExit(EXIT.ok);
    });
}

/** Its lines: the scenario's name and the paths are the user's text. */
function banner(sim: Sim, kubeconfig: string, speed: number): string[] {
  const s = sim.scenario;
  const nodes = s.nodeGroups.reduce((n, g) => n + g.desired, 0);
  return [
    `scalerd sim: scenario ${s.name} (${nodes} nodes, ${s.workloads?.length ?? 0} workloads, ${s.daemonSets?.length ?? 0} DaemonSets) at ${speed}x speed`,
    `  Kubernetes API   ${sim.server}`,
    `  kubeconfig       ${kubeconfig}`,
    `  AWS endpoint     ${sim.awsEndpoint}   region ${sim.region}`,
    `  AWS credentials  AWS_ACCESS_KEY_ID=${sim.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${sim.credentials.secretAccessKey} (requests must be signed with these)`,
    'In another shell, this makes scalerd, kubectl and the aws CLI talk to it:',
    `  ${exportLine(sim, kubeconfig)}`,
    'Press Ctrl-C to stop.',
  ];
}

/** One line to paste: the SDK and the aws CLI read AWS_ENDPOINT_URL (CLI v2 from 2.13), kubectl and scalerd KUBECONFIG. */
export function exportLine(sim: Sim, kubeconfig: string): string {
  const vars = {
    KUBECONFIG: kubeconfig,
    AWS_ENDPOINT_URL: sim.awsEndpoint,
    AWS_REGION: sim.region,
    // The aws CLI v1 (and botocore) read only this one.
    AWS_DEFAULT_REGION: sim.region,
    AWS_ACCESS_KEY_ID: sim.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sim.credentials.secretAccessKey,
  };
  return `export ${Object.entries(vars).map(([name, value]) => `${name}=${shellWord(value)}`).join(' ')}`;
}

/** A value as one shell word: as it is when it is plain, else in single quotes. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

