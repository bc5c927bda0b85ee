// `scalerd lb-sync` as a process (from source, through tsx): flags from SCALERD_LB_*
// variables, a clear error and retries while etcd cannot be reached, convergence once it
// can, and a clean exit 0 on SIGTERM.

import { Etcd3 } from 'etcd3';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, httpGet, startBackendServers, startEtcd, startHaproxy, tempDir, waitFor, type BackendServers, type EtcdServer, type Haproxy } from '../infra.js';
import { awaitBackendUp, awaitFrontend, putBackend, putFrontend, spawnLbSync as lbSync } from './helpers.js';

describe('scalerd lb-sync (the command)', () => {
  const stops: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  it('says clearly that etcd cannot be reached, retries, converges once it can, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const haproxy: Haproxy = await startHaproxy({ dir: await tempDir('haproxy') });
    stops.push(() => haproxy.stop());
    const process = lbSync(['--etcd', `http://127.0.0.1:${port}`, '--log-format', 'json'], {
      SCALERD_LB_HAPROXY_CONFIG: haproxy.configFile,
      SCALERD_LB_HAPROXY_SOCKET: haproxy.adminSocket,
      SCALERD_LB_HAPROXY_MASTER_SOCKET: haproxy.masterSocket,
      SCALERD_LB_BIND: `${haproxy.host}:${haproxy.port}`,
    });
    stops.push(async () => { process.child.kill('SIGKILL'); await process.exited; });

    const unreachable = await waitFor('the etcd-unreachable line', () => process.lines.find((l) => l.event === 'etcd-unreachable'), 20_000);
    expect(unreachable).toMatchObject({ level: 50, code: 'SCALERD_ERR_LB_ETCD' });
    expect(unreachable.msg).toMatch(new RegExp(`etcd read of /scalerd/lb/ at http://127.0.0.1:${port} failed: .*ECONNREFUSED.*; retrying in \\d+ ms`));
    await waitFor('a second attempt', () => (process.lines.filter((l) => l.event === 'etcd-unreachable').length >= 2 ? true : undefined), 20_000);

    const etcd: EtcdServer = await startEtcd({ port });
    stops.push(() => etcd.stop());
    const client = new Etcd3({ hosts: etcd.url });
    stops.push(async () => client.close());
    const app: BackendServers = await startBackendServers(1, 'v1');
    stops.push(() => app.stop());
    const startedAt = Date.now();
    await putBackend(client, 'shop.web.1', app.entries());
    await awaitBackendUp(client, 'shop.web.1', [app.servers[0]!.name], 20_000);
    await awaitFrontend(client, 'shop.example', await putFrontend(client, 'shop.example', 'shop.web.1'));
    expect((await httpGet(haproxy.url, 'shop.example')).version).toBe('v1');
    expect(process.lines.some((l) => l.event === 'recovered')).toBe(true);
    console.log(`etcd up → backend UP through lb-sync: ${Date.now() - startedAt} ms`);

    process.child.kill('SIGTERM');
    expect(await process.exited).toBe(0);
    expect(process.lines.at(-1)).toMatchObject({ event: 'stopped' });
    // haproxy keeps serving without lb-sync.
    expect((await httpGet(haproxy.url, 'shop.example')).version).toBe('v1');
  }, 60_000);

  it('refuses missing or malformed flags with exit code 2', async () => {
    const missing = lbSync(['--haproxy-config', '/tmp/x.cfg'], {});
    expect(await missing.exited).toBe(2);
    expect(missing.stderr()).toMatch(/lb-sync needs --etcd <urls> \(or SCALERD_LB_ETCD\)/);
    const bind = lbSync(['--etcd', 'http://127.0.0.1:2379', '--haproxy-config', '/tmp/x.cfg', '--haproxy-socket', '/tmp/a.sock', '--haproxy-master-socket', '/tmp/m.sock', '--bind', 'localhost:80'], {});
    expect(await bind.exited).toBe(2);
    expect(bind.stderr()).toMatch(/--bind: "localhost:80" must be <IPv4>:<port>/);
    const path = lbSync(['--etcd', 'http://127.0.0.1:2379', '--haproxy-config', '/tmp/my config.cfg', '--haproxy-socket', '/tmp/a.sock', '--haproxy-master-socket', '/tmp/m.sock'], {});
    expect(await path.exited).toBe(2);
    expect(path.stderr()).toMatch(/haproxy\.cfg cannot take/);
  }, 30_000);
});
