import { describe, expect, it } from 'vitest';
import { Store } from '../../../src/sim/kube/store.js';
import { world } from './fixtures.js';

const cm = (name: string, data: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop' }, data });

describe('Store', () => {
  it('gives every change a higher resourceVersion and keeps uid and creationTimestamp', () => {
    const { store } = world();
    const created = store.create('configmaps', cm('a'));
    const updated = store.update('configmaps', { ...created, data: { k: 'v' } });
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    expect(updated.metadata.uid).toBe(created.metadata.uid);
    expect(updated.metadata.creationTimestamp).toBe('2026-11-25T12:00:00Z');
  });

  it('refuses a stale update with 409 Conflict (optimistic concurrency)', () => {
    const { store } = world();
    const created = store.create('configmaps', cm('a'));
    store.update('configmaps', { ...created, data: { k: '1' } }, created.metadata.resourceVersion);
    expect(() => store.update('configmaps', { ...created, data: { k: '2' } }, created.metadata.resourceVersion)).toThrow(/has been modified/);
  });

  it('refuses a duplicate name with 409 AlreadyExists, and generates names', () => {
    const { store } = world();
    store.create('configmaps', cm('a'));
    expect(() => store.create('configmaps', cm('a'))).toThrow('configmaps "a" already exists');
    const generated = store.create('configmaps', { ...cm(''), metadata: { namespace: 'shop', generateName: 'web-' } });
    expect(generated.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
  });

  it('never changes an object it handed out (copy-on-write)', () => {
    const { store } = world();
    const created = store.create('configmaps', cm('a', { k: 'v' }));
    store.mutate('configmaps', 'shop', 'a', (o) => { (o.data as Record<string, string>).k = 'changed'; });
    expect(created.data).toEqual({ k: 'v' });
    expect(store.get('configmaps', 'shop', 'a')!.data).toEqual({ k: 'changed' });
  });

  it('resumes watches from history, and answers 410 Gone once compacted', () => {
    const small = new Store({ clock: world().clock, historySize: 3 });
    const first = small.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns0' } });
    for (let i = 1; i <= 5; i++) small.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns${i}` } });
    const rv = small.resourceVersion;
    expect(small.eventsSince(rv - 2).map((e) => e.object.metadata.name)).toEqual(['ns4', 'ns5']);
    expect(() => small.eventsSince(Number(first.metadata.resourceVersion))).toThrow(/too old resource version/);
  });

  it('keeps indexes current through updates and deletes', () => {
    const { store } = world();
    store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { nodeName: 'n1' } });
    expect(store.byIndex('pods', 'byNode', 'n1').map((p) => p.metadata.name)).toEqual(['p']);
    store.mutate('pods', 'shop', 'p', (p) => { (p.spec as { nodeName: string }).nodeName = 'n2'; });
    expect(store.byIndex('pods', 'byNode', 'n1')).toEqual([]);
    store.delete('pods', 'shop', 'p');
    expect(store.byIndex('pods', 'byNode', 'n2')).toEqual([]);
  });

  it('tells every listener of every change in resourceVersion order, also of changes a listener makes', () => {
    const { store } = world();
    // The first listener writes while told of a change (as the pod GC deletes a deleted node's pods).
    store.subscribe((e) => {
      if (e.type === 'DELETED' && e.object.metadata.name === 'a') store.create('configmaps', cm('b'));
    });
    const seen: number[] = [];
    store.subscribe((e) => seen.push(e.rv));
    store.create('configmaps', cm('a'));
    store.delete('configmaps', 'shop', 'a');
    expect(seen).toHaveLength(3);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(store.get('configmaps', 'shop', 'b')).toBeDefined(); // delivered before the outer write returned
  });
});
