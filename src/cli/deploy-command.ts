// `scalerd deploy -f descriptor.json [--follow]`: checks the descriptor here first (the
// diagnostics `scalerd validate` prints for schedules: file:line:column, code, hint), then
// hands it to the deployer's REST API and prints the deployment's id and Location. With
// --follow, streams its log to the end: exit 0 on SUCCESS, 1 on FAILURE. The API and its
// token come from --api / --token-file or SCALERD_DEPLOYER_URL, SCALERD_DEPLOYER_TOKEN_FILE,
// SCALERD_DEPLOYER_TOKEN (a token is never a flag: it would show in `ps`).

import { type Command, Option } from 'commander';
import { timerSleep } from '../actuate/types.js';
import { ApiCallError, DeployerClient, type DeploymentSummary } from '../deployer/api/index.js';
import { checkDescriptorText } from '../deployer/descriptor/index.js';
import type { LogLine } from '../deployer/state/records.js';
import { UsageError } from '../errors.js';
import { type Diagnostic, formatDiagnosticForTerminal } from '../json/diagnostics.js';
import { readDocument } from '../json/document.js';
import { isoSeconds } from '../clock.js';
import { plural } from '../plan/format.js';
import { terminalSafe } from '../text/terminal.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';
import { readSecret } from './secrets.js';

export type ApiOptions = { readonly api?: string; readonly tokenFile?: string };

type Options = ApiOptions & { file: string; follow: boolean };

export function addApiOptions(command: Command): Command {
  return command
    .addOption(new Option('--api <url>', "the deployer API's URL").env('SCALERD_DEPLOYER_URL'))
    .addOption(new Option('--token-file <file>', 'a file holding the API token (default: the token in SCALERD_DEPLOYER_TOKEN)').env('SCALERD_DEPLOYER_TOKEN_FILE'));
}

/** The client, configured eagerly: no URL or no token fails here (exit 2), before any call. */
export async function connectApi(options: ApiOptions, io: CliIo): Promise<DeployerClient> {
  if (options.api === undefined || options.api === '') throw new UsageError('SCALERD_ERR_CLI_USAGE', 'no deployer API: pass --api <url> or set SCALERD_DEPLOYER_URL');
  let base: URL;
  try {
    base = new URL(options.api);
  } catch {
    throw new UsageError('SCALERD_ERR_CLI_USAGE', `--api ${options.api} is not a URL such as http://127.0.0.1:8090`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new UsageError('SCALERD_ERR_CLI_USAGE', `--api ${options.api}: http or https only`);
  return new DeployerClient({ baseUrl: base.href, token: await readToken(options.tokenFile), sleep: io.sleep ?? timerSleep, ...(io.signal ? { signal: io.signal } : {}) });
}

async function readToken(file: string | undefined): Promise<string> {
  const token = await readSecret({ flag: '--token-file', file, variable: 'SCALERD_DEPLOYER_TOKEN', code: 'SCALERD_ERR_API_TOKEN' });
  if (token === undefined) throw new UsageError('SCALERD_ERR_API_TOKEN', 'no API token: pass --token-file <file>, or set SCALERD_DEPLOYER_TOKEN_FILE or SCALERD_DEPLOYER_TOKEN');
  return token;
}

export function registerDeploy(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('deploy')
    .description('deploy a descriptor blue/green through the deployer API; --follow streams its log until it ends')
    .requiredOption('-f, --file <descriptor>', 'the descriptor (JSON)')
    .option('--follow', 'stream the log until the deployment ends; exit 0 on SUCCESS, 1 on FAILURE', false);
  addApiOptions(command).action(async (options: Options) => setExit(await deploy(options, io)));
}

async function deploy(options: Options, io: CliIo): Promise<ExitCode> {
  const read = await readDocument(options.file, 'SCALERD_ERR_DESCRIPTOR_READ', 'check the path; example descriptors are in examples/descriptors/');
  const checked = read.ok ? checkDescriptorText(read.text, options.file) : { ok: false as const, diagnostics: [read.diagnostic] };
  for (const diagnostic of checked.diagnostics) io.err(formatDiagnosticForTerminal(diagnostic));
  if (!checked.ok || !read.ok) {
    io.err(terminalSafe(`${options.file}: invalid, ${plural(checked.diagnostics.filter((d) => d.severity === 'error').length, 'error')}; nothing was deployed`));
    return EXIT.failed;
  }
  const client = await connectApi(options, io);
  let started;
  try {
    started = await client.deploy(read.text);
  } catch (error) {
    // The API checks the same text: its diagnostics point into this file.
    const diagnostics = (error instanceof ApiCallError ? (error.remote?.details as { diagnostics?: Diagnostic[] } | undefined)?.diagnostics : undefined) ?? [];
    for (const diagnostic of diagnostics) io.err(formatDiagnosticForTerminal({ ...diagnostic, file: options.file }));
    throw error;
  }
  const { record, location } = started;
  io.out(terminalSafe(`deployment ${record.id}: ${record.namespace}/${record.app} version ${record.version}${record.previousVersion === undefined ? '' : ` replacing version ${record.previousVersion}`}, ${record.status}`));
  io.out(terminalSafe(`location: ${location}`));
  if (!options.follow) return EXIT.ok;

  let final: DeploymentSummary | undefined;
  try {
    for await (const event of client.follow(record)) {
      if (event.kind === 'log') io.out(terminalSafe(formatLogLine(event.line)));
      else final = event.record;
    }
  } catch (error) {
    if (!io.signal?.aborted) throw error;
  }
  if (!final || final.status === 'RUNNING') {
    io.err(terminalSafe(`stopped following ${record.id}; the deployment goes on: scalerd deployments ${record.namespace}/${record.app}`));
    return EXIT.failed;
  }
  const took = formatSeconds(final.updatedAt - final.createdAt);
  if (final.status === 'SUCCESS') {
    io.out(terminalSafe(`SUCCESS: ${final.namespace}/${final.app} version ${final.version} in ${took}`));
    return EXIT.ok;
  }
  io.out(terminalSafe(`FAILURE: ${final.namespace}/${final.app} version ${final.version} after ${took}${final.reason ? `: ${final.reason}` : ''}${final.switched ? ' (switched back to the old version)' : ''}`));
  return EXIT.failed;
}

/** "2026-11-26T06:15:02Z info  deploying …". */
export function formatLogLine(line: LogLine): string {
  return `${isoSeconds(line.at)} ${line.level.padEnd(5)} ${line.message}`;
}


function formatSeconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}
