// `scalerd override set | list | clear`: capacity and replica overrides kept in the
// ConfigMap scalerd-overrides, which the daemon watches and applies within seconds. The
// CLI writes the ConfigMap only; it never scales anything itself. Every argument is
// checked against the schedule before the first request.

import type { Command } from 'commander';
import { isRemoteError, RemoteError, UsageError } from '../errors.js';
import { createConfigMaps } from '../kube/config-maps.js';
import { createOverrideStore, DEFAULT_OVERRIDES_NAMESPACE, type OverrideStore } from '../overrides/store.js';
import { DURATION_RANGES, durationArg } from './arguments.js';
import { CLI_CLIENT_ID } from './engine-options.js';
import { formatDiagnosticForTerminal, loadScheduleFile, type Schedule } from '../schedule/index.js';
import { terminalSafe } from '../text/terminal.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';
import { addKubeOptions, connectKube, type KubeOptions } from './kube-options.js';
import { checkValues, resolveEnd } from '../overrides/draft.js';
import { assignment, namespaceArg, whoSets, type Assignment } from './override-args.js';
import { printCleared, printList, printSet } from './override-output.js';
import { outputFormat } from './validate-command.js';

type Common = KubeOptions & { schedule?: string; namespace: string; output: 'text' | 'json' };
type SetOptions = Common & { group?: Assignment[]; replicas?: Assignment[]; for?: number; until?: string; untilNextWindow?: boolean; reason?: string };
type ClearOptions = Common & { all: boolean };

export function registerOverride(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const override = program
    .command('override')
    .description('set, list or clear capacity overrides the daemon applies on top of the schedule');

  common(override
    .command('set')
    .description('override node-group capacity or workload replicas for a while')
    .option('--group <name=n>', 'node group and capacity, such as workers=12 (repeatable)', assignment)
    .option('--replicas <ns/name=n>', 'workload and replicas, such as shop/web=8 (repeatable)', assignment)
    .option('--for <duration>', 'how long, such as 3h or 1d12h, at most 366d', durationArg(DURATION_RANGES.overrideFor))
    .option('--until <time>', 'until a local time in the schedule\'s zone (2026-11-27T06:00) or an instant with an offset')
    .option('--until-next-window', 'until the schedule\'s desired state next changes', false)
    .option('--reason <text>', 'why, for whoever finds the override later (required)'), true)
    .addHelpText('after', [
      '',
      'Exactly one of --for, --until, --until-next-window. Values must be within the schedule\'s limits;',
      'the daemon applies the newest override for each value, and drops it when it ends.',
      'Exit 0: stored; 1: the cluster refused or failed; 2: usage.',
    ].join('\n'))
    .action(async (options: SetOptions) => {
      const schedule = await loadSchedule(options, 'override set', io);
      if (!schedule) return setExit(EXIT.failed);
      const file = options.schedule!;
      const values = checkValues(schedule, file, options.group ?? [], options.replicas ?? []);
      const reason = options.reason?.trim();
      if (!reason) throw new UsageError('SCALERD_ERR_CLI_USAGE', 'override set needs --reason "…": say why, for whoever finds the override later');
      // Whole seconds: a person never means milliseconds, and `--for 1h` then ends on one.
      const now = Math.floor(io.clock.now() / 1000) * 1000;
      const end = resolveEnd(schedule, file, options, now);
      const { store, kubeUser } = connectStore(options, io);
      const { override: stored, dropped } = await explained(store, () => store.add({
        ...(Object.keys(values.capacity).length > 0 ? { capacity: values.capacity } : {}),
        ...(Object.keys(values.replicas).length > 0 ? { replicas: values.replicas } : {}),
        from: now,
        until: end.until,
        ...(end.untilNextWindow ? { untilNextWindow: true } : {}),
        reason,
        by: whoSets(process.env, kubeUser),
        createdAt: now,
      }));
      printSet(io, { output: options.output, zone: schedule.zone, where: where(store), now }, stored, dropped);
      setExit(EXIT.ok);
    });

  common(override
    .command('list')
    .description('list the stored overrides, newest first'), false)
    .action(async (options: Common) => {
      const schedule = options.schedule === undefined ? undefined : await loadSchedule(options, 'override list', io);
      if (options.schedule !== undefined && !schedule) return setExit(EXIT.failed);
      const { store } = connectStore(options, io);
      const { overrides, problems } = await explained(store, () => store.read());
      printList(io, { output: options.output, zone: schedule?.zone, where: where(store), now: io.clock.now() }, overrides, problems);
      setExit(EXIT.ok);
    });

  common(override
    .command('clear [id]')
    .description('remove an override by id, or all of them with --all')
    .option('--all', 'remove every override (unreadable entries too)', false), false)
    .action(async (id: string | undefined, options: ClearOptions) => {
      if ((id === undefined) === !options.all) {
        throw new UsageError('SCALERD_ERR_CLI_USAGE', 'override clear needs an id (see "scalerd override list") or --all, not both');
      }
      const { store } = connectStore(options, io);
      const { cleared, dropped } = await explained(store, () => store.clear(options.all ? 'all' : [id!]));
      printCleared(io, options.output, where(store), cleared, dropped);
      setExit(EXIT.ok);
    });

  // Commander copies exit handling to a command when it is created; these are created
  // under `override`, after program.ts configured the top level, so configure them here.
  for (const command of override.commands) command.exitOverride().configureOutput(program.configureOutput());
}

