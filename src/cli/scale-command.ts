// `scalerd scale`: one reconcile, now, with one node group's capacity set by hand. The
// same engine as the daemon (observe → plan → execute), so every scale-down invariant
// holds; only the desired state comes from the command line. The plan is printed and
// agreed to (one-shot.ts) before anything changes; a scale-up then waits for the new
// nodes to be Ready (await-ready.ts).

import type { Command } from 'commander';
import { DEFAULT_PLAN_OPTIONS } from '../plan/index.js';
import { UsageError } from '../errors.js';
import { dict } from '../records.js';
import { desiredAt } from '../schedule/index.js';
import { addConnectionOptions, addRemovalOptions, connect, executionFor, loadScheduleOption, podPolicyOf, type ConnectionOptions, type RemovalOptions } from './engine-options.js';
import { MAX_NODES } from '../schedule/limits.js';
import { wholeNumberArg } from './arguments.js';
import { awaitReady, type ReadyWait } from './await-ready.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';
import { hintFor } from './hints.js';
import { consentFor, planAndAct } from './one-shot.js';
import { terminalSafe } from '../text/terminal.js';
import { printRun, runExitCode } from './run-report.js';
import type { ReconcileInput } from '../engine/index.js';
import type { ExecutionReport } from '../actuate/index.js';

type Options = ConnectionOptions & RemovalOptions & { group: string; capacity: number };

/** After the deadline for joining, a minute more for the last look to find the ones that never did. */
const LAST_LOOK_MS = 60_000;

export function registerScale(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('scale')
    .description('set one node group to a capacity now, once: drain and remove nodes, or add them and wait until they are Ready')
    .requiredOption('--group <name>', 'node group of the schedule')
    .requiredOption('--capacity <n>', 'nodes the group should have, within the schedule\'s limits for it', wholeNumberArg(0, MAX_NODES));
  addConnectionOptions(addRemovalOptions(command))
    .addHelpText('after', [
      '',
      'The plan is printed first; on a terminal scale asks "Proceed? [y/N]" unless --yes. Where no',
      'terminal can confirm (CI, a pipe, -o json) it acts only with --yes; --dry-run needs nothing.',
      'Nodes added must join and turn Ready within --timeout (default 15m); the instances that do not',
      'are terminated by id, the group one smaller for each, and reported.',
      'Other node groups follow the schedule at this instant. Workloads are left as they are:',
      'scale changes nodes only (the daemon applies the schedule\'s replicas).',
      'Exit 0: done; 1: a node was not removed or not Ready, a step failed, the plan was blocked, or',
      'the answer was no; 2: usage (also: acting without --yes where nobody can confirm).',
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
      const consent = consentFor('scale', io, options);
      const connection = connect(options, io);
      try {
        const now = io.clock.now();
        const state = desiredAt(schedule, now).state;
        const registrationTimeoutMs = options.timeout ?? DEFAULT_PLAN_OPTIONS.registrationTimeoutMs;
        const engine: ReconcileInput = {
          cloud: connection.cloud,
          cluster: connection.cluster,
          // No workloads: the scale command changes nodes only (see the help text).
          schedule: { nodeGroups: schedule.nodeGroups, workloads: [] },
          desired: { capacity: dict([...Object.entries(state.capacity), [group.name, options.capacity]]), replicas: {} },
          now,
          planOptions: { owner: options.owner, registrationTimeoutMs, pods: podPolicyOf(options) },
          execution: executionFor(io, connection, options),
        };
        const { plan, report } = await planAndAct(io, engine, options.output, consent);
        if (!report) {
          setExit(EXIT.failed);
          return;
        }
        let code = runExitCode(plan, report, (b) => b.group === undefined || b.group === group.name);
        const summary = plan.groups.find((g) => g.group === group.name);
        let wait: ReadyWait | undefined;
        let final: ExecutionReport = report;
        if (!report.dryRun && report.outcome === 'done' && summary?.target !== undefined && summary.readyNodes < summary.target) {
          wait = await awaitReady({
            engine, group: group.name, until: io.clock.now() + registrationTimeoutMs + LAST_LOOK_MS, sleep: connection.sleep,
            ...(io.signal ? { signal: io.signal } : {}),
            write: (line) => (options.output === 'json' ? io.err(line) : io.out(line)),
          });
          final = {
            ...report,
            finishedAt: io.clock.now(),
            outcome: wait.outcome === 'ready' ? 'done' : wait.outcome === 'stopped' ? 'stopped' : 'failed',
            message: `${report.message}; ${wait.message}`,
          };
          if (wait.outcome !== 'ready') code = EXIT.failed;
        }
        // The nodes that stayed for a reason the operator can lift: how to lift it.
        const hints = code === EXIT.ok ? [] : plan.notChosen.filter((n) => n.group === group.name).flatMap((skipped) => {
          const hint = hintFor(skipped, group.asg);
          return hint ? [{ node: skipped.node, hint }] : [];
        });
        printRun(io, options.output, plan, final, code, { ...(wait ? { wait } : {}), ...(options.output === 'json' ? { hints } : {}) });
        if (options.output === 'text') for (const h of hints) io.err(terminalSafe(`hint: ${h.node}: ${h.hint}`));
        setExit(code);
      } finally {
        connection.close();
      }
    });
}
