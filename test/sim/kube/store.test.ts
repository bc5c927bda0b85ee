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

  it('resumes watches from history for 75 s of simulated time, then answers 410 Expired', () => {
    const { store, clock } = world();
    const first = store.create('configmaps', cm('a'));
    const since = Number(first.metadata.resourceVersion) - 1;
    clock.advance(40_000);
    store.update('configmaps', { ...store.get('configmaps', 'shop', 'a')!, data: { k: '1' } });
    expect(store.eventsSince('configmaps', since).map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'a'], ['MODIFIED', 'a']]);
    clock.advance(35_001); // the creation is now 75.001 s old: dropped
    expect(() => store.eventsSince('configmaps', since)).toThrow(`too old resource version: ${since} (${first.metadata.resourceVersion})`);
    expect(store.eventsSince('configmaps', Number(first.metadata.resourceVersion)).map((e) => e.type)).toEqual(['MODIFIED']);
    clock.advance(75_001);
    expect(() => store.eventsSince('configmaps', Number(first.metadata.resourceVersion))).toThrow(/too old resource version/);
    // Nothing was dropped after the latest version: a watch from it resumes.
    expect(store.eventsSince('configmaps', store.resourceVersion)).toEqual([]);
  });

  it('keeps each resource\'s history apart: churn of one never expires a resume of another', () => {
    const { store, clock } = world();
    const node = store.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    for (let i = 0; i < 10; i++) {
      store.create('configmaps', cm(`c${i}`));
      clock.advance(10_000);
    }
    expect(store.oldestResumableVersion('configmaps')).toBeGreaterThan(0);
    expect(store.oldestResumableVersion('nodes')).toBe(Number(node.metadata.resourceVersion)); // the node's ADDED is past the window
    expect(store.eventsSince('nodes', Number(node.metadata.resourceVersion))).toEqual([]);
  });

  it('caps a resource\'s history at a number of events', () => {
    const clock = world().clock;
    const small = new Store({ clock, history: { capacity: 3 } });
    const first = small.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns0' } });
    for (let i = 1; i <= 5; i++) small.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns${i}` } });
    const rv = small.resourceVersion;
    expect(small.eventsSince('namespaces', rv - 2).map((e) => e.object.metadata.name)).toEqual(['ns4', 'ns5']);
    expect(() => small.eventsSince('namespaces', Number(first.metadata.resourceVersion))).toThrow(/too old resource version/);
  });

  it('stores nothing for a write that changes nothing: same resourceVersion, no event, the stored object back', () => {
    const { store } = world();
    const created = store.create('configmaps', cm('a', { k: 'v' }));
    const seen: string[] = [];
    store.subscribe((e) => seen.push(e.type));
    // The same content, its keys in another order, an undefined member, and a copy rather than the stored object.
    const same = store.update('configmaps', { data: { k: 'v' }, metadata: { ...structuredClone(created.metadata), labels: undefined }, kind: 'ConfigMap', apiVersion: 'v1' });
    expect(same).toBe(created);
    expect(store.mutate('configmaps', 'shop', 'a', () => {})).toBe(created);
    expect(store.resourceVersion).toBe(Number(created.metadata.resourceVersion));
    expect(seen).toEqual([]);
    // A stale precondition is still a conflict, even for a write that would change nothing.
    store.update('configmaps', { ...created, data: { k: 'w' } });
    expect(() => store.update('configmaps', { ...created, data: { k: 'w' } }, created.metadata.resourceVersion)).toThrow(/has been modified/);
    expect(seen).toEqual(['MODIFIED']);
  });

  it('tells what a resource was at an older version: the objects changed since, as they were then', () => {
    const { store } = world();
    store.create('configmaps', cm('kept'));
    const changed = store.create('configmaps', cm('changed', { v: '1' }));
    const removed = store.create('configmaps', cm('removed'));
    const at = store.resourceVersion;
    store.update('configmaps', { ...changed, data: { v: '2' } });
    store.update('configmaps', { ...store.get('configmaps', 'shop', 'changed')!, data: { v: '3' } });
    store.delete('configmaps', 'shop', 'removed');
    store.create('configmaps', cm('added'));
    const then = store.changedSince('configmaps', at);
    expect([...then.keys()].sort()).toEqual(['shop/added', 'shop/changed', 'shop/removed']);
    expect(then.get('shop/added')).toBeNull();
    expect(then.get('shop/changed')).toBe(changed);
    expect(then.get('shop/removed')).toBe(removed);
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
