// The deployer's state in a real etcd (Debian's, on loopback): the per-app lock, records
// with bounded history, append-only logs, and the load balancer's intents and reports.

import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendStatusKey, frontendStatusKey } from '../../../src/deployer/lb/layout.js';
import { LockLostError } from '../../../src/deployer/engine/errors.js';
import { etcdLoadBalancer } from '../../../src/deployer/state/etcd-lb.js';
import { DeployerStore } from '../../../src/deployer/state/etcd-store.js';
import { type DeploymentRecord, newDeploymentId } from '../../../src/deployer/state/records.js';
import { startEtcd, type EtcdServer } from '../infra.js';

let server: EtcdServer;
let etcd: Etcd3;

beforeAll(async () => {
  server = await startEtcd();
  etcd = new Etcd3({ hosts: server.url });
}, 30_000);

const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

afterAll(async () => {
  etcd?.close();
  await server?.stop();
});

const record = (id: string, app = 'web'): DeploymentRecord => ({
  id, namespace: 'shop', app, version: 2, previousVersion: 1, frontends: ['shop.example.com'], phase: 'accepted', status: 'RUNNING',
  switched: false, createdAt: 0, updatedAt: 0, phases: [], descriptor: {},
});

describe('DeployerStore', () => {
  it('one deployment per app holds the lock; a second learns whose it is; release frees it', async () => {
    const store = new DeployerStore(etcd, { lockTtlSeconds: 5, historyLimit: 10 });
    const first = await store.acquire('shop', 'web', 'deploy-a');
    expect(first.ok).toBe(true);
    expect(await store.acquire('shop', 'web', 'deploy-b')).toEqual({ ok: false, holder: 'deploy-a' });
    expect(await store.lockHolder('shop', 'web')).toBe('deploy-a');
    // Another app is not blocked.
    const other = await store.acquire('shop', 'cart', 'deploy-c');
    expect(other.ok).toBe(true);
    if (first.ok) await first.lock.release();
    if (other.ok) await other.lock.release();
    expect(await store.lockHolder('shop', 'web')).toBeUndefined();
    const again = await store.acquire('shop', 'web', 'deploy-b');
    expect(again.ok).toBe(true);
    if (again.ok) await again.lock.release();
  });

  it('a lock whose holder died (its lease not kept alive) frees itself after the TTL', async () => {
    const lease = etcd.lease(1, { autoKeepAlive: false });
    await etcd.put('/scalerd/deployer/locks/shop/dead').value('crashed').lease(await lease.grant());
    const store = new DeployerStore(etcd, { lockTtlSeconds: 5, historyLimit: 10 });
    expect(await store.acquire('shop', 'dead', 'next')).toEqual({ ok: false, holder: 'crashed' });
    const deadline = Date.now() + 10_000;
    let result = await store.acquire('shop', 'dead', 'next');
    while (!result.ok && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      result = await store.acquire('shop', 'dead', 'next');
    }
    expect(result.ok).toBe(true);
    if (result.ok) await result.lock.release();
  });

  it('keeps its lock through an etcd outage longer than twice its TTL (etcd3\'s own keep-alive would give it up)', async () => {
    // TTL 6 s: after etcd's return the lease has its TTL again, and the client's circuit
    // breaker lets the next keep-alive through within 5 s.
    const store = new DeployerStore(etcd, { lockTtlSeconds: 6, historyLimit: 10 });
    const held = await store.acquire('shop', 'outage', 'deploy-o');
    if (!held.ok) throw new Error('not acquired');
    await server.kill();
    await new Promise((r) => setTimeout(r, 13_000));
    server = await server.start();
    // Outlives a TTL after the return: kept alive, not merely not yet expired.
    await new Promise((r) => setTimeout(r, 8_000));
    expect(held.lock.lost.aborted).toBe(false);
    await until('etcd to answer the client again', async () => (await store.lockHolder('shop', 'outage').catch(() => 'unanswered')) !== 'unanswered');
    expect(await store.lockHolder('shop', 'outage')).toBe('deploy-o');
    await held.lock.release();
    expect(await store.lockHolder('shop', 'outage')).toBeUndefined();
  }, 60_000);

  it('fences a holder that lost its lock: its record writes and switches are refused, the new holder\'s go through', async () => {
    const store = new DeployerStore(etcd, { lockTtlSeconds: 5, historyLimit: 10 });
    const stale = await store.acquire('shop', 'fenced', 'deploy-a');
    if (!stale.ok) throw new Error('not acquired');
    await store.save(record('deploy-a', 'fenced'), stale.lock.fence);
    // Its lease revoked behind its back (as it expires when a holder is partitioned from etcd).
    await etcd.leaseClient.leaseRevoke({ ID: stale.lock.fence.lease });
    await until('the holder to learn its lease is gone', () => stale.lock.lost.aborted);
    expect(stale.lock.lost.reason).toBeInstanceOf(LockLostError);
    const fresh = await store.acquire('shop', 'fenced', 'deploy-b');
    if (!fresh.ok) throw new Error('not acquired');
    await expect(store.save({ ...record('deploy-a', 'fenced'), phase: 'switching' }, stale.lock.fence)).rejects.toBeInstanceOf(LockLostError);
    await expect(store.log(record('deploy-a', 'fenced'), { at: 1, level: 'info', message: 'stale' }, stale.lock.fence)).rejects.toBeInstanceOf(LockLostError);
    expect((await store.get('shop', 'fenced', 'deploy-a'))?.phase).toBe('accepted');
    const balancer = etcdLoadBalancer(etcd, { now: Date.now, wait: (ms) => new Promise((r) => setTimeout(r, ms)) });
    await expect(balancer.switchFrontend('fenced.example.com', 'shop.fenced.2', 0, stale.lock.fence)).rejects.toBeInstanceOf(LockLostError);
    await expect(balancer.register('shop.fenced.2', [], '/health', stale.lock.fence)).rejects.toBeInstanceOf(LockLostError);
    expect(await balancer.frontend('fenced.example.com')).toEqual({ backend: undefined, revision: 0 });
    // The holder's own: a moved key is a moved key (undefined), not a lost lock.
    const revision = await balancer.switchFrontend('fenced.example.com', 'shop.fenced.2', 0, fresh.lock.fence);
    expect(revision).toBeGreaterThan(0);
    expect(await balancer.switchFrontend('fenced.example.com', 'shop.fenced.3', 0, fresh.lock.fence)).toBeUndefined();
    await store.save(record('deploy-b', 'fenced'), fresh.lock.fence);
    await fresh.lock.release();
  });

  it('keeps the newest records per app, and their logs line by line in order', async () => {
    const store = new DeployerStore(etcd, { lockTtlSeconds: 5, historyLimit: 3 });
    const ids = [1, 2, 3, 4, 5].map((i) => newDeploymentId(Date.UTC(2026, 10, 26, 6, 0, i), () => 0));
    for (const id of ids) {
      await store.create(record(id, 'hist'));
      await store.log(record(id, 'hist'), { at: 1, level: 'info', message: `${id} one` });
      await store.log(record(id, 'hist'), { at: 2, level: 'info', message: `${id} two` });
    }
    expect((await store.list('shop', 'hist')).map((r) => r.id)).toEqual(ids.slice(2));
    expect(await store.logs('shop', 'hist', ids[0]!)).toEqual([]);
    expect((await store.logs('shop', 'hist', ids[4]!)).map((l) => l.message)).toEqual([`${ids[4]} one`, `${ids[4]} two`]);
    // A restarted deployer (a new store) continues a log after its last line.
    await new DeployerStore(etcd, { lockTtlSeconds: 5, historyLimit: 3 }).log(record(ids[4]!, 'hist'), { at: 3, level: 'warn', message: 'resumed' });
    expect((await store.logs('shop', 'hist', ids[4]!)).map((l) => l.message)).toEqual([`${ids[4]} one`, `${ids[4]} two`, 'resumed']);
    // A follower reads from the line it has not seen yet.
    expect((await store.logs('shop', 'hist', ids[4]!, 2)).map((l) => l.message)).toEqual(['resumed']);
    expect(await store.logs('shop', 'hist', ids[4]!, 3)).toEqual([]);
    expect(ids[0]).toBe('20261126T060001000Z-0000');
  });
});

