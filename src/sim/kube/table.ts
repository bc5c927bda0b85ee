// Server-side printing: the meta.k8s.io/v1 Table that `kubectl get` asks for, with the
// columns the real API server's printers produce for the kinds scalerd touches.

import type { KubeObject } from './store.js';

type Column = { name: string; type: string; format?: string; priority?: number; cell: (o: KubeObject, now: number) => string | number };

const age: Column = { name: 'Age', type: 'string', cell: (o, now) => humanDuration(now - Date.parse(o.metadata.creationTimestamp)) };
const name: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name };

type ContainerStatusLike = {
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string }; running?: unknown; terminated?: { reason?: string; exitCode?: number; signal?: number } };
  lastState?: { terminated?: { finishedAt?: string } };
};
type PodLike = {
  spec?: { nodeName?: string; containers?: unknown[]; readinessGates?: unknown[] };
  status?: { phase?: string; podIP?: string; reason?: string; conditions?: { type: string; status: string }[]; containerStatuses?: ContainerStatusLike[] };
};
type NodeLike = {
  spec?: { unschedulable?: boolean };
  status?: { conditions?: { type: string; status: string }[]; nodeInfo?: { kubeletVersion?: string; osImage?: string; kernelVersion?: string; containerRuntimeVersion?: string }; addresses?: { type: string; address: string }[] };
};

