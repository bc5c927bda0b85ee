import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import {
  type Desired, type Schedule, type Source, type TimelineStream, type Transition,
  desiredAt, formatDiagnosticForTerminal, formatLocal, formatUtc, loadScheduleFile, timeline, timelineStream,
} from '../schedule/index.js';
import { isoSeconds } from '../clock.js';
import { wholeNumberArg } from './arguments.js';
import { terminalSafe } from '../text/terminal.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';
import { measureTable, renderRow, renderTable } from './table.js';
import { parseTimeArg } from '../schedule/time-input.js';
import { occurrencesEstimate } from '../schedule/occurrences.js';
import { outputFormat } from './validate-command.js';

type Options = { from?: string; to?: string; days?: number; at?: string; output: 'text' | 'json' };

const DAY = 86_400_000;
/** How far `--at` looks for the next change. */
const NEXT_CHANGE_HORIZON = 400 * DAY;
/**
 * A range that asks for more window occurrences than this (10,000 windows over 10 years)
 * is refused: the timeline streams in constant memory, but its time and its output grow
 * with the occurrences.
 */
const MAX_OCCURRENCES = 2_000_000;

export function registerPlan(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('plan')
    .description('preview a schedule: its timeline, or the desired state at one instant')
    .argument('<file>', 'schedule file (JSON)')
    .option('--from <time>', 'start of the timeline: now, a local time (2026-11-27T06:00) or an instant (…Z)', 'now')
    .option('--to <time>', 'end of the timeline (default: --days after --from)')
    .option('--days <n>', 'length of the timeline in days, 1 to 3660', wholeNumberArg(1, 3660))
    .option('--at <time>', 'print the desired state at one instant, with the window behind each value')
    .option('-o, --output <format>', 'text or json', outputFormat, 'text')
    .addHelpText('after', '\nTimes without an offset are local to the schedule\'s time zone.')
    .action(async (file: string, options: Options) => {
      if (options.to !== undefined && options.days !== undefined) {
        throw new UsageError('SCALERD_ERR_CLI_USAGE', 'give --to or --days, not both');
      }
      const now = io.clock.now();
      // plan prints no warnings (validate does): their year-long sweep would be most of `--at`'s cost.
      const loaded = await loadScheduleFile(file, now, { warnings: false });
      if (!loaded.ok) {
        for (const diagnostic of loaded.diagnostics) io.err(formatDiagnosticForTerminal(diagnostic));
        io.err(terminalSafe(`${file}: invalid; run "scalerd validate ${file}" after fixing it`));
        setExit(EXIT.failed);
        return;
      }
      const { schedule } = loaded;
      if (options.at !== undefined) {
        const at = parseTimeArg(options.at, '--at', schedule.zone, now);
        printState(io, schedule, at, options.output);
      } else {
        const from = parseTimeArg(options.from ?? 'now', '--from', schedule.zone, now);
        const to = options.to !== undefined
          ? parseTimeArg(options.to, '--to', schedule.zone, now)
          : from + (options.days ?? 7) * DAY;
        if (to <= from) throw new UsageError('SCALERD_ERR_CLI_USAGE', '--to must be later than --from');
        const estimate = occurrencesEstimate(schedule, from, to);
        if (estimate > MAX_OCCURRENCES) {
          throw new UsageError('SCALERD_ERR_CLI_USAGE', `a timeline of ${Math.round((to - from) / DAY)} days of this schedule would take about ${estimate} window occurrences, more than ${MAX_OCCURRENCES}: give a shorter range with --days or --to`);
        }
        await printTimeline(io, file, schedule, from, to, options.output);
      }
      setExit(EXIT.ok);
    });
}


function sourceLabel(schedule: Schedule, source: Source): string {
  if (source.kind === 'default') return 'default';
  const label = source.class === 'date-list' ? `${source.window} (date list)` : source.window;
  return `${label}, until ${formatLocal(schedule.zone, source.end)}`;
}

function describeWhy(transition: Transition): string {
  const responsible = new Set(
    transition.changes.map((c) => {
      const source = transition.desired.sources[c.section][c.key]!;
      return source.kind === 'default' ? 'default' : source.class === 'date-list' ? `${source.window} (date list)` : source.window;
    }),
  );
  const events = [
    ...transition.started.map((name) => `${name} starts`),
    ...transition.ended.map((name) => `${name} ends`),
  ];
  return `${[...responsible].join(', ')}${events.length ? ` — ${events.join(', ')}` : ''}`;
}

function jsonDesired(schedule: Schedule, desired: Desired): unknown {
  const sources = (section: 'capacity' | 'replicas'): Record<string, unknown> =>
    Object.fromEntries(Object.entries(desired.sources[section]).map(([key, s]) => [
      key,
      s.kind === 'default' ? { kind: 'default' } : { kind: 'window', window: s.window, class: s.class, start: isoSeconds(s.start), end: isoSeconds(s.end) },
    ]));
  return { state: desired.state, sources: { capacity: sources('capacity'), replicas: sources('replicas') }, timezone: schedule.zone.name };
}

/**
 * Streams the timeline: nothing is held but what one change needs, so two years of a large
 * schedule print in constant memory. Text is laid out in a first pass over the timeline
 * (column widths, the count in the first line), then printed in a second.
 */
