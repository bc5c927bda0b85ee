// Lists at a resourceVersion, on a manual clock: NotOlderThan (now, or 504 for a version
// not reached), Exact (the state then, read from the history; 410 once it is older than
// the history), and continue tokens, whose pages are one snapshot until the history no
// longer reaches back to it: then 410 Expired with a token that goes on at the latest.

import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/sim/kube/api-error.js';
import { at, world } from './fixtures.js';

const cm = (name: string, data: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop' }, data });
const configmaps = at('', 'v1', 'configmaps', 'shop');
const names = (items: { metadata: { name: string } }[]) => items.map((o) => o.metadata.name);

function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('list at a resourceVersion', () => {
  it('Exact: the objects as they were then, with that resourceVersion', () => {
    const { store, api } = world();
    for (const name of ['a', 'b', 'c']) store.create('configmaps', cm(name, { v: '1' }));
    const then = store.resourceVersion;
    store.update('configmaps', { ...store.get('configmaps', 'shop', 'a')!, data: { v: '2' } });
    store.delete('configmaps', 'shop', 'b');
    store.create('configmaps', cm('d'));
    const exact = api.list(configmaps, new URLSearchParams(`resourceVersion=${then}&resourceVersionMatch=Exact`));
    expect(exact.resourceVersion).toBe(String(then));
    expect(names(exact.items)).toEqual(['a', 'b', 'c']);
    expect(exact.items[0]!.data).toEqual({ v: '1' });
    const now = api.list(configmaps, new URLSearchParams(`resourceVersion=${then}&resourceVersionMatch=NotOlderThan`));
    expect(now.resourceVersion).toBe(String(store.resourceVersion));
    expect(names(now.items)).toEqual(['a', 'c', 'd']);
  });

  it('a version not reached yet is the watch cache\'s 504 "Too large resource version", to be retried after a second', () => {
    const { store, api } = world();
    const ahead = store.resourceVersion + 10;
    for (const query of [`resourceVersion=${ahead}`, `resourceVersion=${ahead}&resourceVersionMatch=Exact`]) {
      const error = failure(() => api.list(configmaps, new URLSearchParams(query)));
      expect(error.toStatus()).toMatchObject({
        code: 504, reason: 'Timeout', message: `Timeout: Too large resource version: ${ahead}, current: ${store.resourceVersion}`,
        details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
      });
    }
  });

  it('Exact at a version older than the history (75 s) is 410 Expired', () => {
    const { store, api, clock } = world();
    store.create('configmaps', cm('a'));
    const then = store.resourceVersion;
    store.create('configmaps', cm('b'));
    const query = new URLSearchParams(`resourceVersion=${then}&resourceVersionMatch=Exact`);
    expect(names(api.list(configmaps, query).items)).toEqual(['a']);
    clock.advance(75_001);
    expect(failure(() => api.list(configmaps, query)).toStatus()).toMatchObject({ code: 410, reason: 'Expired', message: 'The resourceVersion for the provided list is too old.' });
  });
});

describe('continue tokens', () => {
  it('page through one snapshot: changes after the first page do not show', () => {
    const { store, api } = world();
    for (const name of ['a', 'b', 'c', 'd']) store.create('configmaps', cm(name, { v: '1' }));
    const first = api.list(configmaps, new URLSearchParams('limit=2'));
    expect(names(first.items)).toEqual(['a', 'b']);
    expect(first.remainingItemCount).toBe(2);
    store.delete('configmaps', 'shop', 'c');
    store.update('configmaps', { ...store.get('configmaps', 'shop', 'd')!, data: { v: '2' } });
    store.create('configmaps', cm('bb'));
    const second = api.list(configmaps, new URLSearchParams(`limit=2&continue=${first.continue}`));
    expect(second.resourceVersion).toBe(first.resourceVersion);
    expect(names(second.items)).toEqual(['c', 'd']);
    expect(second.items[1]!.data).toEqual({ v: '1' });
    expect(second.continue).toBeUndefined();
  });

  it('expire once the history no longer reaches back: 410 with a token that lists the rest at the latest version', () => {
    const { store, api, clock } = world();
    for (const name of ['a', 'b', 'c']) store.create('configmaps', cm(name));
    const first = api.list(configmaps, new URLSearchParams('limit=1'));
    store.create('configmaps', cm('bb'));
    clock.advance(75_001);
    const expired = failure(() => api.list(configmaps, new URLSearchParams(`limit=1&continue=${first.continue}`)));
    const status = expired.toStatus() as { code: number; reason: string; message: string; metadata: { continue?: string } };
    expect(status).toMatchObject({ code: 410, reason: 'Expired' });
    expect(status.message).toMatch(/^The provided continue parameter is too old to display a consistent list result\. You can start a new list without the continue parameter, or use the continue token in this response/);
    const rest = api.list(configmaps, new URLSearchParams(`continue=${status.metadata.continue}`));
    expect(names(rest.items)).toEqual(['b', 'bb', 'c']);
    expect(rest.resourceVersion).toBe(String(store.resourceVersion));
  });

  it('refuses a token that is not one', () => {
    const { api } = world();
    expect(failure(() => api.list(configmaps, new URLSearchParams('continue=%%%'))).message).toMatch(/^continue key is not valid/);
  });
});
