// The store's read-modify-write on a ConfigMap port held in memory: conflicts are retried
// on fresh data, a write whose answer was lost is not repeated, expired entries go at the
// next write, unreadable ones stay until cleared by name.

import { describe, expect, it } from 'vitest';
import { isScalerdError } from '../../src/errors.js';
import { createOverrideStore, formatEntry, type OverrideDraft } from '../../src/overrides/index.js';
import type { ConfigMapContent, ConfigMaps, StoredConfigMap } from '../../src/ports/config-maps.js';
import { utc } from '../helpers.js';

const NOW = utc('2026-11-25T11:00Z');
const HOUR = 3_600_000;

/** One ConfigMap in memory; `beforeWrite` runs before each write is judged (to race it). */
function memory() {
  let stored: StoredConfigMap | undefined;
  let version = 0;
  const hooks = { beforeWrite: async (): Promise<void> => {}, writes: 0 };
  const put = (content: ConfigMapContent): StoredConfigMap => (stored = { ...content, resourceVersion: String(++version) });
  const port: ConfigMaps = {
    get: async () => stored,
    create: async (_ns, _name, content) => {
      await hooks.beforeWrite();
      if (stored) return 'conflict';
      hooks.writes++;
      return put(content);
    },
    update: async (_ns, _name, content) => {
      await hooks.beforeWrite();
      if (!stored || stored.resourceVersion !== content.resourceVersion) return 'conflict';
      hooks.writes++;
      return put(content);
    },
    watch: async () => {},
  };
  return { port, hooks, data: () => stored?.data ?? {}, set: (data: Record<string, string>) => put({ data, labels: {}, annotations: {} }) };
}

const draft = (fields: Partial<OverrideDraft> = {}): OverrideDraft => ({ capacity: { workers: 12 }, from: NOW, until: NOW + HOUR, reason: 'r', by: 'alice', createdAt: NOW, ...fields });

function storeOn(port: ConfigMaps, now = NOW) {
  let seed = 0;
  return createOverrideStore({ configMaps: port, clock: { now: () => now }, sleep: async () => {}, random: () => ((seed = (seed * 7 + 3) % 11) / 11) });
}

describe('the override store', () => {
  it('creates the ConfigMap, labelled, on the first add', async () => {
    const mem = memory();
    const { override } = await storeOn(mem.port).add(draft());
    expect(override.id).toMatch(/^[a-z2-9]{6}$/);
    expect(mem.data()).toEqual({ [override.id]: formatEntry(override) });
    expect((await mem.port.get('scalerd', 'scalerd-overrides'))!.labels).toEqual({ 'app.kubernetes.io/name': 'scalerd' });
  });

  it('retries a conflicting write on what is there now, so both writers land', async () => {
    const mem = memory();
    const store = storeOn(mem.port);
    let raced = false;
    mem.hooks.beforeWrite = async () => {
      if (raced) return;
      raced = true;
      mem.set({ ...mem.data(), other1: formatEntry({ ...draft({ reason: 'theirs' }), id: 'other1' }) });
    };
    const { override } = await store.add(draft());
    expect(Object.keys(mem.data()).sort()).toEqual([override.id, 'other1'].sort());
  });

  it('does not add twice when the write landed but its answer was lost', async () => {
    const mem = memory();
    const update = mem.port.create;
    let lost = false;
    mem.port.create = async (...args) => {
      const result = await update(...args);
      if (!lost) {
        lost = true;
        return 'conflict'; // as a retried request would see its own write
      }
      return result;
    };
    await storeOn(mem.port).add(draft());
    expect(Object.keys(mem.data())).toHaveLength(1);
    expect(mem.hooks.writes).toBe(1);
  });

  it('gives up with SCALERD_ERR_OVERRIDE_CONFLICT when every attempt conflicts', async () => {
    const mem = memory();
    mem.hooks.beforeWrite = async () => {
      mem.set({ ...mem.data() });
    };
    const error = await storeOn(mem.port).add(draft()).catch((e: unknown) => e);
    expect(isScalerdError(error) && error.code).toBe('SCALERD_ERR_OVERRIDE_CONFLICT');
    expect(mem.hooks.writes).toBe(0);
  });

  it('drops expired entries at the next write and keeps unreadable ones', async () => {
    const mem = memory();
    mem.set({
      old1: formatEntry({ ...draft({ from: NOW - 2 * HOUR, until: NOW - HOUR }), id: 'old1' }),
      live: formatEntry({ ...draft(), id: 'live' }),
      broken: '{ half an edit',
    });
    const { override, dropped } = await storeOn(mem.port).add(draft({ capacity: { workers: 20 } }));
    expect(dropped.map((o) => o.id)).toEqual(['old1']);
    expect(Object.keys(mem.data()).sort()).toEqual(['broken', 'live', override.id].sort());
  });

  it('clears by id (an unreadable entry too), all at once, or refuses an unknown id', async () => {
    const mem = memory();
    mem.set({ live: formatEntry({ ...draft(), id: 'live' }), broken: 'nope', keep: formatEntry({ ...draft(), id: 'keep' }) });
    const store = storeOn(mem.port);
    expect(await store.clear(['broken'])).toEqual({ cleared: ['broken'], dropped: [] });
    const missing = await store.clear(['nosuch']).catch((e: unknown) => e);
    expect(isScalerdError(missing) && missing.code).toBe('SCALERD_ERR_OVERRIDE_NOT_FOUND');
    expect((missing as Error).message).toContain('it holds keep, live');
    expect(await store.clear('all')).toEqual({ cleared: ['keep', 'live'], dropped: [] });
    expect(mem.data()).toEqual({});
  });

  it('removeExpired writes only when something expired', async () => {
    const mem = memory();
    mem.set({ live: formatEntry({ ...draft(), id: 'live' }) });
    const store = storeOn(mem.port, NOW + 30 * 60_000);
    expect(await store.removeExpired()).toEqual([]);
    expect(mem.hooks.writes).toBe(0);
    expect((await storeOn(mem.port, NOW + HOUR).removeExpired()).map((o) => o.id)).toEqual(['live']);
    expect(mem.data()).toEqual({});
  });
});
