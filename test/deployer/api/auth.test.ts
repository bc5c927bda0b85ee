// Who may call the API: /healthz anyone; every other route the bearer token, compared in
// constant time (a wrong token of the same length and one of another length both go through
// timingSafeEqual on equal-length buffers); the registry webhook its own secret, which the
// token does not replace.

import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createDeployerApi } from '../../../src/deployer/api/index.js';
import { createLogger } from '../../../src/daemon/log.js';
import { FakeDeployer } from './fake-deployer.js';
import { SECRET, TOKEN, startApi } from './helpers.js';

vi.mock('node:crypto', async (original) => {
  const actual = await original<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

describe('the bearer token', () => {
  it('/healthz needs none', async () => {
    const api = await startApi();
    expect(await api.call('GET', '/healthz', { token: null })).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('a missing or wrong token is a 401 with WWW-Authenticate, on every other route, known or not', async () => {
    const api = await startApi();
    for (const path of ['/deployments', '/descriptors/default/hello', '/no/such/route']) {
      const missing = await api.call('GET', path, { token: null });
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="scalerd-deployer"');
      expect(missing.body.error.code).toBe('SCALERD_ERR_API_UNAUTHORIZED');
    }
    const wrong = await api.call('GET', '/deployments', { token: TOKEN.replace(/.$/, 'X') });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="scalerd-deployer", error="invalid_token"');
    expect((await api.call('GET', '/deployments', { headers: { authorization: `Basic ${TOKEN}` }, token: null })).status).toBe(401);
    expect((await api.call('GET', '/deployments')).status).toBe(200);
  });

  it('compares in constant time: same length and other lengths both through timingSafeEqual on equal-length buffers', async () => {
    // Test files share their workers (vitest.config.ts): the API may have been loaded with
    // the real node:crypto by an earlier file; this loads it again, with the mock above.
    vi.resetModules();
    const { startApi } = await import('./helpers.js');
    const { sameSecret } = await import('../../../src/deployer/api/index.js');
    const api = await startApi();
    const compare = vi.mocked(crypto.timingSafeEqual);
    for (const token of [TOKEN.replace(/^./, 'X'), `${TOKEN}-longer`, 'short-but-16-chars!', 'x']) {
      compare.mockClear();
      expect((await api.call('GET', '/deployments', { token })).status).toBe(401);
      expect(compare).toHaveBeenCalledTimes(1);
      const [a, b] = compare.mock.calls[0]! as [Buffer, Buffer];
      expect(a.length).toBe(b.length);
    }
    expect([sameSecret(TOKEN, TOKEN), sameSecret(`${TOKEN}x`, TOKEN), sameSecret(TOKEN.slice(1), TOKEN), sameSecret('', TOKEN)]).toEqual([true, false, false, false]);
  });

  it('never echoes the token into a reply or the log', async () => {
    const api = await startApi();
    api.deployer.refuse = new Error(`boom with ${TOKEN}`);
    const failed = await api.call('POST', '/apps/default/hello/undeploy');
    expect(failed.status).toBe(500);
    expect(JSON.stringify(failed.body)).not.toContain(TOKEN);
    expect(failed.body.error).toEqual({ code: 'SCALERD_ERR_API_INTERNAL', message: 'the deployer failed unexpectedly; its log says why' });
    expect(api.logLines.some((l) => l.event === 'api-error')).toBe(true);
    expect(JSON.stringify(api.logLines.map(({ err: _err, ...rest }) => rest))).not.toContain(TOKEN);
  });

  it('a short token or webhook secret is refused at start-up', () => {
    const base = { deployer: new FakeDeployer(), log: createLogger({ destination: process.stderr }) };
    expect(() => createDeployerApi({ ...base, token: 'short' })).toThrow(/at least 16 characters/);
    expect(() => createDeployerApi({ ...base, token: TOKEN, webhookSecret: '   ' })).toThrow(expect.objectContaining({ code: 'SCALERD_ERR_API_TOKEN' }));
  });
});

describe('the registry webhook secret', () => {
  const push = JSON.stringify({ repository: 'scalerd/test-app', tag: '7' });

  it('is its own: the token does not open the webhook, the secret opens nothing else', async () => {
    const api = await startApi();
    const withToken = await api.call('POST', '/webhooks/registry', { body: push });
    expect(withToken.status).toBe(401);
    expect(withToken.body.error.code).toBe('SCALERD_ERR_API_WEBHOOK_SECRET');
    const wrong = await api.call('POST', '/webhooks/registry', { body: push, token: null, headers: { 'x-scalerd-webhook-secret': `${SECRET}!` } });
    expect(wrong.status).toBe(401);
    const right = await api.call('POST', '/webhooks/registry', { body: push, token: null, headers: { 'x-scalerd-webhook-secret': SECRET } });
    expect(right.status).toBe(200);
    expect((await api.call('GET', '/deployments', { token: SECRET })).status).toBe(401);
  });

  it('without a configured secret the webhook is off', async () => {
    const api = await startApi({ webhookSecret: undefined });
    const off = await api.call('POST', '/webhooks/registry', { body: push, token: null, headers: { 'x-scalerd-webhook-secret': SECRET } });
    expect(off.status).toBe(404);
    expect(off.body.error.message).toMatch(/webhook is off/);
  });
});