async function printTimeline(io: CliIo, file: string, schedule: Schedule, from: number, to: number, output: 'text' | 'json'): Promise<void> {
  const zone = schedule.zone;
  const out = bufferedOut(io);
  if (output === 'json') {
    const stream = timelineStream(schedule, from, to);
    const head = JSON.stringify({ file, timezone: zone.name, from: isoSeconds(from), to: isoSeconds(to), initial: jsonDesired(schedule, stream.initial) }, null, 2);
    out.line(`${head.slice(0, -2)},`);
    let previous: string | undefined;
    for (const t of stream.transitions) {
      if (previous === undefined) out.line('  "transitions": [');
      else if (out.line(`${previous},`)) await io.drain?.();
      previous = `    ${JSON.stringify({
        at: isoSeconds(t.at),
        local: formatLocal(zone, t.at),
        changes: t.changes,
        started: t.started,
        ended: t.ended,
        ...(jsonDesired(schedule, t.desired) as object),
      }, null, 2).replaceAll('\n', '\n    ')}`;
    }
    if (previous === undefined) out.line('  "transitions": []');
    else out.line(`${previous}\n  ]`);
    out.line('}');
    out.flush();
    return;
  }
  const groups = schedule.nodeGroups.map((g) => g.name);
  const header = [`LOCAL (${zone.name})`, 'UTC', ...groups, 'REPLICAS', 'WHY'];
  function* rows(stream: TimelineStream): Generator<string[]> {
    const initialReplicas = Object.entries(stream.initial.state.replicas).map(([k, v]) => `${k}=${v}`).join(' ');
    yield [
      formatLocal(zone, from),
      formatUtc(from),
      ...groups.map((g) => String(stream.initial.state.capacity[g])),
      initialReplicas,
      `(start) ${[...new Set(Object.values(stream.initial.sources.capacity).concat(Object.values(stream.initial.sources.replicas)).map((s) => (s.kind === 'default' ? 'default' : s.window)))].join(', ')}`,
    ];
    for (const t of stream.transitions) {
      const capacityCell = (group: string): string => {
        const change = t.changes.find((c) => c.section === 'capacity' && c.key === group);
        return change ? `${change.from}→${change.to}` : String(t.desired.state.capacity[group]);
      };
      const replicaChanges = t.changes.filter((c) => c.section === 'replicas').map((c) => `${c.key} ${c.from}→${c.to}`);
      yield [formatLocal(zone, t.at), formatUtc(t.at), ...groups.map(capacityCell), replicaChanges.join(', '), describeWhy(t)];
    }
  }
  let count = -1; // the first row is the state at the start
  const layout = measureTable(header, (function* counted() {
    for (const row of rows(timelineStream(schedule, from, to))) {
      count++;
      yield row;
    }
  })());
  out.line(terminalSafe(`${file}: ${count} change${count === 1 ? '' : 's'} from ${formatLocal(zone, from)} to ${formatLocal(zone, to)}`));
  out.line('');
  out.line(renderRow(layout, header));
  for (const row of rows(timelineStream(schedule, from, to))) if (out.line(renderRow(layout, row))) await io.drain?.();
  out.flush();
}

/**
 * Lines written in blocks of about 64 KB: one write per line would be most of the cost of
 * a long timeline. line() says when it wrote a block, for the caller to wait for the reader.
 */
function bufferedOut(io: CliIo): { line(text: string): boolean; flush(): void } {
  let lines: string[] = [];
  let size = 0;
  const flush = () => {
    if (lines.length > 0) io.out(lines.join('\n'));
    lines = [];
    size = 0;
  };
  return {
    line(text) {
      lines.push(text);
      size += text.length + 1;
      if (size < 65_536) return false;
      flush();
      return true;
    },
    flush,
  };
}

function printState(io: CliIo, schedule: Schedule, at: number, output: 'text' | 'json'): void {
  const desired = desiredAt(schedule, at);
  const next = timeline(schedule, at, at + NEXT_CHANGE_HORIZON, 1).transitions[0];
  if (output === 'json') {
    io.out(JSON.stringify({
      at: isoSeconds(at),
      local: formatLocal(schedule.zone, at),
      ...(jsonDesired(schedule, desired) as object),
      next: next ? { at: isoSeconds(next.at), local: formatLocal(schedule.zone, next.at), changes: next.changes } : null,
    }, null, 2));
    return;
  }
  io.out(terminalSafe(`Desired state at ${formatLocal(schedule.zone, at)} (${formatUtc(at)}), ${schedule.zone.name}:`));
  io.out('');
  const rows = [
    ...schedule.nodeGroups.map((g) => ['capacity', g.name, String(desired.state.capacity[g.name]), sourceLabel(schedule, desired.sources.capacity[g.name]!)]),
    ...schedule.workloads.map((w) => ['replicas', w.key, String(desired.state.replicas[w.key]), sourceLabel(schedule, desired.sources.replicas[w.key]!)]),
  ];
  io.out(renderTable(['FIELD', 'NAME', 'VALUE', 'FROM'], rows));
  io.out('');
  io.out(next
    ? terminalSafe(`Next change: ${formatLocal(schedule.zone, next.at)} (${formatUtc(next.at)}): ${next.changes.map((c) => `${c.key} ${c.from}→${c.to}`).join(', ')}`)
    : 'No change in the next 400 days.');
}
