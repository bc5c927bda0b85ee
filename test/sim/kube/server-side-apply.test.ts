// Server-side apply and managedFields through the simulated API's verbs: ownership by
// manager, the merge by list types and keys, pruning of what a manager stops applying,
// conflicts and force, and the Update entries every other write records.

import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/sim/kube/api-error.js';
import type { KubeObject } from '../../../src/sim/kube/store.js';
import { at, world } from './fixtures.js';

type Loose = Record<string, any>;

const deployments = (name?: string) => at('apps', 'v1', 'deployments', 'shop', name);

function deployment(name: string, spec: Loose): string {
  return JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'shop' }, spec });
}

const template = (containers: Loose[]) => ({ metadata: { labels: { app: 'web' } }, spec: { containers } });
const base = (replicas: number, containers: Loose[] = [{ name: 'web', image: 'nginx:1.27' }]) => ({
  replicas, selector: { matchLabels: { app: 'web' } }, template: template(containers),
});

const entries = (o: KubeObject) => (o.metadata.managedFields ?? []) as Loose[];
const entryOf = (o: KubeObject, manager: string, operation = 'Apply') => entries(o).find((e) => e.manager === manager && e.operation === operation);
const spec = (o: KubeObject) => o.spec as Loose;

function thrown(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('server-side apply', () => {
  it('creates the object when there is none, owned by the applier alone (Apply entry, the configuration\'s fields)', () => {
    const { api } = world();
    const { object, created } = api.apply(deployments('web'), deployment('web', base(2)), 'test', { fieldManager: 'alice' });
    expect(created).toBe(true);
    expect(spec(object).replicas).toBe(2);
    expect(entries(object)).toEqual([{
      manager: 'alice', operation: 'Apply', apiVersion: 'apps/v1', time: '2026-11-25T12:00:00Z', fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
          },
        },
      },
    }]);
  });

  it('two managers own their own fields; changing the other\'s field is a 409 conflict naming it; force takes the field', () => {
    const { api, store } = world();
    api.apply(deployments('web'), deployment('web', base(2)), 'test', { fieldManager: 'alice' });
    // bob applies the same replicas (co-owns them) and a label of his own.
    api.apply(deployments('web'), JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { team: 'b' } }, spec: { replicas: 2 } }), 'test', { fieldManager: 'bob' });
    let live = store.get('deployments.apps', 'shop', 'web')!;
    expect(entryOf(live, 'bob')!.fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { 'f:team': {} } }, 'f:spec': { 'f:replicas': {} } });
    expect(entryOf(live, 'alice')!.fieldsV1['f:spec']['f:replicas']).toEqual({});

    const rv = live.metadata.resourceVersion;
    const error = thrown(() => api.apply(deployments('web'), deployment('web', { replicas: 5 }), 'test', { fieldManager: 'bob' }));
    expect(error.code).toBe(409);
    expect(error.reason).toBe('Conflict');
    expect(error.message).toBe('Apply failed with 1 conflict: conflict with "alice": .spec.replicas');
    expect(error.details).toEqual({ causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.replicas' }] });
    expect(store.get('deployments.apps', 'shop', 'web')!.metadata.resourceVersion).toBe(rv);

    api.apply(deployments('web'), deployment('web', { replicas: 5 }), 'test', { fieldManager: 'bob', force: true });
    live = store.get('deployments.apps', 'shop', 'web')!;
    expect(spec(live).replicas).toBe(5);
    expect(entryOf(live, 'bob')!.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(entryOf(live, 'alice')!.fieldsV1['f:spec']['f:replicas']).toBeUndefined();
    // bob dropped his label from his configuration, and nobody else owned it: gone.
    expect(live.metadata.labels).toBeUndefined();
  });

  it('a field dropped from the configuration is removed, unless another manager owns it', () => {
    const { api, store } = world();
    const withEnv = (env: Loose[]) => base(2, [{ name: 'web', image: 'nginx:1.27', env }]);
    api.apply(deployments('web'), deployment('web', withEnv([{ name: 'A', value: '1' }, { name: 'B', value: '2' }])), 'test', { fieldManager: 'alice' });
    api.apply(deployments('web'), deployment('web', withEnv([{ name: 'A', value: '1' }])), 'test', { fieldManager: 'alice' });
    expect(spec(store.get('deployments.apps', 'shop', 'web')!).template.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }]);

    // carol co-owns revisionHistoryLimit by applying it; alice applies it, then drops it: it stays (carol's).
    api.apply(deployments('web'), deployment('web', { ...withEnv([{ name: 'A', value: '1' }]), revisionHistoryLimit: 3 }), 'test', { fieldManager: 'alice' });
    api.apply(deployments('web'), deployment('web', { revisionHistoryLimit: 3 }), 'test', { fieldManager: 'carol' });
    api.apply(deployments('web'), deployment('web', withEnv([{ name: 'A', value: '1' }])), 'test', { fieldManager: 'alice' });
    expect(spec(store.get('deployments.apps', 'shop', 'web')!).revisionHistoryLimit).toBe(3);
    // carol drops it too: now nobody owns it, and apply removes it (defaulting puts 10 back).
    api.apply(deployments('web'), JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }), 'test', { fieldManager: 'carol' });
    const live = store.get('deployments.apps', 'shop', 'web')!;
    expect(entryOf(live, 'carol')).toBeUndefined();
    expect(spec(live).revisionHistoryLimit).toBe(10);
    expect(live.metadata.name).toBe('web');
  });

  it('merges containers by name and ports by containerPort and protocol; an atomic list is replaced whole', () => {
    const { api, store } = world();
    api.apply(deployments('web'), deployment('web', base(1, [
      { name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }], args: ['a', 'b'] },
      { name: 'sidecar', image: 'envoy:1' },
    ])), 'test', { fieldManager: 'alice' });
    // bob adds a container and a port to web by applying only those.
    api.apply(deployments('web'), deployment('web', { template: { spec: { containers: [
      { name: 'web', ports: [{ containerPort: 9090, protocol: 'TCP' }] },
      { name: 'logger', image: 'fluent:2' },
    ] } } }), 'test', { fieldManager: 'bob' });
    let containers = spec(store.get('deployments.apps', 'shop', 'web')!).template.spec.containers as Loose[];
    expect(containers.map((c) => c.name)).toEqual(['web', 'sidecar', 'logger']);
    expect(containers[0]!.ports).toEqual([{ containerPort: 80 }, { containerPort: 9090, protocol: 'TCP' }]);
    const bob = entryOf(store.get('deployments.apps', 'shop', 'web')!, 'bob')!;
    expect(Object.keys(bob.fieldsV1['f:spec']['f:template']['f:spec']['f:containers'])).toEqual(['k:{"name":"logger"}', 'k:{"name":"web"}']);
    expect(bob.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"web"}']['f:ports']).toEqual({ 'k:{"containerPort":9090,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } });

    // args is atomic: alice's new list replaces the old one whole.
    api.apply(deployments('web'), deployment('web', base(1, [
      { name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }], args: ['c'] },
      { name: 'sidecar', image: 'envoy:1' },
    ])), 'test', { fieldManager: 'alice' });
    containers = spec(store.get('deployments.apps', 'shop', 'web')!).template.spec.containers as Loose[];
    expect(containers[0]!.args).toEqual(['c']);
    expect(containers.map((c) => c.name)).toEqual(['web', 'sidecar', 'logger']);
  });

  it('an Update by another manager takes the field; re-applying a different value then conflicts with it ("using apps/v1")', () => {
    const { api, store } = world();
    api.apply(deployments('web'), deployment('web', base(2)), 'test', { fieldManager: 'argocd-controller' });
    api.patch(deployments('web'), 'application/merge-patch+json', { spec: { replicas: 7 } }, 'scalerd', { userAgent: 'scalerd/0.1.0 (linux)' });
    let live = store.get('deployments.apps', 'shop', 'web')!;
    expect(entryOf(live, 'scalerd', 'Update')).toMatchObject({ apiVersion: 'apps/v1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
    expect(entryOf(live, 'argocd-controller')!.fieldsV1['f:spec']['f:replicas']).toBeUndefined();

    const error = thrown(() => api.apply(deployments('web'), deployment('web', base(3)), 'test', { fieldManager: 'argocd-controller' }));
    expect(error.message).toBe('Apply failed with 1 conflict: conflict with "scalerd" using apps/v1: .spec.replicas');
    // The same value is no conflict: the applier co-owns it again.
    api.apply(deployments('web'), deployment('web', base(7)), 'test', { fieldManager: 'argocd-controller' });
    live = store.get('deployments.apps', 'shop', 'web')!;
    expect(entryOf(live, 'argocd-controller')!.fieldsV1['f:spec']['f:replicas']).toEqual({});
    expect(entryOf(live, 'scalerd', 'Update')!.fieldsV1['f:spec']['f:replicas']).toEqual({});
  });

  it('more than one conflict: grouped by manager, one cause each', () => {
    const { api } = world();
    api.apply(deployments('web'), deployment('web', { ...base(2), minReadySeconds: 5 }), 'test', { fieldManager: 'alice' });
    const error = thrown(() => api.apply(deployments('web'), deployment('web', { replicas: 3, minReadySeconds: 6 }), 'test', { fieldManager: 'bob' }));
    expect(error.message).toBe('Apply failed with 2 conflicts: conflicts with "alice":\n- .spec.minReadySeconds\n- .spec.replicas');
    expect(error.details?.causes).toHaveLength(2);
  });

  it('fieldManager is required; force is for apply only; dryRun stores nothing; Strict refuses an unknown field', () => {
    const { api, store } = world();
    expect(thrown(() => api.apply(deployments('web'), deployment('web', base(2)), 'test', {})).message)
      .toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    expect(thrown(() => api.patch(deployments('web'), 'application/merge-patch+json', {}, 'test', { force: true })).message)
      .toBe('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
    const dry = api.apply(deployments('web'), deployment('web', base(2)), 'test', { fieldManager: 'alice', dryRun: true });
    expect(entryOf(dry.object, 'alice')).toBeDefined();
    expect(store.get('deployments.apps', 'shop', 'web')).toBeUndefined();
    const strict = thrown(() => api.apply(deployments('web'), deployment('web', { ...base(2), colour: 'red' }), 'test', { fieldManager: 'alice', fieldValidation: 'Strict' }));
    expect(strict.message).toBe('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.colour"');
    // YAML bodies, as kubectl and client libraries may send them.
    const yaml = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 4\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx}]\n';
    expect(spec(api.apply(deployments('web'), yaml, 'test', { fieldManager: 'alice' }).object).replicas).toBe(4);
  });
});

