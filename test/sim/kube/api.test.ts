import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/sim/kube/api-error.js';
import { at, runningPod, world } from './fixtures.js';

const code = (fn: () => unknown) => {
  try {
    fn();
    return 200;
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
};

describe('KubeApi', () => {
  it('pages a list with limit and continue, keeping order, and counts what remains', () => {
    const w = world();
    for (let i = 0; i < 7; i++) w.api.create(at('', 'v1', 'configmaps', 'shop'), { metadata: { name: `cm-${i}` } }, 'test');
    const route = at('', 'v1', 'configmaps', 'shop');
    const names: string[] = [];
    let token: string | undefined;
    const remaining: (number | undefined)[] = [];
    do {
      const page = w.api.list(route, new URLSearchParams({ limit: '3', ...(token ? { continue: token } : {}) }));
      names.push(...page.items.map((i) => i.metadata.name));
      remaining.push(page.remainingItemCount);
      token = page.continue;
    } while (token);
    expect(names).toEqual(['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4', 'cm-5', 'cm-6']);
    expect(remaining).toEqual([4, 1, undefined]);
  });

  it('filters pods by node through the index, and by phase', () => {
    const w = world();
    runningPod(w.store, 'a', { app: 'web' }, 'n1');
    runningPod(w.store, 'b', { app: 'web' }, 'n2');
    const route = at('', 'v1', 'pods');
    expect(w.api.list(route, new URLSearchParams({ fieldSelector: 'spec.nodeName=n2' })).items.map((p) => p.metadata.name)).toEqual(['b']);
    expect(w.api.list(route, new URLSearchParams({ fieldSelector: 'status.phase=Running', labelSelector: 'app=web' })).items).toHaveLength(2);
  });

  it('refuses objects in a missing namespace (404) or a terminating one (403), and bad names (422)', () => {
    const w = world();
    expect(code(() => w.api.create(at('', 'v1', 'configmaps', 'nope'), { metadata: { name: 'x' } }, 't'))).toBe(404);
    expect(code(() => w.api.create(at('', 'v1', 'configmaps', 'shop'), { metadata: { name: 'Bad_Name' } }, 't'))).toBe(422);
    w.api.delete(at('', 'v1', 'namespaces', undefined, 'shop'), {}, 't');
    expect(code(() => w.api.create(at('', 'v1', 'configmaps', 'shop'), { metadata: { name: 'x' } }, 't'))).toBe(403);
  });

  it('scale subresource: get, update with a stale version (409), patch', () => {
    const w = world();
    w.api.create(at('apps', 'v1', 'deployments', 'shop'), { metadata: { name: 'web' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } }, 't');
    const route = at('apps', 'v1', 'deployments', 'shop', 'web', 'scale');
    const scale = w.api.get(route);
    expect(scale).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 3 }, status: { selector: 'app=web' } });
    w.api.patch(route, 'application/merge-patch+json', { spec: { replicas: 5 } }, 't');
    expect(code(() => w.api.update(route, { ...scale, spec: { replicas: 1 } }, 't'))).toBe(409);
    expect((w.store.get('deployments.apps', 'shop', 'web')!.spec as { replicas: number }).replicas).toBe(5);
    expect(code(() => w.api.patch(route, 'application/merge-patch+json', { spec: { replicas: -1 } }, 't'))).toBe(422);
  });

  it('an update of the main resource keeps the status; the status subresource keeps the spec', () => {
    const w = world();
    const spec = { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } };
    w.api.create(at('apps', 'v1', 'deployments', 'shop'), { metadata: { name: 'web' }, spec, status: { replicas: 9 } }, 't');
    const current = w.store.get('deployments.apps', 'shop', 'web')!;
    w.store.mutate('deployments.apps', 'shop', 'web', (d) => { d.status = { replicas: 1 }; });
    w.api.update(at('apps', 'v1', 'deployments', 'shop', 'web'), { ...current, spec: { ...spec, replicas: 2 }, status: { replicas: 42 }, metadata: { name: 'web', namespace: 'shop' } }, 't');
    expect(w.store.get('deployments.apps', 'shop', 'web')).toMatchObject({ spec: { replicas: 2 }, status: { replicas: 1 } });
  });

  it('records cordons with the client that made them', () => {
    const w = world();
    w.store.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: {} });
    w.api.patch(at('', 'v1', 'nodes', undefined, 'n1'), 'application/strategic-merge-patch+json', { spec: { unschedulable: true } }, 'kubectl/v1.32.4');
    expect(w.recorder.facts('cordon')).toMatchObject([{ node: 'n1', client: 'kubectl/v1.32.4', unschedulable: true }]);
  });

  it('deletes a running pod gracefully, and an unbound one at once', () => {
    const w = world();
    runningPod(w.store, 'a', {}, 'n1');
    const pod = w.api.delete(at('', 'v1', 'pods', 'shop', 'a'), { gracePeriodSeconds: 10 }, 't');
    expect(pod.metadata).toMatchObject({ deletionGracePeriodSeconds: 10, deletionTimestamp: '2026-11-25T12:00:10Z' });
    w.api.create(at('', 'v1', 'pods', 'shop'), { metadata: { name: 'b' }, spec: { containers: [{ name: 'c', image: 'x' }] } }, 't');
    w.api.delete(at('', 'v1', 'pods', 'shop', 'b'), {}, 't');
    expect(w.store.get('pods', 'shop', 'b')).toBeUndefined();
  });

  it('refuses MicroTime fields (Lease renewTime, Event eventTime) without six fractional digits, as the API server decodes them', () => {
    const w = world();
    const route = at('coordination.k8s.io', 'v1', 'leases', 'shop');
    const lease = (renewTime: string) => ({ metadata: { name: 'scalerd' }, spec: { holderIdentity: 'a', renewTime } });
    let message = '';
    try {
      w.api.create(route, lease('2026-11-25T12:00:00.103Z'), 't');
    } catch (error) {
      message = error instanceof ApiError ? `${error.code} ${error.message}` : String(error);
    }
    expect(message).toBe('400 Lease in version "v1" cannot be handled as a Lease: parsing time "2026-11-25T12:00:00.103Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".103Z" as ".000000"');
    const created = w.api.create(route, lease('2026-11-25T12:00:00.103000Z'), 't');
    const named = at('coordination.k8s.io', 'v1', 'leases', 'shop', 'scalerd');
    expect(code(() => w.api.update(named, { ...created, spec: { holderIdentity: 'a', renewTime: '2026-11-25T12:00:10Z' } }, 't'))).toBe(400);
    expect(code(() => w.api.patch(named, 'application/merge-patch+json', { spec: { renewTime: '2026-11-25T12:00:10.000Z' } }, 't'))).toBe(400);
    expect(code(() => w.api.patch(named, 'application/merge-patch+json', { spec: { renewTime: '2026-11-25T12:00:10.000000Z' } }, 't'))).toBe(200);
    expect(code(() => w.api.create(at('', 'v1', 'events', 'shop'), { metadata: { name: 'e' }, eventTime: '2026-11-25T12:00:00Z' }, 't'))).toBe(400);
  });
});
