import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { type Code, isScalerdError, isUsageError } from '../errors.js';
import { terminalLines, terminalSafe } from '../text/terminal.js';
import { addExamples } from './examples.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';

type Register = (program: Command, io: CliIo, setExit: (code: ExitCode) => void) => void;

/**
 * Each command's module, loaded when that command runs: `scalerd validate` or `plan` must
 * not pay for the AWS SDK and the Kubernetes adapter that only the commands talking to a
 * cluster need. Help, unknown commands and completion load them all, to list them.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  validate: async () => (await import('./validate-command.js')).registerValidate,
  plan: async () => (await import('./plan-command.js')).registerPlan,
  sim: async () => (await import('./sim-command.js')).registerSim,
  scale: async () => (await import('./scale-command.js')).registerScale,
  drain: async () => (await import('./drain-command.js')).registerDrain,
  override: async () => (await import('./override-command.js')).registerOverride,
  run: async () => (await import('./run-command.js')).registerRun,
  status: async () => (await import('./status-command.js')).registerStatus,
  history: async () => (await import('./history-command.js')).registerHistory,
  'lb-sync': async () => (await import('./lb-sync-command.js')).registerLbSync,
  deploy: async () => (await import('./deploy-command.js')).registerDeploy,
  deployments: async () => (await import('./deployments-command.js')).registerDeployments,
  deployer: async () => (await import('./deployer-command.js')).registerDeployer,
  completion: async () => (await import('./completion-command.js')).registerCompletion,
};

/** Commands that need every other command registered: completion describes them all. */
const NEEDS_ALL = new Set(['completion']);

/**
 * A kubeconfig or AWS configuration that cannot be used is found before the first
 * request and is the user's to fix, like a wrong flag: exit 2, as for usage errors.
 */
const START_UP_CODES: ReadonlySet<Code> = new Set<Code>(['SCALERD_ERR_KUBE_CONFIG', 'SCALERD_ERR_AWS_CONFIG']);

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The program with the named commands registered (default: all), their Examples in their help. */
export async function createProgram(io: CliIo, setExit: (code: ExitCode) => void, names: readonly string[] = Object.keys(COMMANDS)): Promise<Command> {
  const program = new Command('scalerd')
    .description('Size a Kubernetes cluster on AWS Auto Scaling groups by a schedule kept in git.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
      // Commander's errors quote the arguments as given ("unknown option '…'"): each of
      // their lines made safe to print. Help is ours and goes out as it is.
      outputError: (text, write) => write(terminalLines(text.split('\n'))),
    });
  program.configureHelp({ showGlobalOptions: true });
  for (const register of await Promise.all(names.map((n) => COMMANDS[n]!()))) register(program, io, setExit);
  addExamples(program);
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Runs the CLI on argv (without node and script) and returns the exit code; never calls process.exit. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const setExit = (code: ExitCode): void => {
    exitCode = code;
  };
  const name = argv.find((arg) => !arg.startsWith('-'));
  const wanted = name !== undefined && name in COMMANDS && !NEEDS_ALL.has(name) ? [name] : Object.keys(COMMANDS);
  const program = await createProgram(io, setExit, wanted);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end through this path too, with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // Messages quote arguments, file contents and API answers: one line, made safe to print.
    if (isUsageError(error) || (isScalerdError(error) && START_UP_CODES.has(error.code))) {
      io.err(terminalSafe(`error ${error.code}: ${error.message}`));
      return EXIT.usage;
    }
    if (isScalerdError(error)) {
      io.err(terminalSafe(`error ${error.code}: ${error.message}`));
      return EXIT.failed;
    }
    throw error;
  }
}