const COLUMNS: Record<string, Column[]> = {
  pods: [
    name,
    { name: 'Ready', type: 'string', cell: (o) => {
      const p = o as unknown as PodLike;
      const total = p.spec?.containers?.length ?? 0;
      return `${(p.status?.containerStatuses ?? []).filter((c) => c.ready).length}/${total}`;
    } },
    { name: 'Status', type: 'string', cell: (o) => podStatus(o) },
    { name: 'Restarts', type: 'string', cell: (o, now) => podRestarts(o, now) },
    age,
    { name: 'IP', type: 'string', priority: 1, cell: (o) => (o as unknown as PodLike).status?.podIP ?? '<none>' },
    { name: 'Node', type: 'string', priority: 1, cell: (o) => (o as unknown as PodLike).spec?.nodeName ?? '<none>' },
    { name: 'Nominated Node', type: 'string', priority: 1, cell: () => '<none>' },
    { name: 'Readiness Gates', type: 'string', priority: 1, cell: () => '<none>' },
  ],
  nodes: [
    name,
    { name: 'Status', type: 'string', cell: (o) => {
      const n = o as unknown as NodeLike;
      const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
      const state = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
      return n.spec?.unschedulable ? `${state},SchedulingDisabled` : state;
    } },
    { name: 'Roles', type: 'string', cell: (o) => {
      const roles = Object.keys(o.metadata.labels ?? {}).filter((l) => l.startsWith('node-role.kubernetes.io/')).map((l) => l.slice(24));
      return roles.length ? roles.sort().join(',') : '<none>';
    } },
    age,
    { name: 'Version', type: 'string', cell: (o) => (o as unknown as NodeLike).status?.nodeInfo?.kubeletVersion ?? '' },
    { name: 'Internal-IP', type: 'string', priority: 1, cell: (o) => (o as unknown as NodeLike).status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '<none>' },
    { name: 'External-IP', type: 'string', priority: 1, cell: () => '<none>' },
    { name: 'OS-Image', type: 'string', priority: 1, cell: (o) => (o as unknown as NodeLike).status?.nodeInfo?.osImage ?? '' },
    { name: 'Kernel-Version', type: 'string', priority: 1, cell: (o) => (o as unknown as NodeLike).status?.nodeInfo?.kernelVersion ?? '' },
    { name: 'Container-Runtime', type: 'string', priority: 1, cell: (o) => (o as unknown as NodeLike).status?.nodeInfo?.containerRuntimeVersion ?? '' },
  ],
  'deployments.apps': [
    name,
    { name: 'Ready', type: 'string', cell: (o) => `${status(o).readyReplicas ?? 0}/${spec(o).replicas ?? 0}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => status(o).updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => status(o).availableReplicas ?? 0 },
    age,
  ],
  'statefulsets.apps': [name, { name: 'Ready', type: 'string', cell: (o) => `${status(o).readyReplicas ?? 0}/${spec(o).replicas ?? 0}` }, age],
  'replicasets.apps': [
    name,
    { name: 'Desired', type: 'integer', cell: (o) => spec(o).replicas ?? 0 },
    { name: 'Current', type: 'integer', cell: (o) => status(o).replicas ?? 0 },
    { name: 'Ready', type: 'integer', cell: (o) => status(o).readyReplicas ?? 0 },
    age,
  ],
  'daemonsets.apps': [
    name,
    { name: 'Desired', type: 'integer', cell: (o) => status(o).desiredNumberScheduled ?? 0 },
    { name: 'Current', type: 'integer', cell: (o) => status(o).currentNumberScheduled ?? 0 },
    { name: 'Ready', type: 'integer', cell: (o) => status(o).numberReady ?? 0 },
    { name: 'Up-to-date', type: 'integer', cell: (o) => status(o).updatedNumberScheduled ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => status(o).numberAvailable ?? 0 },
    { name: 'Node Selector', type: 'string', cell: (o) => formatMap(((spec(o).template as { spec?: { nodeSelector?: Record<string, string> } } | undefined)?.spec?.nodeSelector)) },
    age,
  ],
  'poddisruptionbudgets.policy': [
    name,
    { name: 'Min Available', type: 'string', cell: (o) => String(spec(o).minAvailable ?? 'N/A') },
    { name: 'Max Unavailable', type: 'string', cell: (o) => String(spec(o).maxUnavailable ?? 'N/A') },
    { name: 'Allowed Disruptions', type: 'integer', cell: (o) => status(o).disruptionsAllowed ?? 0 },
    age,
  ],
  // The API server's event printer (printEvent): every cell, as server-side printing is wide;
  // kubectl shows the priority-0 ones unless asked for -o wide.
  events: [
    { name: 'Last Seen', type: 'string', cell: (o, now) => eventSeen(o, now).last },
    { name: 'Type', type: 'string', cell: (o) => String(o.type ?? '') },
    { name: 'Reason', type: 'string', cell: (o) => String(o.reason ?? '') },
    { name: 'Object', type: 'string', cell: (o) => {
      const { kind = '', name: objectName = '' } = event(o).involvedObject ?? {};
      return objectName ? `${kind.toLowerCase()}/${objectName}` : kind.toLowerCase();
    } },
    { name: 'Subobject', type: 'string', priority: 1, cell: (o) => event(o).involvedObject?.fieldPath ?? '' },
    { name: 'Source', type: 'string', priority: 1, cell: (o) => {
      const e = event(o);
      const component = e.source?.component || e.reportingComponent || '';
      const instance = e.source?.host || e.reportingInstance || '';
      return instance ? `${component}, ${instance}` : component;
    } },
    { name: 'Message', type: 'string', cell: (o) => String(o.message ?? '').trim() },
    { name: 'First Seen', type: 'string', priority: 1, cell: (o, now) => eventSeen(o, now).first },
    { name: 'Count', type: 'string', priority: 1, cell: (o) => eventSeen(o, 0).count },
    { name: 'Name', type: 'string', format: 'name', priority: 1, cell: (o) => o.metadata.name },
  ],
  'leases.coordination.k8s.io': [name, { name: 'Holder', type: 'string', cell: (o) => String(spec(o).holderIdentity ?? '') }, age],
};

const GENERIC: Column[] = [name, { name: 'Created At', type: 'date', cell: (o) => o.metadata.creationTimestamp }];

type EventLike = {
  involvedObject?: { kind?: string; name?: string; fieldPath?: string };
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  count?: number;
  series?: { count?: number; lastObservedTime?: string };
};
const event = (o: KubeObject): EventLike => o as unknown as EventLike;

/** LAST SEEN, FIRST SEEN and COUNT as printEvent works them out: the series wins, eventTime stands in for a missing firstTimestamp. */
function eventSeen(o: KubeObject, now: number): { last: string; first: string; count: number } {
  const e = event(o);
  const since = (at: string | undefined) => (at ? humanDuration(now - Date.parse(at)) : '<unknown>');
  const first = since(e.firstTimestamp || e.eventTime);
  if (e.series) return { last: since(e.series.lastObservedTime), first, count: e.series.count ?? 0 };
  return { last: e.lastTimestamp ? since(e.lastTimestamp) : first, first, count: e.count || 1 };
}

const spec = (o: KubeObject): Record<string, any> => (o.spec ?? {}) as Record<string, any>;
const status = (o: KubeObject): Record<string, any> => (o.status ?? {}) as Record<string, any>;

function formatMap(map: Record<string, string> | undefined): string {
  const entries = Object.entries(map ?? {});
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}

/** The STATUS column as the API server's pod printer words it: a container's waiting or terminated reason wins over the phase. */
function podStatus(o: KubeObject): string {
  const p = o as unknown as PodLike;
  if (o.metadata.deletionTimestamp) return 'Terminating';
  if (p.status?.reason) return p.status.reason;
  const phase = p.status?.phase ?? 'Pending';
  let reason = phase === 'Succeeded' ? 'Completed' : phase === 'Failed' ? 'Error' : phase === 'Pending' && p.spec?.nodeName ? 'ContainerCreating' : phase;
  let hasRunning = false;
  for (const c of [...(p.status?.containerStatuses ?? [])].reverse()) {
    const { waiting, terminated, running } = c.state ?? {};
    if (waiting?.reason) reason = waiting.reason;
    else if (terminated?.reason) reason = terminated.reason;
    else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
    else if (c.ready && running) hasRunning = true;
  }
  if (reason === 'Completed' && hasRunning) reason = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
  return reason;
}

/** The RESTARTS column: the count, and how long ago the last restart was ("3 (12s ago)"), as kubectl 1.32 prints it. */
function podRestarts(o: KubeObject, now: number): string {
  const statuses = (o as unknown as PodLike).status?.containerStatuses ?? [];
  const restarts = statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0);
  const last = Math.max(0, ...statuses.map((c) => Date.parse(c.lastState?.terminated?.finishedAt ?? '') || 0));
  return last > 0 ? `${restarts} (${humanDuration(now - last)} ago)` : String(restarts);
}

export function toTable(resource: string, objects: readonly KubeObject[], now: number, listMeta: Record<string, unknown>): object {
  const columns = COLUMNS[resource] ?? GENERIC;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.name, priority: c.priority ?? 0 })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o, now)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

export function wantsTable(accept: string | undefined): boolean {
  return accept?.split(',')[0]?.includes('as=Table') ?? false;
}

/** Kubernetes' duration.HumanDuration, as in the AGE column. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 0) return '<invalid>';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (days < 730) return `${days}d`;
  const years = Math.floor(days / 365);
  return years < 8 ? `${years}y${days % 365}d` : `${years}y`;
}
