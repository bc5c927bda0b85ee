// What goes wrong around lb-sync: a config haproxy rejects, entries that are invalid,
// lb-sync restarted (while etcd changed, or after dying between rename and reload), and
// its etcd watch cancelled. haproxy keeps serving through all of them.

import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import {
  backendStatusKey, CONFIG_STATUS_KEY, createEtcdStore, desiredFrom, renderConfig,
  type BackendStatus, type ConfigStatus, type LbStore,
} from '../../../src/deployer/lb/index.js';
import { httpGet, refusingHaproxy, waitFor, type BackendServers } from '../infra.js';
import { startLoad } from '../load.js';
import { awaitBackendUp, awaitFrontend, awaitKey, putBackend, putFrontend, readJson, registerUp, startWorld, switchTo, type LbWorld, type RunningSync } from './helpers.js';

const HOST = 'shop.example';

describe('lb-sync: faults', () => {
  let world: LbWorld;
  let lb: RunningSync;
  let v1: BackendServers;
  let v2: BackendServers;

  beforeAll(async () => {
    world = await startWorld();
    // haproxy -c fails whenever a backend id holds "broken": a config error that lb-sync's
    // own checks cannot see, as an operator's or a renderer's bug would be.
    lb = world.startSync({ haproxyBin: await refusingHaproxy(world.haproxy.dir, 'broken') });
    [v1, v2] = await Promise.all([world.startApp(2, 'v1'), world.startApp(2, 'v2')]);
    await registerUp(world.client, 'shop.web.1', v1);
    await switchTo(world.client, HOST, 'shop.web.1');
  }, 30_000);

  afterAll(() => world?.stop());

  it('a config haproxy -c rejects is not loaded: no reload, the old config keeps serving, the error is in etcd', async () => {
    const workerBefore = await world.haproxy.workerPid();
    const configBefore = await readFile(world.haproxy.configFile, 'utf8');
    const reloadsBefore = lb.events('reloaded').length;
    const load = startLoad({ url: world.haproxy.url, host: HOST, ratePerS: 300, maxDurationMs: 10_000 });

    await putBackend(world.client, 'shop.broken.1', v2.entries());
    const { value } = await awaitKey<ConfigStatus>(world.client, CONFIG_STATUS_KEY, (s) => !s.ok);
    expect(value.error).toMatch(/this-is-not-a-keyword/);
    const backend = await awaitKey<BackendStatus>(world.client, backendStatusKey('shop.broken.1'), (s) => s.error !== undefined);
    expect(backend.value.revision).toBeUndefined();
    expect(backend.value.error).toMatch(/not loaded in haproxy/);

    const countAtError = load.count();
    await waitFor('load after the rejection', () => (load.count() > countAtError + 200 ? true : undefined));
    const result = await load.stop();
    expect(result.failed, JSON.stringify(result.failures)).toBe(0);
    expect(result.byVersion).toEqual({ v1: result.total });
    expect(await world.haproxy.workerPid()).toBe(workerBefore);
    expect(await readFile(world.haproxy.configFile, 'utf8')).toBe(configBefore);
    expect(lb.events('reloaded').length).toBe(reloadsBefore);
    expect(lb.events('config-rejected').at(-1)).toMatchObject({ code: 'SCALERD_ERR_LB_CONFIG_CHECK' });

    // A frontend switched to the backend that is not loaded answers 503, and says why.
    const revision = await putFrontend(world.client, 'broken.example', 'shop.broken.1');
    const frontend = await awaitFrontend(world.client, 'broken.example', revision);
    expect(frontend.value.error).toMatch(/not loaded/);
    expect((await httpGet(world.haproxy.url, 'broken.example')).status).toBe(503);

    // Fixed (the broken backend removed): the config loads again.
    await world.client.delete().key('/scalerd/lb/frontends/broken.example').exec();
    await world.client.delete().key('/scalerd/lb/backends/shop.broken.1').exec();
    await awaitKey<ConfigStatus>(world.client, CONFIG_STATUS_KEY, (s) => s.ok);
    await waitFor('the broken backend status to go', async () => ((await readJson(world.client, backendStatusKey('shop.broken.1'))) === undefined ? true : undefined));
  });

  it('an invalid entry is left out and reported, with no effect on the others', async () => {
    const reloadsBefore = lb.events('reloaded').length;
    await world.client.put('/scalerd/lb/backends/shop.bad.1').value(JSON.stringify({ servers: [{ name: 'p', address: '127.0.0.1', port: 80 }], health: { path: '/h"ealth\n  server evil 10.0.0.1:80' } })).exec();
    await world.client.put('/scalerd/lb/backends/Shop_Bad').value('{}').exec();
    await world.client.put('/scalerd/lb/frontends/bad.example').value('not json').exec();
    const { value } = await awaitKey<BackendStatus>(world.client, backendStatusKey('shop.bad.1'), (s) => s.error !== undefined);
    expect(value.error).toMatch(/health\.path/);
    await waitFor('the warnings', () => (lb.events('entry-invalid').length >= 3 ? true : undefined));
    expect(lb.events('entry-invalid').map((l) => l.key)).toEqual(expect.arrayContaining(['/scalerd/lb/backends/shop.bad.1', '/scalerd/lb/backends/Shop_Bad', '/scalerd/lb/frontends/bad.example']));
    expect(await readFile(world.haproxy.configFile, 'utf8')).not.toMatch(/evil|shop\.bad/);
    expect(lb.events('reloaded').length).toBe(reloadsBefore);
    expect((await httpGet(world.haproxy.url, HOST)).version).toBe('v1');
    await world.client.delete().prefix('/scalerd/lb/backends/shop.bad.1').exec();
    await world.client.delete().key('/scalerd/lb/backends/Shop_Bad').exec();
    await world.client.delete().key('/scalerd/lb/frontends/bad.example').exec();
  });

  it('lb-sync restarted converges from etcd: a switch and a backend written while it was down', async () => {
    await lb.stop();
    await putBackend(world.client, 'shop.web.2', v2.entries());
    const revision = await putFrontend(world.client, HOST, 'shop.web.2');
    // Not served while lb-sync is down.
    expect((await httpGet(world.haproxy.url, HOST)).version).toBe('v1');

    lb = world.startSync();
    const { value } = await awaitFrontend(world.client, HOST, revision);
    expect(value).toMatchObject({ backend: 'shop.web.2', revision });
    expect(value.error).toBeUndefined();
    expect((await httpGet(world.haproxy.url, HOST)).version).toBe('v2');
    await awaitBackendUp(world.client, 'shop.web.2', v2.servers.map((s) => s.name));
  });

  it('lb-sync that died between the rename and the reload: the next one notices haproxy does not run the file, and reloads', async () => {
    await lb.stop();
    const v3 = await world.startApp(1, 'v3');
    const store = createEtcdStore({ connection: { hosts: [world.etcd.url] }, clock: systemClock });
    await putBackend(world.client, 'shop.web.3', v3.entries());
    // What the dead lb-sync left: the new file in place, haproxy still on the old one.
    const rendered = renderConfig(desiredFrom(await store.snapshot()).backends.values(), {
      adminSocket: world.haproxy.adminSocket, mapFile: `${world.haproxy.dir}/hosts.map`, stateFile: `${world.haproxy.dir}/server-state`,
      bind: { host: world.haproxy.host, port: world.haproxy.port },
    });
    await writeFile(world.haproxy.configFile, rendered);
    const workerBefore = await world.haproxy.workerPid();

    lb = world.startSync({ store });
    await awaitBackendUp(world.client, 'shop.web.3', v3.servers.map((s) => s.name));
    expect(lb.events('config-drift').length).toBe(1);
    expect(await world.haproxy.workerPid()).not.toBe(workerBefore);
  });

  it('a watch cancelled by etcd (as after a compaction) is replaced: lb-sync reads everything and watches again', async () => {
    await lb.stop();
    const real = createEtcdStore({ connection: { hosts: [world.etcd.url] }, clock: systemClock });
    const watches: number[] = [];
    let breakWatch: ((error: Error) => void) | undefined;
    const store: LbStore = {
      snapshot: () => real.snapshot(),
      put: (key, value) => real.put(key, value),
      delete: (key) => real.delete(key),
      close: () => real.close(),
      watch(fromRevision, handlers) {
        watches.push(fromRevision);
        breakWatch = handlers.onBroken;
        return real.watch(fromRevision, handlers);
      },
    };
    lb = world.startSync({ store, resyncMs: 60_000 });
    await waitFor('the first watch', () => (watches.length === 1 ? true : undefined));
    breakWatch!(new Error('Watcher canceled: mvcc: required revision has been compacted'));
    // A switch made once the watch is gone is applied all the same.
    const revision = await putFrontend(world.client, HOST, 'shop.web.1');
    const { value } = await awaitFrontend(world.client, HOST, revision);
    expect(value.backend).toBe('shop.web.1');
    expect(watches.length).toBe(2);
    expect(watches[1]).toBeGreaterThanOrEqual(watches[0]!);
    expect(lb.events('etcd-watch-broken').length).toBe(1);
  });

  it('etcd restarted under lb-sync: the watch reconnects, everything is read again, a switch made after it is applied', async () => {
    await lb.stop();
    lb = world.startSync();
    await switchTo(world.client, HOST, 'shop.web.2');
    await world.restartEtcd();
    await waitFor('the watch to notice', () => (lb.events('etcd-watch-disconnected').length > 0 ? true : undefined));
    const startedAt = Date.now();
    const revision = await putFrontend(world.client, HOST, 'shop.web.1');
    await awaitFrontend(world.client, HOST, revision, 20_000);
    expect(lb.events('etcd-watch-reconnected').length).toBeGreaterThan(0);
    expect((await httpGet(world.haproxy.url, HOST)).version).toBe('v1');
    console.log(`etcd restarted: switch acknowledged ${Date.now() - startedAt} ms after the put`);
  }, 30_000);
});
