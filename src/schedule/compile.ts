// Semantic checks and compilation: a document that passed the JSON Schema becomes a
// Schedule, or a list of problems, each with the JSON pointer of the value at fault.
// Every check runs, so one pass reports all problems.

import type { Code } from '../errors.js';
import type { Problem } from '../json/document.js';
import { parseDate, parseDuration, parseLocalDateTime, parseTimeOfDay, wallMs } from './calendar.js';
import { parseCron } from './cron.js';
import { escapePointerSegment } from '../json/diagnostics.js';
import type { ScheduleDocument, StateDocument, WindowDocument } from './document.js';
import { copyDict, own } from '../records.js';
import { DaySet } from './day-set.js';
import { MAX_REPLICAS } from './limits.js';
import { workloadKeyProblem } from './names.js';
import { closest } from '../json/schema-check.js';
import type { NodeGroup, PartialState, Rule, Schedule, Window, Workload } from './types.js';
import { Zone } from './zone.js';

export type CompileResult =
  | { readonly ok: true; readonly schedule: Schedule }
  | { readonly ok: false; readonly problems: readonly Problem[] };

const MAX_CRON_DURATION_MS = 31 * 86_400_000;
const DAY_INDEX: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

class Collector {
  readonly problems: Problem[] = [];
  error(code: Code, pointer: string, message: string, hint: string, atKey = false): void {
    this.problems.push({ code, severity: 'error', pointer, atKey, message, hint });
  }
}

const p = (...segments: (string | number)[]): string => segments.map((s) => `/${escapePointerSegment(s)}`).join('');

export function compileSchedule(doc: ScheduleDocument): CompileResult {
  const out = new Collector();
  const zone = checkZone(out, doc.timezone, p('timezone'));
  const dateLists = compileDateLists(out, doc.dateLists ?? {});
  const nodeGroups = compileNodeGroups(out, doc);
  const workloads = compileWorkloads(out, doc);
  const limits = { nodeGroups, workloads };

  checkState(out, doc.default, '/default', limits);
  for (const group of nodeGroups) {
    if (own(doc.default.capacity, group.name) === undefined) {
      out.error('SCALERD_ERR_SCHEDULE_DEFAULT_MISSING', p('default', 'capacity'), `no default capacity for node group "${group.name}"`, `add "${group.name}": <count> so the group has a size outside every window`);
    }
  }
  for (const workload of workloads) {
    if (own(doc.default.replicas, workload.key) === undefined) {
      out.error('SCALERD_ERR_SCHEDULE_DEFAULT_MISSING', doc.default.replicas ? p('default', 'replicas') : p('default'), `no default replicas for workload "${workload.key}"`, `add "${workload.key}": <count> under default.replicas`);
    }
  }

  const windows: Window[] = [];
  const firstIndexByName = new Map<string, number>();
  (doc.windows ?? []).forEach((w, index) => {
    const first = firstIndexByName.get(w.name);
    if (first !== undefined) {
      out.error('SCALERD_ERR_SCHEDULE_DUPLICATE_WINDOW', p('windows', index, 'name'), `window name "${w.name}" is already used by /windows/${first}`, 'give every window its own name: plans, logs and /status refer to windows by name');
    } else {
      firstIndexByName.set(w.name, index);
    }
    const window = compileWindow(out, w, index, zone, dateLists, limits);
    if (window) windows.push(window);
  });

  if (out.problems.length === 0) checkCost(out, windows);
  if (out.problems.length > 0 || !zone) return { ok: false, problems: out.problems };
  return {
    ok: true,
    schedule: {
      zone,
      nodeGroups,
      workloads,
      defaults: { capacity: copyDict(doc.default.capacity), replicas: copyDict(doc.default.replicas) },
      windows,
    },
  };
}

