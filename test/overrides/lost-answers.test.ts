// The override store on the simulator's ConfigMaps, through the real adapter, when the API
// server applied a write and the answer was lost: the next round meets its own write and
// takes it as done — an added override is there once, a cleared one is cleared (not "not
// found"), and the expired entries the lost round dropped are still reported.

import { afterEach, describe, expect, it } from 'vitest';
import { createConfigMaps } from '../../src/kube/config-maps.js';
import { createKubeDeps, loadKubeConfig } from '../../src/kube/index.js';
import { createOverrideStore, OVERRIDES_CONFIG_MAP, type OverrideDraft } from '../../src/overrides/index.js';
import type { LostAnswer } from '../../src/sim/faults.js';
import { kubeconfigFile, useKubeSim } from '../kube/helpers.js';

const MODES: LostAnswer[] = ['reset', 500, 'timeout'];
const HOUR = 3_600_000;

const t = useKubeSim();
afterEach(() => t.sim.faults.clear());

/** A store of its own namespace per test, on the simulator's clock, over the real adapter (short time limit). */
function storeIn(namespace: string) {
  const deps = createKubeDeps({ target: loadKubeConfig({ kubeconfig: kubeconfigFile(t.sim) }), clock: t.sim.clock, requestTimeoutMs: 300 });
  return createOverrideStore({ configMaps: createConfigMaps(deps), namespace, clock: t.sim.clock, sleep: async () => {} });
}

async function namespaceFor(name: string): Promise<string> {
  await t.core.createNamespace({ body: { metadata: { name } } });
  return name;
}

const draft = (fields: Partial<OverrideDraft> = {}): OverrideDraft => {
  const now = t.sim.clock.now();
  return { capacity: { workers: 12 }, from: now, until: now + HOUR, reason: 'lost answers', by: 'test', createdAt: now, ...fields };
};

const stored = (namespace: string) => (t.sim.store.get('configmaps', namespace, OVERRIDES_CONFIG_MAP)?.data ?? {}) as Record<string, string>;

function loseNext(operation: string, mode: LostAnswer): () => number {
  const key = `kube ${operation} ${mode}`;
  const before = t.sim.faults.lostAnswers()[key] ?? 0;
  t.sim.faults.addRequestFault({ api: 'kube', operation, when: 'after', error: mode, count: 1 });
  return () => (t.sim.faults.lostAnswers()[key] ?? 0) - before;
}

describe('the override store when an answer is lost', () => {
  it.each(MODES)('%s: an add whose create landed is there once, under the id it answers', async (mode) => {
    const ns = await namespaceFor(`overrides-create-${mode}`);
    const lost = loseNext('create configmaps', mode);
    const { override } = await storeIn(ns).add(draft());
    expect(lost()).toBe(1);
    expect(Object.keys(stored(ns))).toEqual([override.id]);
  });

  it.each(MODES)('%s: a clear whose update landed is cleared, and reports the expired entry it dropped', async (mode) => {
    const ns = await namespaceFor(`overrides-clear-${mode}`);
    const store = storeIn(ns);
    const { override: old } = await store.add(draft({ until: t.sim.clock.now() + 1_000 }));
    const { override } = await store.add(draft());
    t.sim.clock.advance(2_000); // `old` has expired
    const lost = loseNext('update configmaps', mode);
    expect(await store.clear([override.id])).toEqual({ cleared: [override.id], dropped: [old] });
    expect(lost()).toBe(1);
    expect(stored(ns)).toEqual({});
  });

  it('an id that was never there is still "not found"', async () => {
    const ns = await namespaceFor('overrides-not-found');
    const store = storeIn(ns);
    await store.add(draft());
    await expect(store.clear(['nosuch'])).rejects.toMatchObject({ code: 'SCALERD_ERR_OVERRIDE_NOT_FOUND' });
  });

  it.each(MODES)('%s: removing the expired entries reports them when the write landed', async (mode) => {
    const ns = await namespaceFor(`overrides-expired-${mode}`);
    const store = storeIn(ns);
    const { override } = await store.add(draft({ until: t.sim.clock.now() + 1_000 }));
    t.sim.clock.advance(2_000);
    const lost = loseNext('update configmaps', mode);
    expect(await store.removeExpired()).toEqual([override]);
    expect(lost()).toBe(1);
    expect(stored(ns)).toEqual({});
  });
});
