// What the deployer keeps in etcd about its deployments, so that any deployer process
// (a restarted one included) can resume or roll back, and the REST API can answer:
//
//   /scalerd/deployer/deployments/<ns>/<app>/<id>        the record (JSON), rewritten per phase
//   /scalerd/deployer/logs/<ns>/<app>/<id>/<seq>          one log line per key, appended, never rewritten
//   /scalerd/deployer/locks/<ns>/<app>                    the running deployment's id, on a lease
//   /scalerd/deployer/descriptors/<ns>/<app>              the descriptor last deployed or stored
//
// Ids sort by time (`20261126T061502123Z-3f9a`), so a prefix read lists an app's history in
// order; at most `historyLimit` records per app are kept, the oldest pruned with their logs.

import type { TrafficStatus } from '../lb/layout.js';
export const ROOT = '/scalerd/deployer';

export type DeploymentStatus = 'RUNNING' | 'SUCCESS' | 'FAILURE';

/** Where a deployment is; the engine resumes from here after a crash. */
export type Phase =
  | 'accepted' | 'creating' | 'waiting-ready' | 'health-checking' | 'registering' | 'waiting-lb'
  | 'switching' | 'verifying' | 'baking' | 'draining' | 'rolling-back' | 'done';

export type DeploymentRecord = {
  readonly id: string;
  readonly namespace: string;
  readonly app: string;
  readonly version: number;
  /** The version serving when it started, if any: what a rollback returns to. */
  readonly previousVersion: number | undefined;
  readonly frontends: readonly string[];
  readonly phase: Phase;
  readonly status: DeploymentStatus;
  /** Why it failed or was rolled back. */
  readonly reason?: string;
  /** Set once traffic moved to the new version: a failure after this switches back. */
  readonly switched: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Each phase with when it began. */
  readonly phases: readonly { readonly phase: Phase; readonly at: number }[];
  /** The descriptor as deployed (JSON), so a resume needs nothing else. */
  readonly descriptor: unknown;
  /** What the record is of: a deployment (absent), an undeploy, or a reconcile that removed versions no record kept. */
  readonly kind?: 'undeploy' | 'reconcile';
  /** The bake after the switch: its baseline (so a resumed bake counts from the same start) and, once judged, its figures. */
  readonly bake?: BakeRecord;
};

/** haproxy's counters for one backend, cumulative since its worker started: lb-sync's report without its moment. */
export type TrafficCounters = Omit<TrafficStatus, 'down' | 'at'>;

/** What the bake saw: the counters' growth from `baseline` (the counters when it began) to the last report. */
export type BakeFigures = Omit<TrafficCounters, 'worker'> & {
  /** Servers DOWN in the last report. */
  readonly down: readonly string[];
  readonly elapsedMs: number;
};

export type BakeRecord = {
  readonly startedAt: number;
  readonly baseline?: TrafficCounters;
  readonly verdict?: 'clean' | 'breach';
  readonly figures?: BakeFigures;
  /** The limits that were exceeded, in words. */
  readonly breached?: readonly string[];
};

export const deploymentKey = (ns: string, app: string, id: string) => `${ROOT}/deployments/${ns}/${app}/${id}`;
export const deploymentsPrefix = (ns?: string, app?: string) => `${ROOT}/deployments/${ns === undefined ? '' : `${ns}/${app === undefined ? '' : `${app}/`}`}`;
export const logPrefix = (ns: string, app: string, id: string) => `${ROOT}/logs/${ns}/${app}/${id}/`;
export const logKey = (ns: string, app: string, id: string, seq: number) => `${logPrefix(ns, app, id)}${String(seq).padStart(8, '0')}`;
export const lockKey = (ns: string, app: string) => `${ROOT}/locks/${ns}/${app}`;
export const DESCRIPTORS_PREFIX = `${ROOT}/descriptors/`;
export const descriptorKey = (ns: string, app: string) => `${DESCRIPTORS_PREFIX}${ns}/${app}`;

/** One line of a deployment's log. */
export type LogLine = { readonly at: number; readonly level: 'info' | 'warn' | 'error'; readonly message: string };

/**
 * A time-sortable id: UTC to the millisecond (two deployments of a second must still sort
 * in order: rollback and the history limit go by it), then 4 hex digits against collisions.
 */
export function newDeploymentId(now: number, random: () => number = Math.random): string {
  const stamp = new Date(now).toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${Math.floor(random() * 0x10000).toString(16).padStart(4, '0')}`;
}

export type RecordChange = Partial<Pick<DeploymentRecord, 'status' | 'reason' | 'switched' | 'bake'>>;

/** The record after entering `phase` at `now`; entering the phase it is in again (a retried step) adds no phase. */
export function enter(record: DeploymentRecord, phase: Phase, now: number, more: RecordChange = {}): DeploymentRecord {
  if (record.phase === phase && record.phases.at(-1)?.phase === phase) return { ...record, ...more, updatedAt: now };
  return { ...record, ...more, phase, updatedAt: now, phases: [...record.phases, { phase, at: now }] };
}

/** When the record last entered `phase`, if it did. */
export function enteredAt(record: Pick<DeploymentRecord, 'phases'>, phase: Phase): number | undefined {
  return [...record.phases].reverse().find((p) => p.phase === phase)?.at;
}
