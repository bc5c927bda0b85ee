// The override store's watch over the simulator's API: the state when it starts, then
// every change within moments, through a stream the server ends (it resumes), and a
// ConfigMap deleted and made again.

import { describe, expect, it } from 'vitest';
import { createConfigMaps } from '../../src/kube/config-maps.js';
import { createKubeDeps } from '../../src/kube/cluster.js';
import { loadKubeConfig } from '../../src/kube/config.js';
import { createOverrideStore, type OverrideSet } from '../../src/overrides/index.js';
import { startSim } from '../../src/sim/index.js';
import { kubeconfigFile, waitFor } from '../kube/helpers.js';
import { threeNodes } from '../cli/engine-helpers.js';

const START = Date.parse('2026-03-02T20:00:00Z');

describe('watching the overrides', () => {
  it('reports the ConfigMap as it is, then each change, across a stream the server ends', async () => {
    const sim = await startSim({ scenario: { ...threeNodes(), namespaces: ['scalerd'] }, manualClock: true, startAt: START });
    const controller = new AbortController();
    try {
      const deps = createKubeDeps({ target: loadKubeConfig({ kubeconfig: kubeconfigFile(sim) }), clock: sim.clock });
      const store = createOverrideStore({ configMaps: createConfigMaps(deps, { timeoutSeconds: 1, retryDelayMs: 50 }), clock: sim.clock, sleep: deps.sleep });
      const seen: OverrideSet[] = [];
      const errors: Error[] = [];
      const watching = store.watch((set) => seen.push(set), { signal: controller.signal, onError: (e) => errors.push(e) });
      const last = () => seen.at(-1)?.overrides.map((o) => o.id) ?? [];

      await waitFor('the first report', () => seen.length > 0);
      expect(last()).toEqual([]);

      const draft = { capacity: { workers: 4 }, from: START, until: START + 3_600_000, reason: 'watch', by: 'alice', createdAt: START };
      const { override: first } = await store.add(draft);
      await waitFor('the new override', () => last().includes(first.id), 2_000);

      // The server ends each stream after 1 s; the watch resumes where it was.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const { override: second } = await store.add(draft);
      await waitFor('the second override, after a resumed stream', () => last().includes(second.id), 2_000);

      await store.clear([first.id]);
      await waitFor('the cleared override to go', () => !last().includes(first.id), 2_000);

      sim.store.delete('configmaps', 'scalerd', 'scalerd-overrides');
      await waitFor('the deletion', () => seen.at(-1)!.overrides.length === 0, 2_000);
      await store.add(draft);
      await waitFor('the ConfigMap made again', () => last().length === 1, 2_000);
      expect(errors).toEqual([]);
      controller.abort();
      await expect(watching).resolves.toBeUndefined();
    } finally {
      controller.abort();
      await sim.stop();
    }
  }, 15_000);

  it('stops when its signal aborts', async () => {
    const sim = await startSim({ scenario: { ...threeNodes(), namespaces: ['scalerd'] }, manualClock: true, startAt: START });
    try {
      const deps = createKubeDeps({ target: loadKubeConfig({ kubeconfig: kubeconfigFile(sim) }), clock: sim.clock });
      const configMaps = createConfigMaps(deps);
      const controller = new AbortController();
      let calls = 0;
      const watching = configMaps.watch('scalerd', 'scalerd-overrides', () => calls++, { signal: controller.signal });
      await waitFor('the first report', () => calls > 0);
      controller.abort();
      await expect(watching).resolves.toBeUndefined();
    } finally {
      await sim.stop();
    }
  });
});
