// The console's HTTP side without a browser: who may read and who may change (the token in
// the Authorization header, anonymous reading only when asked for, changes only as JSON and
// from the console's own origin), the page's security headers, the live events, and the
// overrides written through the store. The daemon's state is a fixed document here.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsoleAccess } from '../../src/console/access.js';
import { loadConsoleAssets } from '../../src/console/assets.js';
import { createDaemonConsole } from '../../src/console/daemon-console.js';
import { parseEntries, createOverrideStore, type OverrideSet } from '../../src/overrides/index.js';
import type { ConfigMaps, StoredConfigMap } from '../../src/ports/config-maps.js';
import { SseParser } from '../../src/http/sse.js';
import { scheduleOf, utc } from '../helpers.js';
import { readFileSync } from 'node:fs';
import { allowed, type DeployerTarget } from '../../src/console/deployer-proxy.js';
import { createDeployerApi } from '../../src/deployer/api/index.js';
import { FakeDeployer } from '../deployer/api/fake-deployer.js';
import { checkDescriptorText } from '../../src/deployer/descriptor/index.js';

const TOKEN = 'console-access-test-token';
const NOW = utc('2026-03-04T11:00Z');
const example = scheduleOf(JSON.parse(readFileSync('schedules/example.json', 'utf8')) as Record<string, unknown>, NOW);
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => { s.closeAllConnections(); s.close(resolve); })));
});

/** One ConfigMap in memory, its watch answering every write. */
function memoryConfigMaps(): ConfigMaps {
  let stored: StoredConfigMap | undefined;
  let version = 0;
  const watchers = new Set<(c: StoredConfigMap | undefined) => void>();
  const put = (content: Omit<StoredConfigMap, 'resourceVersion'>) => {
    stored = { ...content, resourceVersion: String(++version) };
    for (const w of watchers) w(stored);
    return stored;
  };
  return {
    get: async () => stored,
    create: async (_ns, _name, content) => (stored ? 'conflict' : put(content)),
    update: async (_ns, _name, content) => (!stored || stored.resourceVersion !== content.resourceVersion ? 'conflict' : put(content)),
    watch: async (_ns, _name, onChange, { signal }) => {
      watchers.add(onChange);
      onChange(stored);
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      watchers.delete(onChange);
    },
  };
}