function common(command: Command, scheduleRequired: boolean): Command {
  const withSchedule = command.option(
    '--schedule <file>',
    scheduleRequired ? 'schedule file (JSON): the node groups, workloads and limits an override must respect (required)' : 'schedule file (JSON): show times in its zone as well as UTC',
  );
  return addKubeOptions(withSchedule)
    .option('--namespace <name>', 'scalerd\'s namespace, where the ConfigMap scalerd-overrides lives', namespaceArg, DEFAULT_OVERRIDES_NAMESPACE)
    .option('-o, --output <format>', 'text or json', outputFormat, 'text');
}

/** The schedule named by --schedule; undefined (diagnostics printed) when it does not load. */
async function loadSchedule(options: Common, command: string, io: CliIo): Promise<Schedule | undefined> {
  if (options.schedule === undefined) {
    throw new UsageError('SCALERD_ERR_CLI_USAGE', `${command} needs --schedule <file>: an override must name node groups and workloads of the schedule, within its limits`);
  }
  const loaded = await loadScheduleFile(options.schedule, io.clock.now());
  if (loaded.ok) return loaded.schedule;
  for (const diagnostic of loaded.diagnostics) io.err(formatDiagnosticForTerminal(diagnostic));
  io.err(terminalSafe(`${options.schedule}: invalid; run "scalerd validate ${options.schedule}" after fixing it`));
  return undefined;
}

function connectStore(options: Common, io: CliIo): { store: OverrideStore; kubeUser: string | undefined } {
  const { target, deps } = connectKube(options, io, CLI_CLIENT_ID);
  const store = createOverrideStore({ configMaps: createConfigMaps(deps), namespace: options.namespace, clock: io.clock, sleep: deps.sleep });
  return { store, kubeUser: target.user.name || undefined };
}

const where = (store: OverrideStore) => `${store.namespace}/${store.name}`;

/** The store's call, with the fix for the one failure people meet first: scalerd's namespace is missing. */
async function explained<T>(store: OverrideStore, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isRemoteError(error) && error.detail.status === 404 && error.detail.operation === 'create configmaps') {
      throw new RemoteError('SCALERD_ERR_KUBE_CALL', `${error.message} (create the namespace with "kubectl create namespace ${store.namespace}", or pass --namespace)`, error.detail, { cause: error });
    }
    throw error;
  }
}
