// `scalerd history`: the scale operations the daemon recorded in the ConfigMap
// scalerd-history, newest first — when, how long, which way, how it ended, what changed
// and why. Read from the cluster, so it answers the same whichever replica led, and after
// restarts. Read-only. Exit 0: listed (an empty history too); 1: the cluster failed.

import type { Command } from 'commander';
import { createConfigMaps } from '../kube/config-maps.js';
import { createHistoryStore, type HistoryEntry } from '../daemon/history.js';
import { DEFAULT_OVERRIDES_NAMESPACE } from '../overrides/store.js';
import { CLI_CLIENT_ID } from './engine-options.js';
import { terminalSafe } from '../text/terminal.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';
import { MAX_HISTORY, wholeNumberArg } from './arguments.js';
import { addKubeOptions, connectKube, type KubeOptions } from './kube-options.js';
import { namespaceArg } from './override-args.js';
import { renderTable, formatDuration } from './table.js';
import { outputFormat } from './validate-command.js';

type Options = KubeOptions & { number: number; namespace: string; output: 'text' | 'json' };

export const DEFAULT_HISTORY_SHOWN = 20;

export function registerHistory(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('history')
    .description('the scale operations scalerd recorded, newest first: start, duration, direction, outcome, nodes, reason')
    .option('-n, --number <n>', 'how many, newest first', wholeNumberArg(1, MAX_HISTORY), DEFAULT_HISTORY_SHOWN)
    .option('--namespace <name>', 'scalerd\'s namespace, where the ConfigMap scalerd-history lives', namespaceArg, DEFAULT_OVERRIDES_NAMESPACE)
    .option('-o, --output <format>', 'text or json', outputFormat, 'text');
  addKubeOptions(command).action(async (options: Options) => {
    const { deps } = connectKube(options, io, CLI_CLIENT_ID);
    const store = createHistoryStore({ configMaps: createConfigMaps(deps), namespace: options.namespace, sleep: deps.sleep });
    const { entries, unreadable } = await store.list();
    const shown = entries.slice(0, options.number);
    const where = `${store.namespace}/${store.name}`;
    if (options.output === 'json') {
      io.out(JSON.stringify({ configMap: where, total: entries.length, entries: shown, unreadable }, null, 2));
      return setExit(EXIT.ok);
    }
    if (shown.length === 0) io.out(`no scale operations recorded in configmap ${where}`);
    else {
      io.out(renderTable(['START (UTC)', 'DURATION', 'DIRECTION', 'OUTCOME', 'GROUPS', 'NODES -/+', 'EVICTED', 'REASON'], shown.map((e) => [
        e.start.replace(/\.\d{3}Z$/, 'Z'),
        formatDuration(Date.parse(e.end) - Date.parse(e.start)),
        e.direction,
        e.outcome,
        Object.entries(e.groups).map(([g, c]) => `${g} ${c.from}→${c.to}`).join(', ') || '-',
        nodes(e),
        evicted(e),
        e.reason,
      ])));
      if (entries.length > shown.length) io.out(`${entries.length - shown.length} older not shown (-n ${entries.length} shows all)`);
    }
    for (const key of unreadable) io.out(terminalSafe(`entry ${key} of configmap ${where} cannot be read; skipped`));
    setExit(EXIT.ok);
  });
}

/** Pods evicted from the operation's nodes; "-" for nodes whose entry does not say (written before they were counted). */
function evicted(e: HistoryEntry): string {
  // A hand-edited entry may hold anything: only counts are added up.
  const counts = e.nodes.map((n) => n.evicted).filter((n): n is number => Number.isSafeInteger(n) && n! >= 0);
  if (e.nodes.length === 0) return '0';
  return counts.length === 0 ? '-' : String(counts.reduce((a, b) => a + b, 0));
}

/** "-6/+0": nodes removed, instances added. */
function nodes(e: HistoryEntry): string {
  return `-${e.nodes.filter((n) => n.result === 'removed').length}/+${e.added}`;
}

