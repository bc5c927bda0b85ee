// An in-memory world for the engine's own tests: Kubernetes as a map of versions whose
// pods turn Ready on the next look, a load balancer whose frontends keep their history
// (so a test can assert there was never a moment without a backend), and haproxy's
// answer being whichever version the frontend points at. Time is counted, not waited.

import { checkDescriptorText, type Descriptor } from '../../../src/deployer/descriptor/index.js';
import type { LoadBalancer, Look, Records, TrafficReport } from '../../../src/deployer/engine/ports.js';
import type { EngineDeps } from '../../../src/deployer/engine/engine.js';
import { DEFAULT_TIMINGS } from '../../../src/deployer/engine/engine.js';
import type { DeployerCluster, VersionPod } from '../../../src/ports/deployer.js';
import type { DeploymentRecord, LogLine } from '../../../src/deployer/state/records.js';

export function descriptor(more: object = {}): Descriptor {
  const result = checkDescriptorText(JSON.stringify({
    namespace: 'shop', appName: 'web', version: 'auto', replicas: 2, frontends: ['shop.example.com', 'www.shop.example.com'], drainDelayMs: 1000, bake: { durationMs: 2000 },
    healthCheck: { intervalMs: 100, successes: 2, deadlineMs: 1000 },
    podSpec: { containers: [{ name: 'app', image: 'scalerd/test-app:1', ports: [{ name: 'http', containerPort: 8080 }] }] },
    ...more,
  }), 'inline');
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.descriptor;
}

export type World = ReturnType<typeof createWorld>;

/**
 * `traffic(id, now)`: lb-sync's report of a baked backend at a (simulated) time, as haproxy
 * would count it; by default a steady clean one. Every read is a new report (a new revision).
 */
export function createWorld(options: { healthy?: (version: number) => boolean; answering?: (version: number) => string; traffic?: (id: string, now: number) => Omit<TrafficReport, 'revision' | 'at'> | undefined } = {}) {
  let time = 0;
  const versions = new Map<number, { pods: VersionPod[] }>();
  const backends = new Map<string, readonly string[]>();
  const frontends = new Map<string, { backend: string | undefined; revision: number }>();
  /** Every value each hostname's frontend had, in order. */
  const history = new Map<string, (string | undefined)[]>();
  let revision = 1;
  const bakes = new Set<string>();
  const saved: DeploymentRecord[] = [];
  const logs: string[] = [];

  const cluster: DeployerCluster = {
    async createDeployment(m) {
      const version = Number(m.metadata.labels['app.kubernetes.io/version']);
      if (versions.has(version)) return { kind: 'exists' };
      versions.set(version, { pods: [0, 1].map((i) => ({ name: `${m.metadata.name}-${i}`, uid: `${version}-${i}`, podIP: `127.0.${version}.${i + 1}`, phase: 'Running', ready: true, terminating: false, restarts: 0, ports: [] })) });
      return { kind: 'created' };
    },
    async createService() { return { kind: 'created' }; },
    async deleteDeployment(ref) { return versions.delete(ref.version) ? 'deleted' : 'gone'; },
    async deleteService() { return 'deleted'; },
    async listVersionPods(ref) { return versions.get(ref.version)?.pods ?? []; },
    async listVersions() { return [...versions.keys()].map((version) => ({ version, deployment: true, service: true, terminating: false })); },
  };

  const lb: LoadBalancer = {
    backendId: (ns, app, version) => `${ns}.${app}.${version}`,
    versionOf: (ns, app, backend) => (backend?.startsWith(`${ns}.${app}.`) ? Number(backend.split('.').pop()) : undefined),
    async register(id, servers) { backends.set(id, servers.map((s) => s.name)); },
    async unregister(id) { backends.delete(id); bakes.delete(id); },
    async backends() { return [...backends.keys()]; },
    async frontend(host) { return frontends.get(host) ?? { backend: undefined, revision: 0 }; },
    async bake(id, on) { if (on) bakes.add(id); else bakes.delete(id); },
    async traffic(id) {
      if (!bakes.has(id)) return undefined;
      const report = options.traffic ? options.traffic(id, time) : { worker: 1, responses: time, http5xx: 0, connectionErrors: 0, responseErrors: 0, serverDowns: 0, down: [] };
      return report && { ...report, at: time, revision: ++revision };
    },
    async switchFrontend(host, backend, expected) {
      if ((frontends.get(host)?.revision ?? 0) !== expected) return undefined;
      frontends.set(host, { backend, revision: ++revision });
      history.set(host, [...(history.get(host) ?? []), backend]);
      return revision;
    },
    async serversUp(id) { return backends.has(id) ? { ok: true } : { ok: false, reason: `no backend ${id}` }; },
    async frontendApplied() { return { ok: true }; },
  };

  const records: Records = {
    async save(record) { saved.push(record); },
    async log(_record, line: LogLine) { logs.push(line.message); },
  };

  const look: Look = async (host) => {
    const backend = frontends.get(host)?.backend;
    if (!backend) return { error: '503 no backend' };
    const version = Number(backend.split('.').pop());
    return { version: options.answering?.(version) ?? String(version) };
  };

  const deps: EngineDeps = {
    cluster, lb, records, look,
    now: () => time,
    wait: async (ms, signal) => { signal.throwIfAborted(); time += ms; },
    timings: { ...DEFAULT_TIMINGS, readyDeadlineMs: 5_000 },
    probe: (expected) => async (url) => {
      const version = Number(url.split('/')[2]!.split('.')[2]);
      return (options.healthy?.(version) ?? true) && (expected === undefined || expected === String(version)) ? { ok: true } : { ok: false, reason: 'HTTP 503, healthy: false' };
    },
  };

  /** Version `version` serving `hosts`, as a finished earlier deployment leaves it. */
  async function serving(version: number, hosts: readonly string[]): Promise<void> {
    await cluster.createDeployment({ metadata: { name: `web-${version}`, labels: { 'app.kubernetes.io/version': String(version) } } } as never);
    await lb.register(lb.backendId('shop', 'web', version), [], '/health');
    for (const host of hosts) await lb.switchFrontend(host, lb.backendId('shop', 'web', version), 0);
    history.clear();
  }

  return { deps, versions, backends, frontends, history, bakes, saved, logs, serving, now: () => time };
}

export function newRecord(version: number, previousVersion: number | undefined, d: Descriptor): DeploymentRecord {
  return {
    id: `test-${version}`, namespace: d.namespace, app: d.appName, version, previousVersion, frontends: d.frontends,
    phase: 'accepted', status: 'RUNNING', switched: false, createdAt: 0, updatedAt: 0, phases: [], descriptor: d,
  };
}
