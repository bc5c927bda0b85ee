// A frontend switch goes through haproxy's Runtime API (set map), never a reload: under
// constant load no request fails, and every request sent after lb-sync's acknowledgement
// is answered by the new version. Rapid flips end in the last one.

import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet, waitFor, type BackendServers } from '../infra.js';
import { describeLoad, startLoad } from '../load.js';
import { awaitFrontend, putFrontend, registerUp, startWorld, switchTo, type LbWorld, type RunningSync } from './helpers.js';

const HOST = 'shop.example';

describe('lb-sync: frontend switches', () => {
  let world: LbWorld;
  let lb: RunningSync;
  let v1: BackendServers;
  let v2: BackendServers;

  beforeAll(async () => {
    world = await startWorld();
    lb = world.startSync();
    [v1, v2] = await Promise.all([world.startApp(2, 'v1'), world.startApp(2, 'v2')]);
    await Promise.all([registerUp(world.client, 'shop.web.1', v1), registerUp(world.client, 'shop.web.2', v2)]);
    await switchTo(world.client, HOST, 'shop.web.1');
  }, 30_000);

  afterAll(() => world?.stop());

  it('switches v1 → v2 under load with no failed request and no reload; after the ack only v2 answers', async () => {
    const workerBefore = await world.haproxy.workerPid();
    const reloadsBefore = lb.events('reloaded').length;
    const load = startLoad({ url: world.haproxy.url, host: HOST, ratePerS: 500, maxDurationMs: 15_000 });
    await waitFor('load to start', () => (load.count() > 300 ? true : undefined));

    const putAt = Date.now();
    const revision = await putFrontend(world.client, HOST, 'shop.web.2');
    const { value: ack, seenAt: ackAt } = await awaitFrontend(world.client, HOST, revision);
    const sentAfterAck = () => load.samples().filter((s) => s.sentAt > ackAt).length;
    await waitFor('load after the ack', () => (sentAfterAck() > 500 ? true : undefined));
    const result = await load.stop();

    expect(ack).toMatchObject({ backend: 'shop.web.2', revision });
    expect(result.failed, JSON.stringify(result.failures)).toBe(0);
    const afterAck = result.samples.filter((s) => s.sentAt > ackAt);
    expect(afterAck.length).toBeGreaterThan(500);
    expect(afterAck.filter((s) => s.version !== 'v2')).toEqual([]);
    const firstV2 = Math.min(...result.samples.filter((s) => s.version === 'v2').map((s) => s.doneAt));
    expect(await world.haproxy.workerPid()).toBe(workerBefore);
    expect(lb.events('reloaded').length).toBe(reloadsBefore);
    expect(await readFile(`${world.haproxy.dir}/hosts.map`, 'utf8')).toBe(`${HOST} be_shop.web.2\n`);
    expect(lb.events('frontend-switched').at(-1)).toMatchObject({ host: HOST, from: 'be_shop.web.1', to: 'be_shop.web.2', revision });
    console.log(`switch under load: ${describeLoad(result)}; put → ack ${ackAt - putAt} ms, put → first v2 answer ${firstV2 - putAt} ms; ${afterAck.length} requests after the ack, all v2`);
  }, 30_000);

  it('a burst of 20 rapid flips ends in the last one, on haproxy, on disk and in the status', async () => {
    const workerBefore = await world.haproxy.workerPid();
    let revision = 0;
    const started = Date.now();
    for (let i = 0; i < 20; i++) revision = await putFrontend(world.client, HOST, i % 2 === 0 ? 'shop.web.1' : 'shop.web.2');
    // The 20th flip (i = 19) points at v2.
    const { value } = await awaitFrontend(world.client, HOST, revision);
    expect(value).toMatchObject({ backend: 'shop.web.2', revision });
    expect(await world.haproxy.admin(`show map ${world.haproxy.dir}/hosts.map`)).toMatch(new RegExp(`^0x[0-9a-f]+ ${HOST} be_shop.web.2\\n`));
    expect(await readFile(`${world.haproxy.dir}/hosts.map`, 'utf8')).toBe(`${HOST} be_shop.web.2\n`);
    expect(await world.haproxy.workerPid()).toBe(workerBefore);
    console.log(`20 flips: last acknowledged ${Date.now() - started} ms after the first put`);
  });

  it('a new host is added to the map and a removed one deleted, without a reload', async () => {
    const workerBefore = await world.haproxy.workerPid();
    const revision = await putFrontend(world.client, 'www.shop.example', 'shop.web.1');
    await awaitFrontend(world.client, 'www.shop.example', revision);
    expect(await readFile(`${world.haproxy.dir}/hosts.map`, 'utf8')).toBe(`${HOST} be_shop.web.2\nwww.shop.example be_shop.web.1\n`);
    await world.client.delete().key('/scalerd/lb/frontends/www.shop.example').exec();
    await waitFor('the status of the removed host to go', async () => ((await world.client.get('/scalerd/lb/status/frontends/www.shop.example').string()) === null ? true : undefined));
    expect(await world.haproxy.admin(`show map ${world.haproxy.dir}/hosts.map`)).not.toContain('www.shop.example');
    expect(await readFile(`${world.haproxy.dir}/hosts.map`, 'utf8')).toBe(`${HOST} be_shop.web.2\n`);
    expect(await world.haproxy.workerPid()).toBe(workerBefore);
  });

  it('a later reload (another backend added) keeps the switched map: haproxy reads hosts.map from disk', async () => {
    const reloadsBefore = lb.events('reloaded').length;
    const workerBefore = await world.haproxy.workerPid();
    await registerUp(world.client, 'shop.other.1', await world.startApp(1, 'other'));
    expect(lb.events('reloaded').length).toBe(reloadsBefore + 1);
    expect(await world.haproxy.workerPid()).not.toBe(workerBefore);
    expect((await httpGet(world.haproxy.url, HOST)).version).toBe('v2');
  });
});
