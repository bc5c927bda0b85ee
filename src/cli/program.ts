import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isScalerdError, isUsageError } from '../errors.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';
import { registerDrain } from './drain-command.js';
import { registerHistory } from './history-command.js';
import { registerOverride } from './override-command.js';
import { registerPlan } from './plan-command.js';
import { registerRun } from './run-command.js';
import { registerScale } from './scale-command.js';
import { registerSim } from './sim-command.js';
import { registerStatus } from './status-command.js';
import { registerValidate } from './validate-command.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Runs the CLI on argv (without node and script) and returns the exit code; never calls process.exit. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const setExit = (code: ExitCode): void => {
    exitCode = code;
  };
  const program = new Command('scalerd')
    .description('Size a Kubernetes cluster on AWS Auto Scaling groups by a schedule kept in git.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
    });
  program.configureHelp({ showGlobalOptions: true });
  registerValidate(program, io, setExit);
  registerPlan(program, io, setExit);
  registerSim(program, io, setExit);
  registerScale(program, io, setExit);
  registerDrain(program, io, setExit);
  registerOverride(program, io, setExit);
  registerRun(program, io, setExit);
  registerStatus(program, io, setExit);
  registerHistory(program, io, setExit);
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end through this path too, with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (isUsageError(error)) {
      io.err(`error ${error.code}: ${error.message}`);
      return EXIT.usage;
    }
    if (isScalerdError(error)) {
      io.err(`error ${error.code}: ${error.message}`);
      return EXIT.failed;
    }
    throw error;
  }
}
