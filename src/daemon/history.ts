// The record of what scalerd did: one entry per scale operation, in the
// ConfigMap `scalerd-history` in scalerd's namespace, so it survives restarts and leader
// changes and `scalerd history` (or `kubectl get cm scalerd-history -o yaml`) reads it from
// the cluster, not from whichever replica happens to answer.
//
// An operation is what the reconciles toward one desired state did: a reconcile that
// changed something starts an entry, unless the newest entry worked toward the same state
// and did not finish (failed: a budget made a node roll back; stopped: a restart, a lost
// lease) — then it continues that entry, so the night's scale-down is one entry whether it
// took one reconcile or three.
//
// One key per entry, its id: the start as a compact ISO timestamp plus a random suffix, so
// the keys sort by time and kubectl shows them in order. The list is bounded (default 100):
// each write drops the oldest beyond the bound, so the ConfigMap never nears its 1 MiB limit.
// Writes are read-modify-write at the version read; on a conflict (the other replica, a
// kubectl edit) it reads again and redoes the change, as the overrides store does; a round
// whose answer was lost after it landed is found in place by the next and not redone.

import type { ReconcileResult } from '../engine/index.js';
import { ScalerdError } from '../errors.js';
import type { ConfigMaps } from '../ports/config-maps.js';
import { formatSource, type DesiredView } from './desired.js';

export const HISTORY_CONFIG_MAP = 'scalerd-history';
export const DEFAULT_HISTORY_LIMIT = 100;
export const HISTORY_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/name': 'scalerd' };
const WRITE_ATTEMPTS = 8;

export type Direction = 'up' | 'down' | 'mixed' | 'rollback';
/** done/failed/stopped: how the execution ended; complete: a scale-up whose nodes and workloads are all Ready since. */
export type HistoryOutcome = 'done' | 'failed' | 'stopped' | 'complete';
export type Change = { readonly from: number; readonly to: number };

export type HistoryEntry = {
  readonly id: string;
  /** ISO 8601, UTC. */
  readonly start: string;
  readonly end: string;
  readonly direction: Direction;
  readonly outcome: HistoryOutcome;
  readonly message: string;
  /** Node group → its Auto Scaling group's desired capacity, as planned. */
  readonly groups: Readonly<Record<string, Change>>;
  /** Instances the scale-ups asked for. */
  readonly added: number;
  readonly nodes: readonly HistoryNode[];
  /** `namespace/name` → replicas. */
  readonly workloads: Readonly<Record<string, Change>>;
  /** The windows and overrides behind the change. */
  readonly reason: string;
  /** The daemon's identity (its Lease holder name); the last one's, when several continued it. */
  readonly by: string;
  /** The desired state worked toward: how a continuation is recognised. */
  readonly target?: { readonly capacity: Readonly<Record<string, number>>; readonly replicas: Readonly<Record<string, number>> };
  /** When a scale-up was found complete. */
  readonly completedAt?: string;
  /** What a dry run would have recorded (never stored: a dry run changes nothing; /status shows it). */
  readonly dryRun?: true;
};

export type HistoryNode = {
  readonly node: string;
  readonly group: string | undefined;
  readonly result: string;
  readonly reason: string;
  /**
   * Pods evicted from the node, evictions a budget refused (each retried) and pods deleted
   * past the deadline under policy force, over every reconcile of the operation. Absent in
   * entries written before they were recorded.
   */
  readonly evicted?: number;
  readonly refused?: number;
  readonly forced?: number;
};

export interface HistoryStore {
  readonly namespace: string;
  readonly name: string;
  readonly limit: number;
  /** Adds the entry, or continues the newest with it (see above); answers the id it is under. */
  record(entry: HistoryEntry): Promise<string>;
  /** Every readable entry, newest first, and the keys that could not be read. */
  list(): Promise<{ readonly entries: readonly HistoryEntry[]; readonly unreadable: readonly string[] }>;
  /**
   * Marks the newest entry complete when it is a scale-up that ended `done` and is not
   * complete yet; answers it, or undefined when there was none (nothing is written).
   */
  complete(at: number, message: string): Promise<HistoryEntry | undefined>;
}

export type HistoryStoreOptions = {
  readonly configMaps: ConfigMaps;
  readonly namespace: string;
  /** Entries kept; the oldest beyond are dropped (default 100). */
  readonly limit?: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random?: () => number;
};

