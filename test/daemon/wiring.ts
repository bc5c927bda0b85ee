// The daemon's Events and history over the simulator's API, as `scalerd run` wires them:
// the adapter's plumbing on the simulator's clock, one event sink, one history store.

import { createConfigMaps } from '../../src/kube/config-maps.js';
import { createEventSink } from '../../src/kube/events.js';
import { createKubeDeps, loadKubeConfig, type KubeDeps } from '../../src/kube/index.js';
import { createHistoryStore, HISTORY_CONFIG_MAP, type HistoryEntry } from '../../src/daemon/history.js';
import type { DaemonOptions } from '../../src/daemon/daemon.js';
import type { Sim } from '../../src/sim/index.js';
import { kubeconfigFile } from '../kube/helpers.js';

export function kubeOf(sim: Sim): { deps: KubeDeps } {
  const deps = createKubeDeps({ target: loadKubeConfig({ kubeconfig: kubeconfigFile(sim) }), clientId: 'scalerd-daemon-test', clock: sim.clock, sleep: (ms: number, signal?: AbortSignal) => sim.clock.sleep(ms, signal) });
  return { deps };
}

export function wiring(sim: Sim, options: { limit?: number; identity?: string } = {}): Partial<DaemonOptions> {
  const { deps } = kubeOf(sim);
  return {
    namespace: 'scalerd',
    events: createEventSink(deps, { instance: options.identity ?? 'test' }),
    history: createHistoryStore({ configMaps: createConfigMaps(deps), namespace: 'scalerd', sleep: (ms) => sim.clock.sleep(ms), ...(options.limit !== undefined ? { limit: options.limit } : {}) }),
  };
}

export type SimEvent = {
  metadata: { name: string; namespace: string };
  involvedObject: { kind: string; name: string; namespace?: string; apiVersion?: string };
  reason: string; message: string; type: string; count: number;
  source?: { component?: string }; reportingComponent?: string;
  firstTimestamp?: string; lastTimestamp?: string;
};

export const eventsOf = (sim: Sim): SimEvent[] => sim.store.list('events') as unknown as SimEvent[];

export function historyOf(sim: Sim): Record<string, HistoryEntry> {
  const cm = sim.store.get('configmaps', 'scalerd', HISTORY_CONFIG_MAP) as { data?: Record<string, string> } | undefined;
  return Object.fromEntries(Object.entries(cm?.data ?? {}).map(([k, v]) => [k, JSON.parse(v) as HistoryEntry]));
}
