// Watching pods through client-node's Watch: resuming from a resourceVersion (the events
// after it, in order, then live ones) and BOOKMARKs when asked for.

import { Watch } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { rv, useSim, waitFor } from './helpers.js';

const s = useSim();

type WatchEvent = { type: string; object: { kind?: string; apiVersion?: string; metadata?: { name?: string; resourceVersion?: string; deletionTimestamp?: string; labels?: Record<string, string> } } };

const open: AbortController[] = [];
afterEach(() => {
  for (const controller of open.splice(0)) controller.abort();
});

/** Starts a watch; `events` fills as they arrive, `ended` resolves with done's argument. */
async function watch(path: string, query: Record<string, string | boolean>) {
  const events: WatchEvent[] = [];
  let ended: (error: unknown) => void = () => {};
  const done = new Promise<unknown>((resolve) => (ended = resolve));
  const controller = await new Watch(s.kc).watch(path, query, (type, object) => events.push({ type, object }), (error) => ended(error));
  open.push(controller);
  return { events, done, controller };
}

describe('Watch through client-node', () => {
  it('resumes from a resourceVersion: the changes after it in order, then live ones', async () => {
    const list = await s.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=cache' });
    const since = list.metadata!.resourceVersion!;
    const [labelled, evicted] = list.items.map((p) => p.metadata!.name!);
    // Two changes made before the watch starts.
    await s.core.patchNamespacedPod({ name: labelled!, namespace: 'shop', body: [{ op: 'add', path: '/metadata/labels/scalerd.io~1seen', value: 'yes' }] });
    await s.core.createNamespacedPodEviction({ name: evicted!, namespace: 'shop', body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: evicted!, namespace: 'shop' } } });

    const w = await watch('/api/v1/namespaces/shop/pods', { resourceVersion: since, labelSelector: 'app=cache' });
    await waitFor('the two earlier changes', () => w.events.length >= 2);
    expect(w.events.map((e) => [e.type, e.object.metadata?.name])).toEqual([['MODIFIED', labelled], ['MODIFIED', evicted]]);
    expect(w.events[0]!.object.metadata?.labels?.['scalerd.io/seen']).toBe('yes');
    expect(w.events[1]!.object.metadata?.deletionTimestamp).toBeDefined();

    // Live: the evicted pod exits, its replacement is made, bound and started.
    s.sim.clock.advance(2_000);
    await waitFor('the evicted pod\'s DELETED', () => w.events.some((e) => e.type === 'DELETED' && e.object.metadata?.name === evicted));
    await waitFor('a replacement pod', () => w.events.some((e) => e.type === 'ADDED' && e.object.metadata?.name !== evicted));
    const versions = w.events.map((e) => rv(e.object));
    expect(versions[0]).toBeGreaterThan(Number(since));
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b)); // strictly increasing
    expect(w.events.every((e) => ['ADDED', 'MODIFIED', 'DELETED'].includes(e.type))).toBe(true);
  });

  it('sends a BOOKMARK with the current resourceVersion each simulated minute when allowWatchBookmarks is set, and only then', async () => {
    const current = String(s.sim.store.resourceVersion);
    const withBookmarks = await watch('/api/v1/pods', { resourceVersion: current, allowWatchBookmarks: true });
    const without = await watch('/api/v1/pods', { resourceVersion: current });
    s.sim.clock.advance(59_999);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(withBookmarks.events.filter((e) => e.type === 'BOOKMARK')).toEqual([]);
    const before = s.sim.store.resourceVersion;
    s.sim.clock.advance(1);
    await waitFor('a BOOKMARK', () => withBookmarks.events.some((e) => e.type === 'BOOKMARK'), 3_000);
    const bookmark = withBookmarks.events.find((e) => e.type === 'BOOKMARK')!;
    expect(bookmark.object).toEqual({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: expect.any(String) } });
    // The store's version when it was sent: writes due at the same instant (a Lease renewal) may follow it.
    const sentAt = Number((bookmark.object as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
    expect(sentAt).toBeGreaterThanOrEqual(before);
    expect(sentAt).toBeLessThanOrEqual(s.sim.store.resourceVersion);
    expect(without.events).toEqual([]);
  });

  it('is established at once on a quiet resource (the headers do not wait for an event), and ends when the client aborts it', async () => {
    const opened = watch('/api/v1/nodes', { resourceVersion: String(s.sim.store.resourceVersion) });
    const w = await Promise.race([opened, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the watch did not open within 2 s')), 2_000))]);
    expect(w.events).toEqual([]);
    w.controller.abort();
    await expect(Promise.race([w.done.then(() => 'done'), new Promise((resolve) => setTimeout(() => resolve('still open'), 2_000))])).resolves.toBe('done');
  });
});
