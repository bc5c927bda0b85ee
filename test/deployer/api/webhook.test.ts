// The registry webhook: which bodies it takes, which images a repository matches, and the
// route: every stored descriptor using the pushed repository deployed with the new tag as
// version "auto" (202); nothing stored uses it (200); none could start (the refusal's status);
// a push an app already runs or is deploying starts nothing (200 with that deployment).

import { describe, expect, it } from 'vitest';
import { imageRepository, parsePushes, retag, runsPushes } from '../../../src/deployer/api/index.js';
import type { Descriptor } from '../../../src/deployer/descriptor/index.js';
import { DeployerError } from '../../../src/deployer/service/types.js';
import { descriptor, SECRET, startApi, text } from './helpers.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('registry pushes', () => {
  it('takes {repository, tag} or a registry notification envelope; refuses other shapes', () => {
    expect(parsePushes({ repository: 'scalerd/test-app', tag: '7' })).toEqual([{ repository: 'scalerd/test-app', tag: '7' }]);
    expect(parsePushes({
      events: [
        { action: 'push', target: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', repository: 'scalerd/test-app', tag: '7', digest: DIGEST } },
        { action: 'push', target: { repository: 'scalerd/test-app', digest: 'sha256:cd' } },
        { action: 'pull', target: { repository: 'scalerd/test-app', tag: '6' } },
      ],
    })).toEqual([{ repository: 'scalerd/test-app', tag: '7', digest: DIGEST }]);
    expect(parsePushes({ repository: 'scalerd/test-app', tag: '7', digest: DIGEST })).toEqual([{ repository: 'scalerd/test-app', tag: '7', digest: DIGEST }]);
    for (const body of [[], 'x', { repository: 'Scalerd/App', tag: '1' }, { repository: 'a/b', tag: '-bad' }, { repository: 'a/b' }, { events: {} }, { events: [{ action: 'push' }] }, { repository: 'a/b', tag: '1', digest: 'sha256:short' }]) {
      expect(() => parsePushes(body)).toThrow(expect.objectContaining({ status: 400, code: 'SCALERD_ERR_API_REQUEST' }));
    }
  });

  it('a repository matches its images on any registry, with any tag or digest', () => {
    expect(imageRepository('scalerd/test-app:6')).toBe('scalerd/test-app');
    expect(imageRepository('registry.example.com:5000/scalerd/test-app@sha256:abc')).toBe('scalerd/test-app');
    expect(imageRepository('localhost/scalerd/test-app')).toBe('scalerd/test-app');
    expect(imageRepository('nginx:1.27')).toBe('library/nginx');
    expect(imageRepository('team/nginx:1.27')).toBe('team/nginx');
  });

  it('retags the (init) containers of the pushed repository and asks for version "auto"', () => {
    const d = {
      ...descriptor(), version: 4,
      podSpec: {
        initContainers: [{ name: 'migrate', image: 'registry:5000/scalerd/test-app:6' }],
        containers: [{ name: 'app', image: 'registry:5000/scalerd/test-app:6' }, { name: 'proxy', image: 'envoyproxy/envoy:v1.31' }],
      },
    } as unknown as Descriptor;
    const next = retag(d, [{ repository: 'scalerd/test-app', tag: '7' }])!;
    expect(next.version).toBe('auto');
    expect(next.podSpec.containers.map((c) => c.image)).toEqual(['registry:5000/scalerd/test-app:7', 'envoyproxy/envoy:v1.31']);
    expect(next.podSpec.initContainers!.map((c) => c.image)).toEqual(['registry:5000/scalerd/test-app:7']);
    expect(retag(d, [{ repository: 'other/app', tag: '7' }])).toBeUndefined();
    // With a digest the image is pinned to it.
    expect(retag(d, [{ repository: 'scalerd/test-app', tag: '7', digest: DIGEST }])!.podSpec.containers[0]!.image).toBe(`registry:5000/scalerd/test-app:7@${DIGEST}`);
  });

  it('tells whether a deployed descriptor runs a push already: tag, and digest when given', () => {
    const at = (image: string) => ({ ...descriptor(), podSpec: { containers: [{ name: 'app', image }, { name: 'proxy', image: 'envoyproxy/envoy:v1.31' }] } });
    const push = { repository: 'scalerd/test-app', tag: '7' };
    expect(runsPushes(at('registry:5000/scalerd/test-app:7'), [push])).toBe(true);
    expect(runsPushes(at('registry:5000/scalerd/test-app:6'), [push])).toBe(false);
    expect(runsPushes(at(`scalerd/test-app:7@${DIGEST}`), [{ ...push, digest: DIGEST }])).toBe(true);
    // The same tag pushed again with another digest is another image.
    expect(runsPushes(at(`scalerd/test-app:7@${DIGEST}`), [{ ...push, digest: DIGEST.replace(/a/g, 'b') }])).toBe(false);
    expect(runsPushes(at('scalerd/test-app:7'), [{ ...push, digest: DIGEST }])).toBe(false);
    expect(runsPushes(at('other/app:7'), [push])).toBe(false);
    expect(runsPushes(undefined, [push])).toBe(false);
  });
});

