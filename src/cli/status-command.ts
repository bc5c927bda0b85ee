// `scalerd status`: desired against observed at a glance, from the cluster itself — the
// schedule's state now with the overrides in force (read from their ConfigMap), each
// group's Auto Scaling group and Ready nodes, each workload's replicas, the nodes scalerd
// has marked and their phase (what is in progress, whichever replica is doing it), and
// the next transition. Read-only; the same document as the daemon's /status, computed
// here so it works without reaching the daemon's port.

import type { Command } from 'commander';
import { createCloud } from '../aws/index.js';
import { desiredView, formatSource } from '../daemon/desired.js';
import { nextChange, nextTransition, serving, StatusBoard, type NextTransition } from '../daemon/status.js';
import { isoSeconds } from '../clock.js';
import { observe } from '../engine/index.js';
import { clusterOver } from '../kube/index.js';
import { createConfigMaps } from '../kube/config-maps.js';
import { activeOverrides, createOverrideStore, DEFAULT_OVERRIDES_NAMESPACE, type Override } from '../overrides/index.js';
import { readMark } from '../plan/index.js';
import { formatLocal, type Schedule } from '../schedule/index.js';
import { describeInstant, describeValues } from './override-output.js';
import { CLI_CLIENT_ID, loadScheduleOption, type ConnectionOptions, addConnectionOptions } from './engine-options.js';
import { connectKube } from './kube-options.js';
import { terminalSafe } from '../text/terminal.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';
import { renderTable } from './table.js';
import { outputFormat } from './validate-command.js';

type Options = ConnectionOptions & { namespace: string; output: 'text' | 'json' };

export function registerStatus(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('status')
    .description('desired against observed, what scalerd has in progress, and the next transition')
    .option('--namespace <name>', 'scalerd\'s namespace (its overrides)', DEFAULT_OVERRIDES_NAMESPACE)
    .option('-o, --output <format>', 'text or json', outputFormat, 'text');
  addConnectionOptions(command).action(async (options: Options) => {
    const schedule = await loadScheduleOption(options, 'status', io);
    if (!schedule) return setExit(EXIT.failed);
    const { deps } = connectKube(options, io, CLI_CLIENT_ID);
    const cloud = createCloud({
      ...(options.awsRegion !== undefined ? { region: options.awsRegion } : {}),
      ...(options.awsEndpoint !== undefined ? { endpoint: options.awsEndpoint } : {}),
    });
    try {
      const now = io.clock.now();
      const overrides = createOverrideStore({ configMaps: createConfigMaps(deps), namespace: options.namespace, clock: io.clock, sleep: deps.sleep });
      const [set, observation] = await Promise.all([overrides.read(), observe({ cloud, cluster: clusterOver(deps), schedule, now })]);
      const board = new StatusBoard();
      board.desired = desiredView(schedule, now, set.overrides);
      board.observation = observation;
      const marked = observation.nodes.flatMap((n) => {
        const mark = readMark(n, options.owner);
        return mark.kind === 'ours' ? [{ node: n.name, phase: mark.mark.phase, since: mark.mark.startedAt === undefined ? null : isoSeconds(mark.mark.startedAt) }] : [];
      });
      const next = nextChange(schedule, now, set.overrides, nextTransition(schedule, now));
      if (options.output === 'json') {
        const doc = board.document(schedule, { path: options.schedule!, loadedAt: now, sha256: '' }, next);
        io.out(JSON.stringify({ ...doc, inProgress: marked, overrideProblems: set.problems }, null, 2));
        return setExit(EXIT.ok);
      }
      const desired = board.desired;
      io.out(terminalSafe(`${options.schedule} (${schedule.zone.name}), ${formatLocal(schedule.zone, now)}`));
      io.out('');
      io.out(renderTable(['GROUP', 'ASG', 'WANTED', 'BECAUSE', 'ASG DESIRED', 'IN SERVICE', 'READY'], schedule.nodeGroups.map((g) => {
        const asg = observation.groups.find((x) => x.name === g.asg);
        const observed = asg ? serving(observation, asg) : undefined;
        return [g.name, g.asg, String(desired.state.capacity[g.name] ?? '-'), formatSource(desired.sources.capacity[g.name]), asg ? String(asg.desiredCapacity) : 'not found', String(observed?.inService ?? '-'), String(observed?.readyNodes ?? '-')];
      })));
      if (schedule.workloads.length > 0) {
        io.out('');
        io.out(renderTable(['WORKLOAD', 'WANTED', 'BECAUSE', 'REPLICAS', 'AVAILABLE'], schedule.workloads.map((w) => {
          const key = `${w.namespace}/${w.name}`;
          const seen = observation.workloads.find((o) => o.namespace === w.namespace && o.name === w.name);
          return [key, String(desired.state.replicas[key] ?? '-'), formatSource(desired.sources.replicas[key]), seen ? String(seen.replicas) : 'not found', seen ? String(seen.availableReplicas) : '-'];
        })));
      }
      io.out('');
      io.out(marked.length === 0 ? 'in progress: nothing (no node carries scalerd\'s mark)' : terminalSafe(`in progress: ${marked.map((m) => `${m.node} ${m.phase}`).join(', ')}`));
      for (const note of desired.notes) io.out(terminalSafe(`note: ${note}`));
      for (const problem of set.problems) io.out(terminalSafe(`override entry skipped: ${problem.message}`));
      for (const line of overrideEnds(schedule, now, set.overrides)) io.out(terminalSafe(line));
      io.out(next ? terminalSafe(`next: ${next.local} (${next.at}): ${describeChanges(next)}`) : 'next: the schedule never changes again');
      setExit(EXIT.ok);
    } finally {
      cloud.destroy();
    }
  });
}

/** Each override in force: when it ends and what the schedule (or another override) gives then. */
function overrideEnds(schedule: Schedule, now: number, overrides: readonly Override[]): string[] {
  return activeOverrides(overrides, now).map((o) => {
    const after = desiredView(schedule, o.until, overrides);
    const then = [
      ...Object.keys(o.capacity ?? {}).map((k) => `${k} ${after.state.capacity[k] ?? '-'} (${formatSource(after.sources.capacity[k])})`),
      ...Object.keys(o.replicas ?? {}).map((k) => `${k} ${after.state.replicas[k] ?? '-'} (${formatSource(after.sources.replicas[k])})`),
    ];
    return `override ${o.id} (${describeValues(o)}) ends ${describeInstant(o.until, schedule.zone)}; then ${then.join(', ')}`;
  });
}

function describeChanges(next: NextTransition): string {
  const why = [...next.ended.map((w) => `${w} ends`), ...next.started.map((w) => `${w} starts`)].join(', ');
  return `${next.changes.map((c) => `${c.key} ${c.from}→${c.to}`).join(', ')}${why ? ` (${why})` : ''}`;
}