export function createHistoryStore(options: HistoryStoreOptions): HistoryStore {
  const { configMaps, namespace, sleep } = options;
  const name = HISTORY_CONFIG_MAP;
  const limit = options.limit ?? DEFAULT_HISTORY_LIMIT;
  if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError(`the history bound must be a whole number of at least 1, got ${limit}`);
  const random = options.random ?? Math.random;

  async function write<T>(edit: (data: Record<string, string>) => { data?: Record<string, string>; result: T }): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const current = await configMaps.get(namespace, name);
      const { data, result } = edit({ ...current?.data });
      if (data === undefined) return result;
      const outcome = current
        ? await configMaps.update(namespace, name, { ...current, data, labels: { ...current.labels, ...HISTORY_LABELS } })
        : await configMaps.create(namespace, name, { data, labels: HISTORY_LABELS, annotations: {} });
      if (outcome !== 'conflict') return result;
      if (attempt >= WRITE_ATTEMPTS) throw new ScalerdError('SCALERD_ERR_HISTORY_CONFLICT', `configmap ${namespace}/${name} changed under each of ${WRITE_ATTEMPTS} attempts to write it`);
      await sleep(Math.round(10 * 2 ** Math.min(attempt - 1, 4) * (0.5 + random() / 2)));
    }
  }

  return {
    namespace, name, limit,
    record: (entry) => write((data) => {
      // Our own entry already there: an earlier round landed and only its answer was lost.
      if (data[entry.id] !== undefined) return { result: entry.id };
      const newestKey = Object.keys(data).sort().pop();
      const newest = newestKey === undefined ? undefined : parse(data[newestKey]!);
      // The continuation already merged, likewise.
      if (newest && newest.end === entry.end && newest.by === entry.by && newest.message === entry.message) return { result: newest.id };
      if (newest && continues(newest, entry)) return { data: { ...data, [newestKey!]: JSON.stringify(merge(newest, entry)) }, result: newest.id };
      const next = { ...data, [entry.id]: JSON.stringify(entry) };
      for (const key of Object.keys(next).sort().slice(0, Math.max(0, Object.keys(next).length - limit))) delete next[key];
      return { data: next, result: entry.id };
    }),
    async list() {
      const data = (await configMaps.get(namespace, name))?.data ?? {};
      const entries: HistoryEntry[] = [];
      const unreadable: string[] = [];
      for (const key of Object.keys(data).sort().reverse()) {
        const entry = parse(data[key]!);
        if (entry) entries.push(entry);
        else unreadable.push(key);
      }
      return { entries, unreadable };
    },
    complete: (at, message) => {
      let ours: HistoryEntry | undefined;
      return write<HistoryEntry | undefined>((data) => {
        const newest = Object.keys(data).sort().pop();
        // Completed by an earlier round whose answer was lost: done, and still ours to announce.
        if (ours && newest !== undefined && data[newest] === JSON.stringify(ours)) return { result: ours };
        const entry = newest === undefined ? undefined : parse(data[newest]!);
        if (!entry || entry.outcome !== 'done' || (entry.direction !== 'up' && entry.direction !== 'mixed')) return { result: undefined };
        ours = { ...entry, outcome: 'complete', message, completedAt: new Date(at).toISOString() };
        return { data: { ...data, [newest!]: JSON.stringify(ours) }, result: ours };
      });
    },
  };
}

/** "2026-03-04T220001.234Z-k3f9": sortable, and valid as a ConfigMap key (no colons). */
export function historyId(start: number, random: () => number = Math.random): string {
  const suffix = Array.from({ length: 4 }, () => 'abcdefghijkmnpqrstuvwxyz23456789'[Math.floor(random() * 32)]).join('');
  return `${new Date(start).toISOString().replace(/:/g, '')}-${suffix}`;
}

function continues(newest: HistoryEntry, entry: HistoryEntry): boolean {
  return (newest.outcome === 'failed' || newest.outcome === 'stopped') && newest.target !== undefined && entry.target !== undefined
    && JSON.stringify(sorted(newest.target)) === JSON.stringify(sorted(entry.target));
}

