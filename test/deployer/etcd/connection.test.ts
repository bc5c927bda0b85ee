// etcd as production runs it, against real etcd on loopback: TLS with client certificates
// (--client-cert-auth) and password auth with a role held to scalerd's prefix. The client
// construction (connectEtcd), the flags that describe it (readEtcdConnection), and the two
// commands that use it: lb-sync converging over TLS, the deployer storing a descriptor
// as an etcd user.

import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Etcd3, Range } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { connectEtcd, describeEtcd, type EtcdConnection } from '../../../src/deployer/etcd/connection.js';
import { CONFIG_STATUS_KEY, type ConfigStatus } from '../../../src/deployer/lb/index.js';
import { DeployerStore } from '../../../src/deployer/state/etcd-store.js';
import { readEtcdConnection } from '../../../src/cli/etcd-options.js';
import { freePort, startEtcd, startHaproxy, tempDir, waitFor, type EtcdServer } from '../infra.js';
import { awaitKey, spawnLbSync } from '../lb/helpers.js';
import { makeTestPki, type TestPki } from './certs.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
});

/** Connects, runs `use`, closes. */
async function withEtcd<T>(connection: EtcdConnection, use: (etcd: Etcd3) => Promise<T>): Promise<T> {
  const etcd = connectEtcd(connection, { clock: systemClock, callTimeoutMs: 3_000, dialTimeoutMs: 2_000 });
  try {
    return await use(etcd);
  } finally {
    etcd.close();
  }
}

const roundTrip = (connection: EtcdConnection, key = '/scalerd/test/tls') => withEtcd(connection, async (etcd) => {
  await etcd.put(key).value('yes').exec();
  return etcd.get(key).string();
});

describe('readEtcdConnection: the flags, checked whole', () => {
  let pki: TestPki;
  beforeAll(async () => { pki = await makeTestPki(await tempDir('pki')); }, 30_000);

  it('reads the URLs, the PEM files and the password; says nothing secret when described', async () => {
    const passwordFile = join(pki.dir, 'password');
    await writeFile(passwordFile, 's3cret\n');
    const connection = await readEtcdConnection({
      etcd: 'https://127.0.0.1:2379,https://127.0.0.2:2379', etcdCa: pki.caFile, etcdCert: pki.clientCert, etcdKey: pki.clientKey,
      etcdUser: 'scalerd', etcdPasswordFile: passwordFile,
    }, 'SCALERD_LB_', 'lb-sync');
    expect(connection.hosts).toEqual(['https://127.0.0.1:2379', 'https://127.0.0.2:2379']);
    expect(connection.ca?.toString()).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(connection.client?.key.toString()).toMatch(/PRIVATE KEY-----/);
    expect(connection.auth).toEqual({ username: 'scalerd', password: 's3cret' });
    expect(describeEtcd(connection)).toBe('https://127.0.0.1:2379,https://127.0.0.2:2379, TLS (given CA, client certificate), user scalerd');
    expect(describeEtcd(connection)).not.toContain('s3cret');
  });

  it('refuses what cannot work, saying what to change', async () => {
    const read = (flags: Parameters<typeof readEtcdConnection>[0]) => readEtcdConnection(flags, 'SCALERD_DEPLOYER_', 'deployer');
    await expect(read({})).rejects.toThrow('deployer needs --etcd <urls> (or SCALERD_DEPLOYER_ETCD)');
    await expect(read({ etcd: 'http://a:2379', etcdCa: pki.caFile })).rejects.toThrow('--etcd-ca: TLS settings, but --etcd http://a:2379 is http://; give the https:// URLs');
    await expect(read({ etcd: 'https://a:2379', etcdCert: pki.clientCert })).rejects.toThrow('--etcd-cert and --etcd-key go together');
    await expect(read({ etcd: 'https://a:2379', etcdCa: pki.clientKey })).rejects.toThrow(`--etcd-ca ${pki.clientKey} is not a PEM certificate: expected a -----BEGIN CERTIFICATE----- block`);
    await expect(read({ etcd: 'https://a:2379', etcdCert: pki.clientCert, etcdKey: pki.clientCert })).rejects.toThrow('is not a PEM key');
    await expect(read({ etcd: 'https://a:2379', etcdCa: '/nonexistent/ca.crt' })).rejects.toThrow('--etcd-ca /nonexistent/ca.crt cannot be read (ENOENT)');
    await expect(read({ etcd: 'http://a:2379', etcdUser: 'scalerd' })).rejects.toThrow('--etcd-user scalerd needs a password: --etcd-password-file <file> or SCALERD_DEPLOYER_ETCD_PASSWORD');
    const empty = join(pki.dir, 'empty');
    await writeFile(empty, '\n');
    await expect(read({ etcd: 'http://a:2379', etcdUser: 'scalerd', etcdPasswordFile: empty })).rejects.toThrow(`--etcd-password-file ${empty} is empty`);
    await expect(read({ etcd: 'http://a:2379,https://b:2379' })).rejects.toThrow('mixes http:// and https:// URLs');
  });
});

