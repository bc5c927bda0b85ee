// `override set`'s arguments, checked against the schedule before any request: the node
// groups and workloads must be declared there, the values within their limits (as
// `scalerd scale` refuses them), exactly one way to say when it ends, and that end ahead.

import { InvalidArgumentError } from 'commander';
import { UsageError } from '../errors.js';
import { dict } from '../records.js';
import { nextWindowChange } from '../overrides/next-window.js';
import { formatLocal, formatUtc } from '../schedule/format.js';
import type { Schedule } from '../schedule/types.js';
import { parseTimeArg } from './time-arg.js';

/** One `--group workers=12` or `--replicas shop/web=5`, as commander collects them. */
export type Assignment = { readonly key: string; readonly value: number; readonly text: string };

/** Commander's collector for a repeatable NAME=N option. */
export function assignment(text: string, previous: readonly Assignment[] = []): Assignment[] {
  const m = /^([^=\s]+)=(\d+)$/.exec(text);
  if (!m || !Number.isSafeInteger(Number(m[2]))) throw new InvalidArgumentError(`"${text}" is not NAME=N with N a whole number of 0 or more, such as workers=12`);
  return [...previous, { key: m[1]!, value: Number(m[2]), text }];
}

/** The values an override sets, every one declared in the schedule and within its limits. */
export function checkValues(schedule: Schedule, file: string, groups: readonly Assignment[], replicas: readonly Assignment[]): {
  capacity: Record<string, number>;
  replicas: Record<string, number>;
} {
  if (groups.length === 0 && replicas.length === 0) {
    throw new UsageError('SCALERD_ERR_CLI_USAGE', 'override set needs at least one --group NAME=N or --replicas NAMESPACE/NAME=N');
  }
  const capacity = dict<number>();
  for (const { key, value } of groups) {
    const group = schedule.nodeGroups.find((g) => g.name === key);
    if (!group) throw new UsageError('SCALERD_ERR_CLI_USAGE', `--group ${key}: ${file} has no such node group (it has ${schedule.nodeGroups.map((g) => g.name).join(', ') || 'none'})`);
    if (key in capacity) throw new UsageError('SCALERD_ERR_CLI_USAGE', `--group ${key} is given twice; give each node group once`);
    if (value < group.min || value > group.max) {
      throw new UsageError('SCALERD_ERR_CLI_USAGE', `--group ${key}=${value} is outside the limits of ${key} in ${file}: min ${group.min}, max ${group.max}`);
    }
    capacity[key] = value;
  }
  const counts = dict<number>();
  for (const { key, value } of replicas) {
    const workload = schedule.workloads.find((w) => w.key === key);
    if (!workload) throw new UsageError('SCALERD_ERR_CLI_USAGE', `--replicas ${key}: ${file} declares no such workload (it has ${schedule.workloads.map((w) => w.key).join(', ') || 'none'})`);
    if (key in counts) throw new UsageError('SCALERD_ERR_CLI_USAGE', `--replicas ${key} is given twice; give each workload once`);
    if (value < workload.min || value > workload.max) {
      throw new UsageError('SCALERD_ERR_CLI_USAGE', `--replicas ${key}=${value} is outside the limits of ${key} in ${file}: min ${workload.min}, max ${workload.max}`);
    }
    counts[key] = value;
  }
  return { capacity, replicas: counts };
}

export type EndOptions = { readonly for?: number; readonly until?: string; readonly untilNextWindow?: boolean };

/** When the override ends: exactly one of --for, --until, --until-next-window, ending after `now`. */
export function resolveEnd(schedule: Schedule, file: string, options: EndOptions, now: number): { until: number; untilNextWindow: boolean } {
  const given = [options.for !== undefined && '--for', options.until !== undefined && '--until', options.untilNextWindow === true && '--until-next-window'].filter(Boolean);
  if (given.length !== 1) {
    throw new UsageError('SCALERD_ERR_CLI_USAGE', `override set needs exactly one of --for <duration>, --until <time>, --until-next-window${given.length > 1 ? ` (got ${given.join(', ')})` : ''}`);
  }
  if (options.for !== undefined) return { until: now + options.for, untilNextWindow: false };
  if (options.until !== undefined) {
    const until = parseTimeArg(options.until, '--until', schedule.zone, now);
    if (until <= now) {
      throw new UsageError('SCALERD_ERR_CLI_TIME', `--until ${options.until} (${formatLocal(schedule.zone, until)}, ${formatUtc(until)}) is not in the future: it is now ${formatLocal(schedule.zone, now)}`);
    }
    return { until, untilNextWindow: false };
  }
  const until = nextWindowChange(schedule, now);
  if (until === undefined) {
    throw new UsageError('SCALERD_ERR_OVERRIDE_NO_NEXT_WINDOW', `--until-next-window: the desired state of ${file} never changes after ${formatLocal(schedule.zone, now)} (no window starts or ends ahead that changes a value), so there is no next window to end at; use --for or --until`);
  }
  return { until, untilNextWindow: true };
}

/** Who sets the override: $USER (or %USERNAME%) and the kubeconfig's user, whichever are known. */
export function whoSets(env: Readonly<Record<string, string | undefined>>, kubeUser: string | undefined): string {
  const user = env.USER || env.USERNAME || undefined;
  if (user && kubeUser) return `${user} (kube user ${kubeUser})`;
  return user ?? (kubeUser ? `kube user ${kubeUser}` : 'unknown');
}

const NAMESPACE_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Commander's parser for --namespace: a Kubernetes namespace name. */
export function namespaceArg(value: string): string {
  if (!NAMESPACE_RE.test(value)) throw new InvalidArgumentError(`"${value}" is not a namespace name (lower-case letters, digits and '-', at most 63)`);
  return value;
}
