// How the commands that act (scale, drain) show their work: the plan first, progress lines
// as they act, then the outcome; or one JSON document for scripts. Node and pod
// names, reasons and messages come from the cluster and its API: each text line is made
// safe to print (terminalSafe) as a whole, so a newline in one stays on its line.

import type { ExecutionReport, NodeReport, ProgressEvent } from '../actuate/index.js';
import { plural } from '../plan/format.js';
import { renderPlan, type Blocked, type Plan } from '../plan/index.js';
import { formatUtc } from '../schedule/index.js';
import { terminalSafe } from '../text/terminal.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';
import { rfc3339Times } from './json-times.js';

/**
 * Progress lines while the plan runs, terminal or not (a CI log sees them too): one per
 * step started or ended badly, per node phase change, per change of a group's wait. With
 * -o json they go to stderr, so stdout stays one JSON document.
 */
export function progressPrinter(io: CliIo, output: 'text' | 'json', dryRun: boolean): (event: ProgressEvent) => void {
  const write = output === 'json' ? io.err : io.out;
  // Every line of a dry run says so at its start: the counts in it are what would happen.
  const tag = dryRun ? '[dry run] ' : '';
  const phases = new Map<string, string>();
  return (event) => {
    if (event.kind === 'node') {
      if (phases.get(event.node) === event.phase) return;
      phases.set(event.node, event.phase);
      // "phase draining" beside "draining" says nothing more.
      const message = event.message.replace(/^(would: )?phase \S+$/, '');
      write(terminalSafe(`${formatUtc(event.at)}  ${tag}${event.node}${event.instanceId ? ` (${event.instanceId})` : ''}: ${event.phase}, ${event.evicted} evicted, ${event.remaining} remaining${message ? ` — ${message}` : ''}`));
    } else if (event.kind === 'step' && (event.status === 'started' || event.status === 'waiting' || event.status === 'failed' || event.status === 'stopped')) {
      write(terminalSafe(`${formatUtc(event.at)}  ${tag}step ${event.index + 1} ${event.step}: ${event.status}${event.message ? ` — ${event.message}` : ''}`));
    }
  };
}

/** 0: everything asked for was done (or, in a dry run, would be); 1: a step failed, a node stayed, or the plan was blocked. */
export function runExitCode(plan: Plan, report: ExecutionReport, relevant: (blocked: Blocked) => boolean): ExitCode {
  if (report.outcome !== 'done') return EXIT.failed;
  if (plan.blocked.some(relevant)) return EXIT.failed;
  if (report.nodes.some((n) => n.result !== 'removed')) return EXIT.failed;
  return EXIT.ok;
}

/** The plan, before anything is done (text output). */
export function printPlan(io: CliIo, plan: Plan): void {
  for (const line of renderPlan(plan)) io.out(terminalSafe(line));
}

/** Whether a plan changes anything: `complete` and a wait alone do not, and need no consent. */
export function plansChanges(plan: Plan): boolean {
  return plan.steps.some((s) => s.kind !== 'complete' && s.kind !== 'await-nodes');
}

/**
 * "node X (i-1): removed: 2 pods evicted", "…: would be removed: 2 pods would be evicted",
 * "…: rolled back (drain-timeout): 1 pod evicted — <why>". A removed node's reason only
 * repeats the counts; any other's says what went wrong.
 */
function nodeLine(n: NodeReport, dryRun: boolean): string {
  const counts = [
    `${plural(n.evicted, 'pod')} ${dryRun ? 'would be ' : ''}evicted`,
    ...(n.refused ? [`${plural(n.refused, 'eviction')} refused by a budget and retried`] : []),
    ...(n.forced ? [`${plural(n.forced, 'pod')} ${dryRun ? 'would be ' : ''}deleted by --force`] : []),
  ].join(', ');
  const result = `${dryRun ? 'would be ' : ''}${n.result.replace('-', ' ')}${n.code === n.result ? '' : ` (${n.code})`}`;
  return `node ${n.node}${n.instanceId ? ` (${n.instanceId})` : ''}: ${result}: ${counts}${n.result === 'removed' || !n.reason ? '' : ` — ${n.reason}`}`;
}

/** What was done (text, after printPlan), or the plan and the report as one JSON document. */
export function printRun(io: CliIo, output: 'text' | 'json', plan: Plan, report: ExecutionReport, code: ExitCode, extra: Readonly<Record<string, unknown>> = {}): void {
  if (output === 'json') {
    io.out(JSON.stringify({ exitCode: code, plan, report, ...extra }, rfc3339Times, 2));
    return;
  }
  if (report.dryRun) {
    io.out(`dry run: nothing was changed; ${report.actions.length} call${report.actions.length === 1 ? '' : 's'} would be made:`);
    for (const a of report.actions) io.out(terminalSafe(`  - ${a.kind} ${a.target}${a.detail ? `: ${a.detail}` : ''}`));
  }
  for (const n of report.nodes) io.out(terminalSafe(nodeLine(n, report.dryRun)));
  const left = report.nodes.filter((n) => n.result === 'stopped');
  if (report.outcome === 'stopped' && left.length > 0) {
    io.out(terminalSafe(`interrupted: ${left.length} node${left.length === 1 ? '' : 's'} left marked by scalerd (${left.map((n) => `${n.node} ${n.phase ?? ''}`.trim()).join(', ')}).`));
    io.out('  Run the same command again to finish them, or scale the group to its current size to roll back those not yet terminating; a running scalerd daemon does either by itself.');
  }
  const seconds = ((report.finishedAt - report.startedAt) / 1000).toFixed(1);
  io.out(terminalSafe(`${report.dryRun ? 'dry run ' : ''}${report.outcome}${code === EXIT.ok ? '' : ' (not everything asked for was done)'} in ${seconds} s${report.message ? ` — ${report.message}` : ''}`));
}