/**
 * The occurrences the windows may have in one day, each counted once for every day it
 * lasts: what evaluating the schedule at an instant costs. Bounded so that no schedule,
 * however generated, can make the daemon's reconcile or /status slow; the bound is far
 * above any schedule a person writes (a weekly window costs 1).
 */
export const MAX_DAILY_OCCURRENCES = 10_000;

export function windowCost(window: Window): number {
  const rule = window.rule;
  if (rule.type !== 'cron') return 1;
  return rule.cron.hours.length * rule.cron.minutes.length * Math.max(1, Math.ceil(rule.durationMs / 86_400_000));
}

function checkCost(out: Collector, windows: readonly Window[]): void {
  const costs = windows.map((w) => ({ w, cost: windowCost(w) }));
  const total = costs.reduce((sum, c) => sum + c.cost, 0);
  if (total <= MAX_DAILY_OCCURRENCES) return;
  const largest = costs.sort((a, b) => b.cost - a.cost).slice(0, 3)
    .map(({ w, cost }) => `"${w.name}" ${cost}${w.rule.type === 'cron' ? ` (${w.rule.cron.hours.length * w.rule.cron.minutes.length} starts a day × ${Math.max(1, Math.ceil(w.rule.durationMs / 86_400_000))} days)` : ''}`);
  out.error('SCALERD_ERR_SCHEDULE_TOO_COMPLEX', p('windows'), `the windows may start or be in force ${total} times in one day, above the limit of ${MAX_DAILY_OCCURRENCES}; the largest: ${largest.join(', ')}`, 'space cron starts further apart (*/15 starts 96 times a day), shorten cron durations, or merge windows that set the same values', true);
}

function checkZone(out: Collector, name: string, pointer: string): Zone | undefined {
  const zone = Zone.find(name);
  if (!zone) {
    const suggestion = closest(name, Intl.supportedValuesOf('timeZone'));
    out.error('SCALERD_ERR_SCHEDULE_TIMEZONE', pointer, `unknown time zone "${name}"`, suggestion ? `did you mean "${suggestion}"? Use an IANA name such as "Europe/Amsterdam"` : 'use an IANA name such as "Europe/Amsterdam", "America/New_York" or "UTC"');
  }
  return zone;
}

function compileDateLists(out: Collector, lists: Record<string, string[]>): Map<string, DaySet> {
  const result = new Map<string, DaySet>();
  for (const [name, entries] of Object.entries(lists)) {
    const ranges: [number, number][] = [];
    entries.forEach((entry, i) => {
      const pointer = p('dateLists', name, i);
      const [fromText, toText] = entry.split('..') as [string, string | undefined];
      const from = parseDate(fromText);
      const to = toText === undefined ? from : parseDate(toText);
      if (from === undefined || to === undefined) {
        out.error('SCALERD_ERR_SCHEDULE_DATE', pointer, `"${entry}" is not a real date`, 'check the month (01-12) and the day (the month may be shorter)');
      } else if (to < from) {
        out.error('SCALERD_ERR_SCHEDULE_DATE', pointer, `date range "${entry}" ends before it starts`, `write the earlier date first: "${toText}..${fromText}"`);
      } else {
        ranges.push([from, to]);
      }
    });
    result.set(name, DaySet.of(ranges));
  }
  return result;
}

function compileNodeGroups(out: Collector, doc: ScheduleDocument): NodeGroup[] {
  return Object.entries(doc.nodeGroups).map(([name, g]) => {
    if (g.min > g.max) {
      out.error('SCALERD_ERR_SCHEDULE_LIMITS', p('nodeGroups', name, 'min'), `node group "${name}" has min ${g.min} above max ${g.max}`, 'make min at most max');
    }
    return { name, asg: g.asg ?? name, min: g.min, max: g.max };
  });
}