describe('etcdLoadBalancer', () => {
  const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const lb = () => etcdLoadBalancer(etcd, { now: Date.now, wait, pollMs: 20 });
  const signal = new AbortController().signal;

  it('switches a hostname only from the revision it read: a stale switch changes nothing', async () => {
    const balancer = lb();
    expect(await balancer.frontend('cas.example.com')).toEqual({ backend: undefined, revision: 0 });
    const first = await balancer.switchFrontend('cas.example.com', 'shop.web.1', 0);
    expect(first).toBeGreaterThan(0);
    expect(await balancer.switchFrontend('cas.example.com', 'shop.web.9', 0)).toBeUndefined();
    const second = await balancer.switchFrontend('cas.example.com', 'shop.web.2', first!);
    expect(await balancer.frontend('cas.example.com')).toEqual({ backend: 'shop.web.2', revision: second });
    expect(balancer.versionOf('shop', 'web', 'shop.web.2')).toBe(2);
    expect(balancer.versionOf('shop', 'web', 'shop.webshop.2')).toBeUndefined();
  });

  it('waits for lb-sync\'s reports: every server UP for the registered content, a switch served at its revision', async () => {
    const balancer = lb();
    await balancer.register('shop.web.3', [{ name: 'web-3-a', address: '127.0.0.9', port: 8080 }], '/health');
    const pending = await balancer.serversUp('shop.web.3', 100, signal);
    expect(pending).toEqual({ ok: false, reason: 'lb-sync has not reported backend shop.web.3' });
    const intent = Number((await etcd.get('/scalerd/lb/backends/shop.web.3').exec()).kvs[0]!.mod_revision);
    await etcd.put(backendStatusKey('shop.web.3')).value(JSON.stringify({ servers: { 'web-3-a': 'DOWN' }, revision: intent, at: 1 }));
    expect(await balancer.serversUp('shop.web.3', 100, signal)).toEqual({ ok: false, reason: 'not UP in haproxy: web-3-a (DOWN)' });
    setTimeout(() => void etcd.put(backendStatusKey('shop.web.3')).value(JSON.stringify({ servers: { 'web-3-a': 'UP' }, revision: intent, at: 2 })).exec(), 100);
    expect(await balancer.serversUp('shop.web.3', 5000, signal)).toEqual({ ok: true });

    const revision = await balancer.switchFrontend('ack.example.com', 'shop.web.3', 0);
    expect(await balancer.frontendApplied('ack.example.com', revision!, 100, signal)).toMatchObject({ ok: false });
    await etcd.put(frontendStatusKey('ack.example.com')).value(JSON.stringify({ backend: 'shop.web.3', revision, at: 3 }));
    expect(await balancer.frontendApplied('ack.example.com', revision!, 1000, signal)).toEqual({ ok: true });
    await balancer.unregister('shop.web.3');
    expect((await etcd.get('/scalerd/lb/backends/shop.web.3').exec()).kvs).toEqual([]);
  });

  it('asks lb-sync for a backend\'s traffic with a bake key, and reads its reports with their revision', async () => {
    const balancer = lb();
    await balancer.bake('shop.web.4', true);
    expect(await etcd.get('/scalerd/lb/bakes/shop.web.4').string()).toMatch(/^\{"since":\d+\}$/);
    expect(await balancer.traffic('shop.web.4')).toBeUndefined();
    const report = { worker: 9, responses: 10, http5xx: 1, connectionErrors: 2, responseErrors: 0, serverDowns: 1, down: ['web-4-a'], at: 5 };
    const put = await etcd.put('/scalerd/lb/status/traffic/shop.web.4').value(JSON.stringify(report)).exec();
    expect(await balancer.traffic('shop.web.4')).toEqual({ ...report, revision: Number(put.header.revision) });
    await balancer.unregister('shop.web.4');
    expect(await etcd.get('/scalerd/lb/bakes/shop.web.4').string()).toBeNull();
    expect(await balancer.backends()).not.toContain('shop.web.4');
  });
});
