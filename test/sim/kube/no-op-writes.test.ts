// Writes through the API that change nothing, as etcd3's GuaranteedUpdate treats them:
// the object after merging, patching and defaulting is compared with the stored one, and
// when they are the same nothing is written: the same resourceVersion, no watch event.

import { describe, expect, it } from 'vitest';
import type { StoreEvent } from '../../../src/sim/kube/store.js';
import { at, world } from './fixtures.js';

const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const deployments = at('apps', 'v1', 'deployments', 'shop');
const web = at('apps', 'v1', 'deployments', 'shop', 'web');

const body = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
};

function setUp() {
  const w = world();
  const created = w.api.create(deployments, structuredClone(body), 'test') as { metadata: { resourceVersion: string } };
  const heard: StoreEvent[] = [];
  w.store.subscribe((e) => heard.push(e));
  return { ...w, created, heard };
}

describe('a write that changes nothing', () => {
  it('a PUT of the object as first sent (its defaulted fields left out): same resourceVersion, no event', () => {
    const { api, created, heard, store } = setUp();
    const answer = api.update(web, { ...structuredClone(body), metadata: { ...body.metadata, resourceVersion: created.metadata.resourceVersion } }, 'test');
    expect(answer.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(answer).toBe(store.get('deployments.apps', 'shop', 'web'));
    expect(heard).toEqual([]);
  });

  it('a merge patch setting what is already set, and a JSON patch test-and-replace with the same value', () => {
    const { api, created, heard } = setUp();
    expect(api.patch(web, MERGE, { metadata: { labels: { app: 'web' } }, spec: { replicas: 2 } }, 'test').metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(api.patch(web, JSON_PATCH, [{ op: 'test', path: '/spec/replicas', value: 2 }, { op: 'replace', path: '/spec/replicas', value: 2 }], 'test').metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(heard).toEqual([]);
  });

  it('a patch that does change something is written once, and the same patch again is not', () => {
    const { api, created, heard } = setUp();
    const changed = api.patch(web, MERGE, { spec: { replicas: 3 } }, 'test');
    expect(Number(changed.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    expect(changed.metadata.generation).toBe(2);
    const again = api.patch(web, MERGE, { spec: { replicas: 3 } }, 'test');
    expect(again.metadata.resourceVersion).toBe(changed.metadata.resourceVersion);
    expect(again.metadata.generation).toBe(2);
    expect(heard.map((e) => e.type)).toEqual(['MODIFIED']);
  });
});