function compileWorkloads(out: Collector, doc: ScheduleDocument): Workload[] {
  return Object.entries(doc.workloads ?? {}).map(([key, w]) => {
    const problem = workloadKeyProblem(key);
    if (problem) {
      out.error('SCALERD_ERR_SCHEDULE_WORKLOAD_NAME', p('workloads', key), `workload "${key}": ${problem}`, 'use the namespace and name exactly as Kubernetes has them, e.g. "shop/web"', true);
    }
    const min = w.min ?? 0;
    const max = w.max ?? MAX_REPLICAS;
    if (min > max) {
      out.error('SCALERD_ERR_SCHEDULE_LIMITS', p('workloads', key, 'min'), `workload "${key}" has min ${min} above max ${max}`, 'make min at most max');
    }
    const [namespace = '', name = ''] = key.split('/');
    return { key, namespace, name, kind: w.kind, min, max };
  });
}

type Limits = { nodeGroups: readonly NodeGroup[]; workloads: readonly Workload[] };

function checkState(out: Collector, state: StateDocument, base: string, limits: Limits): void {
  for (const [name, value] of Object.entries(state.capacity ?? {})) {
    const group = limits.nodeGroups.find((g) => g.name === name);
    const pointer = `${base}${p('capacity', name)}`;
    if (!group) {
      const close = closest(name, limits.nodeGroups.map((g) => g.name));
      out.error('SCALERD_ERR_SCHEDULE_UNKNOWN_GROUP', pointer, `unknown node group "${name}"`, close ? `did you mean "${close}"?` : 'declare it under nodeGroups first', true);
    } else if (group.min <= group.max && (value < group.min || value > group.max)) {
      // (Limits that contradict each other are reported once, at the group.)
      out.error('SCALERD_ERR_SCHEDULE_OUT_OF_LIMITS', pointer, `capacity ${value} for "${name}" is outside its limits ${group.min}..${group.max}`, `use a value from ${group.min} to ${group.max}, or change the limits under /nodeGroups/${name}`);
    }
  }
  for (const [key, value] of Object.entries(state.replicas ?? {})) {
    const workload = limits.workloads.find((w) => w.key === key);
    const pointer = `${base}${p('replicas', key)}`;
    if (!workload) {
      const close = closest(key, limits.workloads.map((w) => w.key));
      out.error('SCALERD_ERR_SCHEDULE_UNKNOWN_WORKLOAD', pointer, `unknown workload "${key}"`, close ? `did you mean "${close}"?` : 'declare it under workloads first', true);
    } else if (workload.min <= workload.max && (value < workload.min || value > workload.max)) {
      out.error('SCALERD_ERR_SCHEDULE_OUT_OF_LIMITS', pointer, `replicas ${value} for "${key}" are outside its limits ${workload.min}..${workload.max}`, `use a value within the limits under /workloads/${escapePointerSegment(key)}`);
    }
  }
}

function compileWindow(out: Collector, w: WindowDocument, index: number, defaultZone: Zone | undefined, dateLists: Map<string, DaySet>, limits: Limits): Window | undefined {
  const base = p('windows', index);
  const before = out.problems.length;
  const zone = w.timezone === undefined ? defaultZone : checkZone(out, w.timezone, `${base}/timezone`);
  checkState(out, w, base, limits);
  const rule = compileRule(out, w, base);
  const resolveLists = (field: 'alsoOn' | 'exceptOn'): DaySet => {
    const sets: DaySet[] = [];
    (w[field] ?? []).forEach((name, i) => {
      const list = dateLists.get(name);
      if (!list) {
        const close = closest(name, [...dateLists.keys()]);
        out.error('SCALERD_ERR_SCHEDULE_DATE_LIST_UNKNOWN', `${base}/${field}/${i}`, `unknown date list "${name}"`, close ? `did you mean "${close}"?` : 'define it under dateLists');
      } else {
        sets.push(list);
      }
    });
    if (w.absolute && w[field]) {
      out.error('SCALERD_ERR_SCHEDULE_DATE_LIST_MISUSE', `${base}/${field}`, `${field} does not apply to an absolute window`, `remove ${field}, or use a weekly or cron window`, true);
    }
    return DaySet.union(sets);
  };
  const alsoOn = resolveLists('alsoOn');
  const exceptOn = resolveLists('exceptOn');
  if (out.problems.length > before || !zone || !rule) return undefined;
  const set: PartialState = { capacity: copyDict(w.capacity), replicas: copyDict(w.replicas) };
  return { name: w.name, index, priority: w.priority ?? 0, zone, rule, alsoOn, exceptOn, set };
}