/** The operation so far with one more reconcile: first `from`s, last `to`s, each node's last result. */
function merge(newest: HistoryEntry, entry: HistoryEntry): HistoryEntry {
  const changes = (a: Readonly<Record<string, Change>>, b: Readonly<Record<string, Change>>) =>
    Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, { from: (a[k] ?? b[k])!.from, to: (b[k] ?? a[k])!.to }]));
  const nodes = new Map(newest.nodes.map((n) => [n.node, n]));
  for (const n of entry.nodes) {
    const before = nodes.get(n.node);
    nodes.delete(n.node);
    // Each reconcile counts its own evictions: the operation's are their sum.
    const sum = (field: 'evicted' | 'refused' | 'forced') => (before?.[field] ?? 0) + (n[field] ?? 0);
    nodes.set(n.node, before ? { ...n, evicted: sum('evicted'), refused: sum('refused'), forced: sum('forced') } : n);
  }
  return {
    ...entry,
    id: newest.id,
    start: newest.start,
    direction: newest.direction === entry.direction ? entry.direction : 'mixed',
    groups: changes(newest.groups, entry.groups),
    workloads: changes(newest.workloads, entry.workloads),
    added: newest.added + entry.added,
    nodes: [...nodes.values()],
    reason: [...new Set([...newest.reason.split('; '), ...entry.reason.split('; ')])].join('; '),
  };
}

function sorted(target: NonNullable<HistoryEntry['target']>): unknown {
  const order = (r: Readonly<Record<string, number>>) => Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));
  return { capacity: order(target.capacity), replicas: order(target.replicas) };
}

function parse(text: string): HistoryEntry | undefined {
  try {
    const value = JSON.parse(text) as Partial<HistoryEntry>;
    return typeof value === 'object' && value !== null && typeof value.id === 'string' && typeof value.start === 'string' ? value as HistoryEntry : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What one reconcile did, as an entry; undefined when it changed nothing (a plan with
 * nothing to do, or one stopped before its first mutating call). A dry run's entry is what
 * it would have done, marked `dryRun`, its message in its words ("would …").
 */
export function summarize(result: ReconcileResult, desired: DesiredView, at: { id: string; start: number; end: number; by: string }): HistoryEntry | undefined {
  const { plan: decided, report } = result;
  if (report.actions.length === 0) return undefined;
  const ran = new Set(report.steps.filter((s) => s.status === 'done').map((s) => s.index));
  const groups: Record<string, Change> = {};
  const reasons = new Set<string>();
  for (const g of decided.groups) {
    if ((g.direction === 'up' || g.direction === 'down') && g.target !== undefined && g.target !== g.observedDesired) {
      groups[g.group] = { from: g.observedDesired, to: g.target };
      reasons.add(formatSource(desired.sources.capacity[g.group]));
    }
  }
  const workloads: Record<string, Change> = {};
  let added = 0;
  let up = false;
  let down = false;
  decided.steps.forEach((step, index) => {
    if (step.kind === 'scale-up' && ran.has(index)) added += step.add;
    if (step.kind !== 'scale-workload' || !ran.has(index)) return;
    const change = step.replicas ?? step.hpa?.minReplicas;
    if (!change) return;
    workloads[step.workload.key] = change;
    reasons.add(formatSource(desired.sources.replicas[step.workload.key]));
    if (change.to > change.from) up = true;
    if (change.to < change.from) down = true;
  });
  for (const change of Object.values(groups)) {
    if (change.to > change.from) up = true;
    if (change.to < change.from) down = true;
  }
  const rolledBack = report.nodes.some((n) => n.result === 'rolled-back');
  const direction: Direction = up && down ? 'mixed' : up ? 'up' : down ? 'down' : rolledBack ? 'rollback' : 'mixed';
  return {
    id: at.id,
    start: new Date(at.start).toISOString(),
    end: new Date(at.end).toISOString(),
    direction,
    outcome: report.outcome,
    message: report.message,
    groups,
    added,
    nodes: report.nodes.map((n) => ({ node: n.node, group: n.group, result: n.result, reason: n.reason, evicted: n.evicted, refused: n.refused, forced: n.forced })),
    workloads,
    reason: reasons.size > 0 ? [...reasons].join('; ') : 'nodes left over from an earlier operation',
    by: at.by,
    target: { capacity: desired.state.capacity, replicas: desired.state.replicas },
    ...(report.dryRun ? { dryRun: true as const } : {}),
  };
}
