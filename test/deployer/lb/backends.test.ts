// A backend written to etcd becomes a haproxy backend: rendered, checked, loaded by a
// seamless reload (no request refused or failed, keep-alive and new connections), its
// servers' states reported back in etcd.

import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_STATUS_KEY, type ConfigStatus } from '../../../src/deployer/lb/index.js';
import { httpGet, waitFor, type BackendServers } from '../infra.js';
import { describeLoad, startLoad } from '../load.js';
import { awaitBackendUp, awaitFrontend, awaitKey, putBackend, putFrontend, readJson, startWorld, type LbWorld, type RunningSync } from './helpers.js';

describe('lb-sync: backends', () => {
  let world: LbWorld;
  let lb: RunningSync;
  const apps: BackendServers[] = [];

  beforeAll(async () => {
    world = await startWorld();
    lb = world.startSync();
  }, 30_000);

  afterAll(() => world?.stop());

  it('renders, checks and reloads for a new backend; reports its servers UP with the key revision', async () => {
    const v1 = await world.startApp(2, 'v1');
    apps.push(v1);
    const revision = await putBackend(world.client, 'shop.web.1', v1.entries());
    const { value } = await awaitBackendUp(world.client, 'shop.web.1', ['app-v1-0', 'app-v1-1']);
    expect(value.revision).toBe(revision);

    const config = await readFile(world.haproxy.configFile, 'utf8');
    expect(config).toContain('backend be_shop.web.1\n  option httpchk GET /health\n  http-check expect status 200\n');
    expect(config).toContain(`  server app-v1-0 ${v1.servers[0]!.address}:${v1.servers[0]!.port} check inter 250 rise 2 fall 2\n`);
    expect(lb.events('reloaded').length).toBeGreaterThanOrEqual(1);
    expect((await readJson<ConfigStatus>(world.client, CONFIG_STATUS_KEY))?.ok).toBe(true);

    // Traffic reaches it once a frontend points at it.
    const frontend = await putFrontend(world.client, 'shop.example', 'shop.web.1');
    await awaitFrontend(world.client, 'shop.example', frontend);
    expect((await httpGet(world.haproxy.url, 'shop.example')).body).toBe('v1');
    expect((await httpGet(world.haproxy.url, 'Shop.Example:8000')).body).toBe('v1');
    expect((await httpGet(world.haproxy.url, 'nobody.example')).status).toBe(503);
  });

  it('reports a server DOWN when its health check fails, and UP again', async () => {
    const server = apps[0]!.servers[1]!;
    server.setHealthy(false);
    await awaitKey<{ servers: Record<string, string> }>(world.client, '/scalerd/lb/status/backends/shop.web.1', (s) => s.servers[server.name] === 'DOWN', 5000);
    server.setHealthy(true);
    await awaitBackendUp(world.client, 'shop.web.1', [server.name], 5000);
  });

  it('adds a backend under load by a seamless reload: no request refused or failed', async () => {
    const load = startLoad({ url: world.haproxy.url, host: 'shop.example', ratePerS: 500, maxDurationMs: 20_000 });
    await waitFor('load to start', () => (load.count() > 200 ? true : undefined));
    const workerBefore = await world.haproxy.workerPid();
    const reloadsBefore = lb.events('reloaded').length;
    const v2 = await world.startApp(3, 'v2');
    await putBackend(world.client, 'shop.web.2', v2.entries());
    await awaitBackendUp(world.client, 'shop.web.2', v2.servers.map((s) => s.name));
    // and a second reload while the load goes on: a backend's servers change.
    await putBackend(world.client, 'shop.web.2', v2.entries().slice(0, 2));
    await waitFor('the second reload', () => (lb.events('reloaded').length >= reloadsBefore + 2 ? true : undefined));
    const countAtReload = load.count();
    await waitFor('more load after the reloads', () => (load.count() > countAtReload + 500 ? true : undefined));
    const result = await load.stop();

    expect(await world.haproxy.workerPid()).not.toBe(workerBefore);
    expect(result.failed, JSON.stringify(result.failures)).toBe(0);
    expect(result.byVersion).toEqual({ v1: result.total });
    const reloads = lb.events('reloaded').slice(reloadsBefore);
    console.log(`reload under load: ${describeLoad(result)}; reload ms: ${reloads.map((r) => `${String(r.checkMs)}+${String(r.reloadMs)}`).join(', ')} (check+reload)`);
  }, 30_000);
});