function compileRule(out: Collector, w: WindowDocument, base: string): Rule | undefined {
  if (w.weekly) {
    const fromMinute = parseTimeOfDay(w.weekly.from, false);
    const toMinute = parseTimeOfDay(w.weekly.to, true);
    if (fromMinute === undefined || toMinute === undefined) return undefined; // the schema reported it
    if (fromMinute === toMinute) {
      out.error('SCALERD_ERR_SCHEDULE_WINDOW_EMPTY', `${base}/weekly/to`, `window "${w.name}" starts and ends at ${w.weekly.from}`, 'for a whole day write "from": "00:00", "to": "24:00"; otherwise change one of the times');
      return undefined;
    }
    return { type: 'weekly', days: parseDays(w.weekly.days), fromMinute, toMinute };
  }
  if (w.cron) {
    const parsed = parseCron(w.cron.start);
    if (!parsed.ok) out.error('SCALERD_ERR_SCHEDULE_CRON', `${base}/cron/start`, parsed.message, parsed.hint);
    const durationMs = parseDuration(w.cron.duration);
    if (durationMs === undefined || durationMs > MAX_CRON_DURATION_MS) {
      out.error('SCALERD_ERR_SCHEDULE_DURATION', `${base}/cron/duration`, `duration "${w.cron.duration}" must be more than 0 and at most 31d`, 'write it as days, hours and minutes, e.g. "11h" or "1h30m"; for longer stretches use an absolute window');
    }
    return parsed.ok && durationMs !== undefined && durationMs <= MAX_CRON_DURATION_MS ? { type: 'cron', cron: parsed.cron, durationMs } : undefined;
  }
  if (w.absolute) {
    const from = parseLocalDateTime(w.absolute.from);
    const to = parseLocalDateTime(w.absolute.to);
    for (const [value, text, field] of [[from, w.absolute.from, 'from'], [to, w.absolute.to, 'to']] as const) {
      if (!value) out.error('SCALERD_ERR_SCHEDULE_DATE', `${base}/absolute/${field}`, `"${text}" is not a real date and time`, 'check the month (01-12), the day (the month may be shorter) and the time (00:00-23:59)');
    }
    if (!from || !to) return undefined;
    if (wallMs(to) <= wallMs(from)) {
      out.error('SCALERD_ERR_SCHEDULE_WINDOW_ORDER', `${base}/absolute/to`, `window "${w.name}" ends (${w.absolute.to}) ${wallMs(to) === wallMs(from) ? 'when' : 'before'} it starts (${w.absolute.from})`, 'make "to" later than "from"');
      return undefined;
    }
    return { type: 'absolute', from, to };
  }
  return undefined;
}

/** "Mon-Fri,Sun" or ["Sat", "Sun"] → ISO weekdays; "Fri-Mon" wraps over the weekend. */
export function parseDays(days: string | string[]): Set<number> {
  const result = new Set<number>();
  for (const part of (Array.isArray(days) ? days : [days]).flatMap((d) => d.split(','))) {
    const [a, b] = part.split('-') as [string, string | undefined];
    const from = DAY_INDEX[a]!;
    const to = b === undefined ? from : DAY_INDEX[b]!;
    for (let d = from, n = 0; n < 7; d = (d % 7) + 1, n++) {
      result.add(d);
      if (d === to) break;
    }
  }
  return result;
}

