// An override's values and end, checked against the schedule before anything is stored: the
// node groups and workloads must be declared there, the values within their limits (as
// `scalerd scale` refuses them), exactly one way to say when it ends, and that end ahead.
// `override set` and the console take the same checks; each names the fields as its user
// typed them (labels).

import { UsageError } from '../errors.js';
import { dict } from '../records.js';
import { formatLocal, formatUtc } from '../schedule/format.js';
import { parseTimeArg } from '../schedule/time-input.js';
import type { Schedule } from '../schedule/types.js';
import { nextWindowChange } from './next-window.js';

/** One `--group workers=12` or `--replicas shop/web=5`. */
export type Assignment = { readonly key: string; readonly value: number; readonly text: string };

/** What the refusals call the command and its fields. */
export type DraftLabels = {
  readonly command: string;
  readonly group: string;
  readonly replicas: string;
  readonly for: string;
  readonly until: string;
  readonly untilNextWindow: string;
};

export const CLI_LABELS: DraftLabels = {
  command: 'override set', group: '--group', replicas: '--replicas', for: '--for', until: '--until', untilNextWindow: '--until-next-window',
};

/** The values an override sets, every one declared in the schedule and within its limits. */
export function checkValues(schedule: Schedule, file: string, groups: readonly Assignment[], replicas: readonly Assignment[], labels: DraftLabels = CLI_LABELS): {
  capacity: Record<string, number>;
  replicas: Record<string, number>;
} {
  if (groups.length === 0 && replicas.length === 0) {
    throw new UsageError('SCALERD_ERR_CLI_USAGE', `${labels.command} needs at least one ${labels.group} NAME=N or ${labels.replicas} NAMESPACE/NAME=N`);
  }
  const capacity = dict<number>();
  for (const { key, value } of groups) {
    const group = schedule.nodeGroups.find((g) => g.name === key);
    if (!group) throw new UsageError('SCALERD_ERR_CLI_USAGE', `${labels.group} ${key}: ${file} has no such node group (it has ${schedule.nodeGroups.map((g) => g.name).join(', ') || 'none'})`);
    if (key in capacity) throw new UsageError('SCALERD_ERR_CLI_USAGE', `${labels.group} ${key} is given twice; give each node group once`);
    if (value < group.min || value > group.max) {
      throw new UsageError('SCALERD_ERR_CLI_USAGE', `${labels.group} ${key}=${value} is outside the limits of ${key} in ${file}: min ${group.min}, max ${group.max}`);
    }
    capacity[key] = value;
  }
  const counts = dict<number>();
  for (const { key, value } of replicas) {
    const workload = schedule.workloads.find((w) => w.key === key);
    if (!workload) throw new UsageError('SCALERD_ERR_CLI_USAGE', `${labels.replicas} ${key}: ${file} declares no such workload (it has ${schedule.workloads.map((w) => w.key).join(', ') || 'none'})`);
    if (key in counts) throw new UsageError('SCALERD_ERR_CLI_USAGE', `${labels.replicas} ${key} is given twice; give each workload once`);
    if (value < workload.min || value > workload.max) {
      throw new UsageError('SCALERD_ERR_CLI_USAGE', `${labels.replicas} ${key}=${value} is outside the limits of ${key} in ${file}: min ${workload.min}, max ${workload.max}`);
    }
    counts[key] = value;
  }
  return { capacity, replicas: counts };
}

export type EndOptions = { readonly for?: number; readonly until?: string; readonly untilNextWindow?: boolean };

/** When the override ends: exactly one of --for, --until, --until-next-window, ending after `now`. */
export function resolveEnd(schedule: Schedule, file: string, options: EndOptions, now: number, labels: DraftLabels = CLI_LABELS): { until: number; untilNextWindow: boolean } {
  const given = [options.for !== undefined && labels.for, options.until !== undefined && labels.until, options.untilNextWindow === true && labels.untilNextWindow].filter(Boolean);
  if (given.length !== 1) {
    throw new UsageError('SCALERD_ERR_CLI_USAGE', `${labels.command} needs exactly one of ${labels.for} <duration>, ${labels.until} <time>, ${labels.untilNextWindow}${given.length > 1 ? ` (got ${given.join(', ')})` : ''}`);
  }
  if (options.for !== undefined) return { until: now + options.for, untilNextWindow: false };
  if (options.until !== undefined) {
    const until = parseTimeArg(options.until, labels.until, schedule.zone, now);
    if (until <= now) {
      throw new UsageError('SCALERD_ERR_CLI_TIME', `${labels.until} ${options.until} (${formatLocal(schedule.zone, until)}, ${formatUtc(until)}) is not in the future: it is now ${formatLocal(schedule.zone, now)}`);
    }
    return { until, untilNextWindow: false };
  }
  const until = nextWindowChange(schedule, now);
  if (until === undefined) {
    throw new UsageError('SCALERD_ERR_OVERRIDE_NO_NEXT_WINDOW', `${labels.untilNextWindow}: the desired state of ${file} never changes after ${formatLocal(schedule.zone, now)} (no window starts or ends ahead that changes a value), so there is no next window to end at; use ${labels.for} or ${labels.until}`);
  }
  return { until, untilNextWindow: true };
}