describe('Update entries of other writes', () => {
  it('a create records its manager (fieldManager, else the User-Agent\'s first part) over the defaulted object', () => {
    const { api } = world();
    const created = api.create(deployments(), JSON.parse(deployment('web', base(2))), 'test', { userAgent: 'kubectl/v1.32.4 (linux/amd64) kubernetes/abc' }) as KubeObject;
    const entry = entryOf(created, 'kubectl', 'Update')!;
    expect(entry).toMatchObject({ apiVersion: 'apps/v1', time: '2026-11-25T12:00:00Z', fieldsType: 'FieldsV1' });
    // Defaulted fields are the creator's; the pointer struct rollingUpdate is new (a "."), the strategy struct was there.
    expect(entry.fieldsV1['f:spec']['f:progressDeadlineSeconds']).toEqual({});
    expect(entry.fieldsV1['f:spec']['f:strategy']).toEqual({ 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} });
    expect(entry.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['.']).toBeUndefined();
  });

  it('a write that changes nothing leaves managedFields (and the resourceVersion) alone; a status write records subresource status', () => {
    const { api, store, clock } = world();
    api.apply(deployments('web'), deployment('web', base(2)), 'test', { fieldManager: 'alice' });
    const before = store.get('deployments.apps', 'shop', 'web')!;
    clock.advance(60_000);
    const same = api.update(deployments('web'), structuredClone(before), 'test', { fieldManager: 'bob' });
    expect(same.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(entries(same)).toEqual(entries(before));

    const status = api.update(at('apps', 'v1', 'deployments', 'shop', 'web', 'status'), { ...structuredClone(before), status: { observedGeneration: 1, replicas: 2 } }, 'test', { fieldManager: 'my-controller' });
    expect(entryOf(status, 'my-controller', 'Update')).toEqual({
      manager: 'my-controller', operation: 'Update', apiVersion: 'apps/v1', time: '2026-11-25T12:01:00Z', fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { 'f:observedGeneration': {}, 'f:replicas': {} } }, subresource: 'status',
    });
  });

  it('the scale subresource: its writer owns spec.replicas, taken from the applier', () => {
    const { api, store } = world();
    api.apply(deployments('web'), deployment('web', base(2)), 'test', { fieldManager: 'argocd-controller' });
    api.update(at('apps', 'v1', 'deployments', 'shop', 'web', 'scale'), { spec: { replicas: 9 } }, 'test', { userAgent: 'scalerd/0.1.0' });
    const live = store.get('deployments.apps', 'shop', 'web')!;
    expect(entryOf(live, 'scalerd', 'Update')).toMatchObject({ subresource: 'scale', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
    expect(entryOf(live, 'argocd-controller')!.fieldsV1['f:spec']['f:replicas']).toBeUndefined();
  });

  it('a request that sets managedFields sets them (an empty list resets them)', () => {
    const { api, store } = world();
    api.apply(deployments('web'), deployment('web', base(2)), 'test', { fieldManager: 'alice' });
    const reset = api.patch(deployments('web'), 'application/merge-patch+json', { metadata: { managedFields: [] } }, 'test', { fieldManager: 'x' });
    expect(reset.metadata.managedFields).toBeUndefined();
    expect(store.get('deployments.apps', 'shop', 'web')!.metadata.managedFields).toBeUndefined();
  });
});
