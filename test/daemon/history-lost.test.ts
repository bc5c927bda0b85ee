// The history store on the simulator's ConfigMaps, through the real adapter, when the API
// server applied a write and its answer was lost: an entry is recorded once, and a scale-up
// completed by the write that landed is still answered as completed — the daemon's
// "scale-up complete" Event and log line hang on that answer.

import { afterEach, describe, expect, it } from 'vitest';
import { createHistoryStore, HISTORY_CONFIG_MAP, type HistoryEntry } from '../../src/daemon/history.js';
import { createConfigMaps } from '../../src/kube/config-maps.js';
import { createKubeDeps, loadKubeConfig } from '../../src/kube/index.js';
import type { LostAnswer } from '../../src/sim/faults.js';
import { kubeconfigFile, useKubeSim } from '../kube/helpers.js';

const MODES: LostAnswer[] = ['reset', 500, 'timeout'];

const t = useKubeSim();
afterEach(() => t.sim.faults.clear());

async function historyIn(namespace: string) {
  await t.core.createNamespace({ body: { metadata: { name: namespace } } });
  const deps = createKubeDeps({ target: loadKubeConfig({ kubeconfig: kubeconfigFile(t.sim) }), clock: t.sim.clock, requestTimeoutMs: 300 });
  return createHistoryStore({ configMaps: createConfigMaps(deps), namespace, sleep: async () => {} });
}

const entries = (namespace: string): HistoryEntry[] =>
  Object.values((t.sim.store.get('configmaps', namespace, HISTORY_CONFIG_MAP)?.data ?? {}) as Record<string, string>).map((v) => JSON.parse(v) as HistoryEntry);

function entry(id: string, fields: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id, start: '2026-03-05T06:00:00.000Z', end: '2026-03-05T06:04:00.000Z', direction: 'up', outcome: 'done', message: '2 steps done',
    groups: { workers: { from: 6, to: 12 } }, added: 6, nodes: [], workloads: {}, reason: 'default', by: 'daemon-a',
    target: { capacity: { workers: 12 }, replicas: {} }, ...fields,
  };
}

function loseNext(operation: string, mode: LostAnswer): () => number {
  const key = `kube ${operation} ${mode}`;
  const before = t.sim.faults.lostAnswers()[key] ?? 0;
  t.sim.faults.addRequestFault({ api: 'kube', operation, when: 'after', error: mode, count: 1 });
  return () => (t.sim.faults.lostAnswers()[key] ?? 0) - before;
}

describe('the history when an answer is lost', () => {
  it.each(MODES)('%s: entries whose writes landed are recorded once each', async (mode) => {
    const ns = `history-record-${mode}`;
    const history = await historyIn(ns);
    const created = loseNext('create configmaps', mode);
    expect(await history.record(entry('2026-03-04T220000.000Z-aaaa', { start: '2026-03-04T22:00:00.000Z', end: '2026-03-04T22:06:00.000Z', direction: 'down', message: '1 step done' }))).toBe('2026-03-04T220000.000Z-aaaa');
    const updated = loseNext('update configmaps', mode);
    expect(await history.record(entry('2026-03-05T060000.000Z-bbbb'))).toBe('2026-03-05T060000.000Z-bbbb');
    expect([created(), updated()]).toEqual([1, 1]);
    expect(entries(ns).map((e) => e.id)).toEqual(['2026-03-04T220000.000Z-aaaa', '2026-03-05T060000.000Z-bbbb']);
  });

  it.each(MODES)('%s: a completion that landed is answered as completed, not as "nothing to complete"', async (mode) => {
    const ns = `history-complete-${mode}`;
    const history = await historyIn(ns);
    await history.record(entry('2026-03-05T060000.000Z-cccc'));
    const lost = loseNext('update configmaps', mode);
    const at = Date.parse('2026-03-05T06:09:00Z');
    const completed = await history.complete(at, 'scale-up complete: 12 nodes Ready');
    expect(lost()).toBe(1);
    expect(completed).toMatchObject({ id: '2026-03-05T060000.000Z-cccc', outcome: 'complete', completedAt: '2026-03-05T06:09:00.000Z' });
    expect(entries(ns)).toEqual([completed]);
    // Once only: the next look finds nothing left to complete.
    expect(await history.complete(at + 60_000, 'again')).toBeUndefined();
  });
});