describe('etcd over TLS, client certificates required (real etcd)', () => {
  let pki: TestPki;
  let etcd: EtcdServer;
  let trusted: EtcdConnection;
  beforeAll(async () => {
    pki = await makeTestPki(await tempDir('pki'));
    etcd = await startEtcd({ tls: { certFile: pki.serverCert, keyFile: pki.serverKey, clientCa: pki.caFile } });
    stops.push(() => etcd.stop());
    trusted = await readEtcdConnection({ etcd: etcd.url, etcdCa: pki.caFile, etcdCert: pki.clientCert, etcdKey: pki.clientKey }, 'SCALERD_LB_', 'lb-sync');
  }, 60_000);

  it('reads and writes with the CA and a client certificate', async () => {
    expect(etcd.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await roundTrip(trusted)).toBe('yes');
  });

  it('fails within its deadline without a client certificate, or trusting another CA', async () => {
    const started = Date.now();
    await expect(roundTrip({ hosts: trusted.hosts, ca: trusted.ca! })).rejects.toThrow();
    await expect(roundTrip({ ...trusted, ca: await readEtcdConnection({ etcd: etcd.url, etcdCa: pki.otherCaFile }, 'X_', 'x').then((c) => c.ca!) })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);

  it('scalerd lb-sync with --etcd-ca, --etcd-cert and --etcd-key serves what etcd holds', async () => {
    const haproxy = await startHaproxy({ dir: await tempDir('haproxy') });
    stops.push(() => haproxy.stop());
    const sync = spawnLbSync(['--etcd', etcd.url, '--etcd-ca', pki.caFile, '--etcd-cert', pki.clientCert, '--etcd-key', pki.clientKey, '--log-format', 'json'], {
      SCALERD_LB_HAPROXY_CONFIG: haproxy.configFile, SCALERD_LB_HAPROXY_SOCKET: haproxy.adminSocket,
      SCALERD_LB_HAPROXY_MASTER_SOCKET: haproxy.masterSocket, SCALERD_LB_BIND: `${haproxy.host}:${haproxy.port}`,
    });
    stops.push(async () => { sync.child.kill('SIGKILL'); await sync.exited; });
    const client = connectEtcd(trusted, { clock: systemClock });
    stops.push(async () => client.close());
    const { value } = await awaitKey<ConfigStatus>(client, CONFIG_STATUS_KEY, (s) => s.ok, 20_000);
    expect(value.ok).toBe(true);
    expect(sync.lines.find((l) => l.event === 'started')?.msg).toMatch(/TLS \(given CA, client certificate\)/);
    expect(sync.lines.filter((l) => l.event === 'etcd-unreachable')).toEqual([]);
    sync.child.kill('SIGTERM');
    expect(await sync.exited).toBe(0);
  }, 40_000);
});

describe('etcd with password auth, the user held to /scalerd/ (real etcd)', () => {
  let etcd: EtcdServer;
  let dir: string;
  const user = { username: 'scalerd', password: 'deployer-pw' };
  const LB_PASSWORD = 'lb-sync-pw';
  beforeAll(async () => {
    etcd = await startEtcd();
    stops.push(() => etcd.stop());
    dir = await tempDir('etcd-auth');
    const admin = new Etcd3({ hosts: etcd.url });
    try {
      await admin.role('root').create();
      await admin.user('root').create('root-pw');
      await admin.user('root').addRole('root');
      await admin.role('scalerd').create();
      await admin.role('scalerd').grant({ permission: 'Readwrite', range: Range.prefix('/scalerd/') });
      await admin.user(user.username).create(user.password);
      await admin.user(user.username).addRole('scalerd');
      // lb-sync's least privilege: it reads the layout and writes only its status.
      await admin.role('lb-sync').create();
      await admin.role('lb-sync').grant({ permission: 'Read', range: Range.prefix('/scalerd/lb/') });
      await admin.role('lb-sync').grant({ permission: 'Readwrite', range: Range.prefix('/scalerd/lb/status/') });
      await admin.user('lb-sync').create(LB_PASSWORD);
      await admin.user('lb-sync').addRole('lb-sync');
      await admin.auth.authEnable();
    } finally {
      admin.close();
    }
  }, 30_000);

  it('the user reads and writes under /scalerd/ and nowhere else; a wrong password is refused', async () => {
    const hosts = [etcd.url];
    expect(await roundTrip({ hosts, auth: user }, '/scalerd/deployer/x')).toBe('yes');
    await expect(roundTrip({ hosts, auth: user }, '/elsewhere')).rejects.toThrow(/permission denied/i);
    await expect(roundTrip({ hosts, auth: { ...user, password: 'wrong' } })).rejects.toThrow(/authentication failed/i);
    await expect(roundTrip({ hosts })).rejects.toThrow(/user name is empty|permission denied/i);
  }, 30_000);

  it('scalerd deployer with --etcd-user and --etcd-password-file stores and lists descriptors', async () => {
    const passwordFile = join(dir, 'etcd-password');
    await writeFile(passwordFile, `${user.password}\n`);
    const kubeconfig = join(dir, 'kubeconfig');
    // Never called here: descriptors live in etcd only.
    await writeFile(kubeconfig, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
      clusters: [{ name: 'c', cluster: { server: 'http://127.0.0.1:9' } }], users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    }));
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/cli/main.js', 'deployer', '--etcd', etcd.url, '--etcd-user', user.username,
      '--etcd-password-file', passwordFile, '--kubeconfig', kubeconfig, '--lb-url', 'http://127.0.0.1:9', '--listen', `127.0.0.1:${port}`, '--log-format', 'json'], {
      cwd: ROOT, env: { ...process.env, SCALERD_DEPLOYER_TOKEN: 'api-token-of-the-test' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { output += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { output += c; });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    stops.push(async () => { child.kill('SIGKILL'); await exited; });
    const api = `http://127.0.0.1:${port}`;
    const headers = { authorization: 'Bearer api-token-of-the-test', 'content-type': 'application/json' };
    await waitFor('the deployer API', async () => {
      if (child.exitCode !== null) throw new Error(`the deployer exited ${child.exitCode}: ${output}`);
      return (await fetch(`${api}/healthz`).then((r) => r.ok, () => false)) || undefined;
    }, 20_000).catch((error: Error) => { throw new Error(`${error.message}; its output: ${output}`); });
    const descriptor = {
      namespace: 'default', appName: 'hello', version: 'auto', replicas: 2, frontends: ['hello.test'],
      podSpec: { containers: [{ name: 'app', image: 'registry.example/hello:1', ports: [{ name: 'http', containerPort: 8080 }] }] },
    };
    const created = await fetch(`${api}/descriptors`, { method: 'POST', headers, body: JSON.stringify(descriptor) });
    expect(created.status, await created.clone().text()).toBe(201);
    const listed = (await (await fetch(`${api}/descriptors`, { headers })).json()) as { frontends: string[] }[];
    expect(listed.map((d) => d.frontends)).toEqual([['hello.test']]);
    expect(output).toContain(`etcd ${etcd.url}, plain HTTP, user scalerd`);
    expect(output).not.toContain(user.password);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 40_000);

  it('scalerd lb-sync as a user that may only read /scalerd/lb/ and write its status converges', async () => {
    const haproxy = await startHaproxy({ dir: await tempDir('haproxy') });
    stops.push(() => haproxy.stop());
    const sync = spawnLbSync(['--etcd', etcd.url, '--etcd-user', 'lb-sync', '--log-format', 'json'], {
      SCALERD_LB_ETCD_PASSWORD: LB_PASSWORD,
      SCALERD_LB_HAPROXY_CONFIG: haproxy.configFile, SCALERD_LB_HAPROXY_SOCKET: haproxy.adminSocket,
      SCALERD_LB_HAPROXY_MASTER_SOCKET: haproxy.masterSocket, SCALERD_LB_BIND: `${haproxy.host}:${haproxy.port}`,
    });
    stops.push(async () => { sync.child.kill('SIGKILL'); await sync.exited; });
    const client = connectEtcd({ hosts: [etcd.url], auth: user }, { clock: systemClock });
    stops.push(async () => client.close());
    await awaitKey<ConfigStatus>(client, CONFIG_STATUS_KEY, (s) => s.ok, 20_000);
    expect(sync.lines.filter((l) => l.event === 'etcd-unreachable')).toEqual([]);
    expect(JSON.stringify(sync.lines)).not.toContain(LB_PASSWORD);
    sync.child.kill('SIGTERM');
    expect(await sync.exited).toBe(0);
  }, 40_000);

  it('the deployer tells "refused" (credentials, role) from "cannot be reached" before it changes anything', async () => {
    const check = (connection: EtcdConnection) => withEtcd(connection, (etcd) => new DeployerStore(etcd, { lockTtlSeconds: 5, historyLimit: 5 }).reachable(3_000));
    const hosts = [etcd.url];
    expect(await check({ hosts, auth: user })).toEqual({ ok: true });
    // lb-sync's user may not read the deployer's prefix.
    expect(await check({ hosts, auth: { username: 'lb-sync', password: LB_PASSWORD } })).toMatchObject({ ok: false, refused: true, reason: expect.stringMatching(/permission denied/i) });
    expect(await check({ hosts, auth: { ...user, password: 'wrong' } })).toMatchObject({ ok: false, refused: true, reason: expect.stringMatching(/authentication failed/i) });
    expect(await check({ hosts: [`http://127.0.0.1:${await freePort()}`], auth: user })).toMatchObject({ ok: false, refused: false });
  }, 30_000);
});
