// What the override commands print: text for people (a table for list, times in the
// schedule's zone and in UTC) and JSON for scripts (ISO-8601 UTC instants). Ids, values,
// reasons and who set them come from a ConfigMap anyone with access may edit: text output
// shows them through terminalSafe, line by line; JSON gives them exactly.

import { overrideJson } from '../overrides/json.js';
import { newestFirst } from '../overrides/apply.js';
import { phaseAt, type Override, type OverrideProblem } from '../overrides/types.js';
import { formatLocal, formatUtc } from '../schedule/format.js';
import type { Zone } from '../schedule/zone.js';
import { terminalLines, terminalSafe } from '../text/terminal.js';
import type { CliIo } from './io.js';
import { renderTable } from './table.js';

/** "workers=12, shop/web=5" */
export function describeValues(override: Pick<Override, 'capacity' | 'replicas'>): string {
  return [...Object.entries(override.capacity ?? {}), ...Object.entries(override.replicas ?? {})].map(([k, v]) => `${k}=${v}`).join(', ');
}

/** "Wed 2026-11-25 15:00 CET (2026-11-25T14:00Z)", or UTC alone without a zone. */
export function describeInstant(instant: number, zone: Zone | undefined): string {
  return zone ? `${formatLocal(zone, instant)} (${formatUtc(instant)})` : formatUtc(instant);
}


export function printSet(io: CliIo, options: { output: 'text' | 'json'; zone: Zone; where: string; now: number }, override: Override, dropped: readonly Override[]): void {
  if (options.output === 'json') {
    io.out(JSON.stringify({ override: overrideJson(override, options.now), configMap: options.where, droppedExpired: dropped.map((o) => o.id) }, null, 2));
    return;
  }
  io.out(terminalLines([
    `override ${override.id} set: ${describeValues(override)}`,
    `  from   ${describeInstant(override.from, options.zone)}`,
    `  until  ${describeInstant(override.until, options.zone)}${override.untilNextWindow ? ', when the schedule next changes' : ''}`,
    `  reason ${override.reason}`,
    `  by     ${override.by}`,
    `stored in configmap ${options.where}; the daemon applies it within seconds, clamped to the schedule's limits`,
    ...(dropped.length > 0 ? [`dropped expired overrides: ${dropped.map((o) => o.id).join(', ')}`] : []),
  ]));
}

export function printList(
  io: CliIo,
  options: { output: 'text' | 'json'; zone: Zone | undefined; where: string; now: number },
  overrides: readonly Override[],
  problems: readonly OverrideProblem[],
): void {
  // Newest first, as they take precedence.
  const sorted = [...overrides].sort(newestFirst);
  if (options.output === 'json') {
    io.out(JSON.stringify({ configMap: options.where, overrides: sorted.map((o) => overrideJson(o, options.now)), problems }, null, 2));
    return;
  }
  for (const problem of problems) io.err(terminalSafe(`warning ${problem.code}: ${problem.message}`));
  if (sorted.length === 0) {
    io.out(`no overrides in configmap ${options.where}`);
    return;
  }
  const zone = options.zone;
  const header = ['ID', 'STATE', 'SETS', ...(zone ? [`UNTIL (${zone.name})`] : []), 'UNTIL (UTC)', 'REASON', 'BY'];
  const rows = sorted.map((o) => [
    o.id,
    phaseAt(o, options.now),
    describeValues(o),
    ...(zone ? [formatLocal(zone, o.until)] : []),
    `${formatUtc(o.until)}${o.untilNextWindow ? ' (next window)' : ''}`,
    o.reason,
    o.by,
  ]);
  io.out(renderTable(header, rows));
}

export function printCleared(io: CliIo, output: 'text' | 'json', where: string, cleared: readonly string[], dropped: readonly Override[]): void {
  if (output === 'json') {
    io.out(JSON.stringify({ configMap: where, cleared, droppedExpired: dropped.map((o) => o.id) }, null, 2));
    return;
  }
  io.out(terminalSafe(cleared.length > 0 ? `cleared ${cleared.join(', ')} from configmap ${where}` : `no overrides to clear in configmap ${where}`));
  if (dropped.length > 0) io.out(terminalSafe(`dropped expired overrides: ${dropped.map((o) => o.id).join(', ')}`));
}
