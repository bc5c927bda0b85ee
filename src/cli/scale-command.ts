// `scalerd scale`: one reconcile, now, with one node group's capacity set by hand. The
// same engine as the daemon (observe → plan → execute), so every scale-down invariant
// holds; only the desired state comes from the command line.

import type { Command } from 'commander';
import { reconcileOnce } from '../engine/index.js';
import { UsageError } from '../errors.js';
import { dict } from '../records.js';
import { desiredAt } from '../schedule/index.js';
import { addConnectionOptions, addRemovalOptions, connect, executionFor, loadScheduleOption, type ConnectionOptions, type RemovalOptions } from './engine-options.js';
import { MAX_NODES } from '../schedule/limits.js';
import { wholeNumberArg } from './arguments.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';
import { printRun, runExitCode } from './run-report.js';

type Options = ConnectionOptions & RemovalOptions & { group: string; capacity: number };

export function registerScale(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('scale')
    .description('set one node group to a capacity now, once: drain and remove nodes, or add them')
    .requiredOption('--group <name>', 'node group of the schedule')
    .requiredOption('--capacity <n>', 'nodes the group should have, within the schedule\'s limits for it', wholeNumberArg(0, MAX_NODES));
  addConnectionOptions(addRemovalOptions(command))
    .addHelpText('after', [
      '',
      'Other node groups follow the schedule at this instant. Workloads are left as they are:',
      'scale changes nodes only (the daemon applies the schedule\'s replicas).',
      'Exit 0: done; 1: a node was not removed, a step failed, or the plan was blocked; 2: usage.',
    ].join('\n'))
    .action(async (options: Options) => {
      const schedule = await loadScheduleOption(options, 'scale', io);
      if (!schedule) {
        setExit(EXIT.failed);
        return;
      }
      const group = schedule.nodeGroups.find((g) => g.name === options.group);
      if (!group) {
        throw new UsageError('SCALERD_ERR_CLI_USAGE', `--group ${options.group}: ${options.schedule} has no such node group (it has ${schedule.nodeGroups.map((g) => g.name).join(', ')})`);
      }
      if (options.capacity < group.min || options.capacity > group.max) {
        throw new UsageError('SCALERD_ERR_CLI_USAGE', `--capacity ${options.capacity} is outside the limits of ${group.name} in ${options.schedule}: min ${group.min}, max ${group.max}`);
      }
      const connection = connect(options, io);
      try {
        const now = io.clock.now();
        const state = desiredAt(schedule, now).state;
        const { plan, report } = await reconcileOnce({
          cloud: connection.cloud,
          cluster: connection.cluster,
          // No workloads: the scale command changes nodes only (see the help text).
          schedule: { nodeGroups: schedule.nodeGroups, workloads: [] },
          desired: { capacity: dict([...Object.entries(state.capacity), [group.name, options.capacity]]), replicas: {} },
          now,
          planOptions: { owner: options.owner },
          execution: executionFor(io, connection, options),
        });
        const code = runExitCode(plan, report, (b) => b.group === undefined || b.group === group.name);
        printRun(io, options.output, plan, report, code);
        setExit(code);
      } finally {
        connection.close();
      }
    });
}