describe('POST /webhooks/registry', () => {
  const hook = (api: Awaited<ReturnType<typeof startApi>>, body: unknown) =>
    api.call('POST', '/webhooks/registry', { body: JSON.stringify(body), token: null, headers: { 'x-scalerd-webhook-secret': SECRET } });

  it('deploys every stored descriptor using the repository with the new tag, as version "auto"', async () => {
    const api = await startApi();
    for (const [namespace, appName, image] of [['default', 'hello', 'scalerd/test-app:6'], ['shop', 'web', 'registry.local:5000/scalerd/test-app:6'], ['shop', 'db', 'postgres:16']]) {
      expect((await api.call('POST', '/descriptors', { body: text(descriptor({ namespace, appName, version: 6, podSpec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }] }] } })) })).status).toBe(201);
    }
    const pushed = await hook(api, { repository: 'scalerd/test-app', tag: '7' });
    expect(pushed.status).toBe(202);
    expect(pushed.body.started.map((r: { namespace: string; app: string }) => `${r.namespace}/${r.app}`)).toEqual(['default/hello', 'shop/web']);
    expect(pushed.body.failed).toEqual([]);
    expect(api.deployer.calls.filter((c) => c.startsWith('deploy'))).toEqual([
      'deploy default/hello auto scalerd/test-app:7',
      'deploy shop/web auto registry.local:5000/scalerd/test-app:7',
    ]);
  });

  it('200 when no stored descriptor uses it; 400 for a body of another shape or not JSON', async () => {
    const api = await startApi();
    expect(await hook(api, { repository: 'nobody/uses-this', tag: '1' })).toMatchObject({ status: 200, body: { started: [], existing: [], message: expect.stringContaining('nobody/uses-this:1') } });
    expect((await hook(api, { repo: 'x' })).status).toBe(400);
    const bad = await api.call('POST', '/webhooks/registry', { body: '{"repository": "a/b",}', token: null, headers: { 'x-scalerd-webhook-secret': SECRET } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'SCALERD_ERR_API_JSON', message: expect.stringMatching(/^request body:1:\d+: /) } } });
  });

  it('some refused: 202 with them listed; all refused: the refusal status, so the registry tries again', async () => {
    const api = await startApi();
    await api.call('POST', '/descriptors', { body: text(descriptor()) });
    const running = (await api.call('POST', '/deployments', { body: text(descriptor()) })).body;
    const busy = await hook(api, { repository: 'scalerd/test-app', tag: '7' });
    expect(busy.status).toBe(409);
    expect(busy.body.error.details.failed).toEqual([{ namespace: 'default', app: 'hello', error: { code: 'SCALERD_ERR_API_CONFLICT', message: expect.any(String), details: { running: running.id } } }]);

    api.deployer.finish(running.id, 'SUCCESS');
    await api.call('POST', '/descriptors', { body: text(descriptor({ namespace: 'shop' })) });
    api.deployer.refuse = new DeployerError('precondition', 'etcd cannot be reached');
    const partly = await hook(api, { repository: 'scalerd/test-app', tag: '8' });
    expect(partly.status).toBe(202);
    expect(partly.body.failed).toEqual([{ namespace: 'default', app: 'hello', error: { code: 'SCALERD_ERR_API_PRECONDITION', message: 'etcd cannot be reached' } }]);
    expect(partly.body.started).toEqual([expect.objectContaining({ namespace: 'shop', app: 'hello', status: 'RUNNING' })]);
  });
});
