import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { UsageError } from '../errors.js';
import { formatDiagnosticForTerminal } from '../json/diagnostics.js';
// Loaded when the command runs: every other command's start-up skips the simulator.
import type { Sim } from '../sim/index.js';
import { terminalLines } from '../text/terminal.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';

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
    .option('--nodes <n>', 'generate a scenario with this many nodes instead', count)
    .option('--pods-per-node <m>', 'pods per node in a generated scenario (default 10)', count)
    .option('--speed <x>', 'simulated seconds per real second', positive, 1)
    .option('--port <p>', 'port on 127.0.0.1 (0: any free port)', port, 0)
    .option('--kubeconfig-out <file>', 'where to write the kubeconfig (default: a file in the temp directory)')
    .action(async (options: Options) => {
      const { SCENARIOS_DIR, loadScenarioFile } = await import('../sim/scenario/load.js');
      const { startSim } = await import('../sim/index.js');
      if (options.scenario !== undefined && options.nodes !== undefined) throw new UsageError('SCALERD_ERR_CLI_USAGE', 'give --scenario or --nodes, not both');
      if (options.podsPerNode !== undefined && options.nodes === undefined) throw new UsageError('SCALERD_ERR_CLI_USAGE', '--pods-per-node goes with --nodes');
      let scenario;
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
      const sim = await startSim({
        ...(scenario ? { scenario } : { nodes: options.nodes, podsPerNode: options.podsPerNode ?? 10 }),
        speed: options.speed,
        port: options.port,
      });
      const kubeconfigOut = options.kubeconfigOut ?? join(tmpdir(), `scalerd-sim-${new URL(sim.server).port}.kubeconfig`);
      await writeFile(kubeconfigOut, sim.kubeconfig, { mode: 0o600 });
      io.out(terminalLines(banner(sim, kubeconfigOut, options.speed)));
      await stopSignal();
      await sim.stop();
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
    `  kubeconfig       ${kubeconfig}   (export KUBECONFIG=${kubeconfig})`,
    `  AWS endpoint     ${sim.awsEndpoint}   region ${sim.region}`,
    `  AWS credentials  AWS_ACCESS_KEY_ID=${sim.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${sim.credentials.secretAccessKey} (placeholders; not checked)`,
    'Press Ctrl-C to stop.',
  ];
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('expected a whole number from 1 to 100000');
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!(n > 0) || n > 10_000) throw new InvalidArgumentError('expected a number above 0 and at most 10000');
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port from 0 to 65535');
  return n;
}
