// `scalerd deployments [namespace[/app]]`: the deployments the deployer recorded, newest
// first — id, app, version (the one it replaced → the one it deployed), status, phase,
// start, duration (so far, for one still running) and why it failed. From the deployer's
// REST API; read-only. Exit 0: listed (none too); 1: the API failed; 2: usage.

import { type Command, InvalidArgumentError } from 'commander';
import type { DeploymentSummary } from '../deployer/api/index.js';
import { isoSeconds } from '../clock.js';
import { addApiOptions, connectApi, type ApiOptions } from './deploy-command.js';
import { terminalSafe } from '../text/terminal.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';
import { renderTable, formatDuration } from './table.js';
import { outputFormat } from './validate-command.js';

type Selector = { readonly namespace?: string; readonly app?: string };
type Options = ApiOptions & { output: 'text' | 'json' };

const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function registerDeployments(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('deployments')
    .description('the deployments the deployer recorded, newest first: id, app, version, status, phase, start, duration, reason')
    .argument('[namespace/app]', "one namespace's deployments, or one app's history", selector)
    .option('-o, --output <format>', 'text or json', outputFormat, 'text');
  addApiOptions(command).action(async (which: Selector | undefined, options: Options) => {
    const client = await connectApi(options, io);
    const records = (await client.list(which?.namespace, which?.app)).reverse();
    if (options.output === 'json') {
      io.out(JSON.stringify(records, null, 2));
      return setExit(EXIT.ok);
    }
    if (records.length === 0) {
      io.out(terminalSafe(`no deployments recorded${which?.namespace ? ` for ${which.namespace}${which.app ? `/${which.app}` : ''}` : ''}`));
      return setExit(EXIT.ok);
    }
    const now = io.clock.now();
    io.out(renderTable(['ID', 'APP', 'VERSION', 'STATUS', 'PHASE', 'STARTED (UTC)', 'DURATION', 'REASON'], records.map((r) => [
      r.id,
      `${r.namespace}/${r.app}`,
      r.previousVersion === undefined ? String(r.version) : `${r.previousVersion}→${r.version}`,
      r.status,
      r.phase,
      isoSeconds(r.createdAt),
      formatDuration(took(r, now)),
      r.reason ?? '',
    ])));
    setExit(EXIT.ok);
  });
}

function took(r: DeploymentSummary, now: number): number {
  return (r.status === 'RUNNING' ? now : r.updatedAt) - r.createdAt;
}

function selector(value: string): Selector {
  const [namespace = '', app, ...rest] = value.split('/');
  if (!LABEL.test(namespace) || (app !== undefined && !LABEL.test(app)) || rest.length > 0) {
    throw new InvalidArgumentError(`"${value}" is not a namespace or namespace/app (lowercase DNS labels)`);
  }
  return app === undefined ? { namespace } : { namespace, app };
}