async function start(access: ConsoleAccess, status: () => Record<string, unknown> = () => ({ role: 'leader' }), deployer?: DeployerTarget) {
  const dir = await mkdtemp(join(tmpdir(), 'scalerd-console-assets-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(join(dir, 'app.js'), 'export {};');
  const configMaps = memoryConfigMaps();
  const store = createOverrideStore({ configMaps, clock: { now: () => NOW }, sleep: async () => {} });
  let set: OverrideSet = { overrides: [], problems: [] };
  const stop = new AbortController();
  void store.watch((s) => { set = s; }, { signal: stop.signal });
  const handler = createDaemonConsole({
    access, assets: await loadConsoleAssets(`${dir}/`), status, schedule: () => example, scheduleFile: 'schedules/example.json',
    overrides: () => set, overrideStore: store, clock: { now: () => NOW }, log: pino({ level: 'silent' }), ...(deployer ? { deployer } : {}),
  });
  const server = createServer((req, res) => {
    void handler(req, res, (req.url ?? '/').split('?')[0]!).then((handled) => { if (!handled) { res.writeHead(404); res.end(); } });
  });
  server.on('close', () => { stop.abort(); handler.close(); });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const call = async (method: string, path: string, init: { token?: string | null; body?: string; headers?: Record<string, string> } = {}) => {
    const token = init.token === undefined ? TOKEN : init.token;
    const response = await fetch(`${url}${path}`, {
      method, body: init.body,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as any };
  };
  return { url, call, store, configMaps, set: () => set };
}

const overrideBody = JSON.stringify({ capacity: { workers: 14 }, for: '1h', reason: 'test' });

describe('the console over HTTP', () => {
  it('serves its page with a strict Content-Security-Policy and no inline script allowed', async () => {
    const { call } = await start({ token: TOKEN, anonymousRead: false });
    const page = await call('GET', '/', { token: null });
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const js = await call('GET', '/assets/app.js', { token: null });
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    // Not built: the console says so instead of a blank page.
    const css = await call('GET', '/assets/app.css', { token: null });
    expect(css.status).toBe(503);
    expect(css.text).toMatch(/not built .* run npm run build/);
  });

  it('reads need the token by default: 401 without it or with a wrong one, 200 with it', async () => {
    const { call } = await start({ token: TOKEN, anonymousRead: false });
    for (const path of ['/api/v1/overview', '/api/v1/timeline', '/api/v1/overrides', '/api/v1/history', '/api/v1/events']) {
      const none = await call('GET', path, { token: null });
      expect(none.status, path).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="scalerd-console"');
      expect((await call('GET', path, { token: 'wrong-token-wrong-token' })).status, path).toBe(401);
    }
    expect((await call('GET', '/api/v1/overview')).json()).toMatchObject({ status: { role: 'leader' }, schedule: { timezone: 'Europe/Amsterdam' }, writable: true, clock: { now: '2026-03-04T11:00:00.000Z', speed: 1 } });
  });

  it('with anonymous reading, reads need no token but changes still do', async () => {
    const { call, configMaps } = await start({ token: TOKEN, anonymousRead: true });
    expect((await call('GET', '/api/v1/overview', { token: null })).status).toBe(200);
    const refused = await call('POST', '/api/v1/overrides', { token: null, body: overrideBody });
    expect(refused.status).toBe(401);
    expect(refused.json().error.message).toBe('this route needs an Authorization: Bearer <token> header');
    expect(await configMaps.get('scalerd', 'scalerd-overrides')).toBeUndefined();
  });

  it('without a configured token it takes no change (403) and, unless anonymous, shows nothing', async () => {
    const { call } = await start({ token: undefined, anonymousRead: true });
    expect((await call('GET', '/api/v1/overview', { token: null })).json().writable).toBe(false);
    expect((await call('POST', '/api/v1/overrides', { body: overrideBody })).json().error.code).toBe('SCALERD_ERR_CONSOLE_READ_ONLY');
    const locked = await start({ token: undefined, anonymousRead: false });
    expect((await locked.call('GET', '/api/v1/overview', { token: null })).json().error.message).toMatch(/start the daemon with --token-file/);
  });

  it('a change from another origin, or not sent as JSON, is refused before anything is written', async () => {
    const { call, configMaps } = await start({ token: TOKEN, anonymousRead: false });
    const cross = await call('POST', '/api/v1/overrides', { body: overrideBody, headers: { origin: 'https://evil.example' } });
    expect(cross.status).toBe(403);
    expect(cross.json().error.code).toBe('SCALERD_ERR_CONSOLE_ORIGIN');
    const form = await call('POST', '/api/v1/overrides', { body: overrideBody, headers: { 'content-type': 'text/plain' } });
    expect(form.status).toBe(415);
    expect(await configMaps.get('scalerd', 'scalerd-overrides')).toBeUndefined();
  });

  it('stores an override in the ConfigMap the CLI reads, lists it, previews one, and clears it', async () => {
    const { call, configMaps, set } = await start({ token: TOKEN, anonymousRead: false });
    const stored = await call('POST', '/api/v1/overrides', { body: overrideBody });
    expect(stored.status).toBe(201);
    const { id } = stored.json() as { id: string };
    expect(stored.headers.get('location')).toBe(`/api/v1/overrides/${id}`);
    expect(parseEntries((await configMaps.get('scalerd', 'scalerd-overrides'))!.data).overrides).toEqual([expect.objectContaining({ id, capacity: { workers: 14 }, by: 'console', reason: 'test' })]);
    expect(set().overrides.map((o) => o.id)).toEqual([id]);
    expect((await call('GET', '/api/v1/overrides')).json().overrides).toEqual([expect.objectContaining({ id, state: 'active', from: '2026-03-04T11:00:00.000Z' })]);
    const preview = await call('POST', '/api/v1/timeline/preview?days=1', { body: JSON.stringify({ capacity: { workers: 20 }, for: '2h', reason: 'what if' }) });
    expect(preview.json().points[0].state.capacity.workers).toBe(20);
    expect(preview.json().marks.overrides.map((o: { draft: boolean }) => o.draft)).toEqual([false, true]);
    const invalid = await call('POST', '/api/v1/overrides', { body: JSON.stringify({ capacity: { workers: 99 }, for: '1h', reason: 'x' }) });
    expect(invalid.status).toBe(422);
    expect(invalid.json().error).toMatchObject({ code: 'SCALERD_ERR_OVERRIDE_INVALID', message: expect.stringMatching(/^capacity workers=99 is outside the limits/) });
    expect((await call('DELETE', `/api/v1/overrides/${id}`)).json()).toEqual({ cleared: [id], dropped: [] });
    expect((await call('DELETE', `/api/v1/overrides/${id}`)).status).toBe(404);
    expect(set().overrides).toEqual([]);
  });

  it('sends the overview at once on the live stream, then again when it changes', async () => {
    let role = 'standby';
    const { url } = await start({ token: TOKEN, anonymousRead: false }, () => ({ role }));
    const stop = new AbortController();
    const response = await fetch(`${url}/api/v1/events`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: stop.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const parser = new SseParser();
    const next = async () => {
      for (;;) {
        const { value } = await reader.read();
        const [event] = parser.push(value ?? '');
        if (event) return { event: event.event, data: JSON.parse(event.data) as { status: { role: string } } };
      }
    };
    expect(await next()).toMatchObject({ event: 'overview', data: { status: { role: 'standby' } } });
    role = 'leader';
    expect(await next()).toMatchObject({ event: 'overview', data: { status: { role: 'leader' } } });
    stop.abort();
  });

  it('passes the Deployments page\'s calls on to the deployer with the deployer\'s token, after checking the console\'s', async () => {
    const fake = new FakeDeployer();
    const checked = checkDescriptorText(JSON.stringify({ namespace: 'default', appName: 'hello', version: 'auto', frontends: ['hello.example.com'], podSpec: { containers: [{ name: 'app', image: 'scalerd/test-app:1', ports: [{ containerPort: 8080 }] }] } }), 'inline');
    if (!checked.ok) throw new Error('descriptor');
    fake.finish((await fake.deploy(checked.descriptor)).id, 'SUCCESS');
    const deployerToken = 'the-deployer-token-not-the-console-one';
    const deployer = await createDeployerApi({ deployer: fake, token: deployerToken, log: pino({ level: 'silent' }) }).listen('127.0.0.1', 0);
    try {
      const { call } = await start({ token: TOKEN, anonymousRead: false }, undefined, { url: deployer.url, token: deployerToken });
      expect((await call('GET', '/api/v1/console', { token: null })).json()).toEqual({ daemon: true, deployer: '/deployer' });
      expect((await call('GET', '/deployer/apps')).json()).toEqual([expect.objectContaining({ namespace: 'default', app: 'hello', frontends: [{ host: 'hello.example.com', version: 1 }] })]);
      expect((await call('GET', '/deployer/apps', { token: null })).status).toBe(401);
      // The deployer's own token is no key to the console.
      expect((await call('GET', '/deployer/apps', { token: deployerToken })).status).toBe(401);
      // Only what the page needs passes: not the descriptors, not a deploy, not a path that resolves elsewhere.
      expect((await call('GET', '/deployer/descriptors')).status).toBe(404);
      for (const path of ['/deployments/../descriptors', '/deployments/%2e%2e/descriptors', '/deployments/default/hello%2F..%2F..', '/apps/./x/rollback']) {
        expect({ path, allowed: allowed('GET', path) ?? allowed('POST', path) }).toEqual({ path, allowed: undefined });
      }
      expect(allowed('GET', '/deployments/default/hello/d-1/logs/stream')).toEqual({ change: false });
      expect(allowed('POST', '/apps/default/hello/rollback')).toEqual({ change: true });
      expect(allowed('GET', '/apps/default/hello/rollback')).toBeUndefined();
      expect((await call('POST', '/deployer/deployments', { body: '{}' })).status).toBe(404);
      const rollback = await call('POST', '/deployer/apps/default/hello/rollback', { headers: { origin: 'https://evil.example' } });
      expect(rollback.json().error.code).toBe('SCALERD_ERR_CONSOLE_ORIGIN');
      expect(fake.calls.filter((c) => c.startsWith('rollback'))).toEqual([]);
      const undeploy = await call('POST', '/deployer/apps/default/hello/undeploy', { headers: { 'content-type': 'application/json' } });
      expect(undeploy.status).toBe(200);
      expect(fake.calls.at(-1)).toBe('undeploy default/hello');
    } finally {
      await deployer.close();
    }
  });
});
