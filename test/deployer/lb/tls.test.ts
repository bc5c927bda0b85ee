// HTTPS on haproxy's frontend (--tls-bind, --tls-cert-dir), real haproxy: the certificate
// chosen by SNI, the apps told the scheme (and not by the client), and a renewed
// certificate served after the next pass by a seamless reload, nobody restarting anything.

import { copyFile, mkdir, readdir, readFile, rename, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTls, readCertificates, renderConfig } from '../../../src/deployer/lb/index.js';
import { CertificateSource } from '../../../src/deployer/lb/tls.js';
import { issueServerCertificate, makeTestPki, type TestPki } from '../etcd/certs.js';
import { freePort, httpGet, httpsGet, tempDir, waitFor, type BackendServers } from '../infra.js';
import { registerUp, startWorld, switchTo, type LbWorld, type RunningSync } from './helpers.js';

const HOST = 'shop.example';

/** The directory the running config's HTTPS bind loads certificates from. */
const servedCertDir = (config: string): string => /\bssl crt (\S+)/.exec(config)![1]!;

const fingerprintOf = async (certFile: string) => new X509Certificate(await readFile(certFile)).fingerprint256;

/**
 * Puts a certificate into the directory as a Kubernetes TLS Secret's mount has it: tls.crt
 * and tls.key behind `..data`, a symlink to a timestamped directory, swapped atomically on
 * an update (the kubelet's AtomicWriter).
 */
async function installAsSecret(certDir: string, cert: { cert: string; key: string }, stamp: string): Promise<void> {
  const data = join(certDir, `..${stamp}`);
  await mkdir(data);
  await copyFile(cert.cert, join(data, 'tls.crt'));
  await copyFile(cert.key, join(data, 'tls.key'));
  await symlink(`..${stamp}`, join(certDir, '..data_tmp'));
  await rename(join(certDir, '..data_tmp'), join(certDir, '..data'));
  for (const name of ['tls.crt', 'tls.key']) await symlink(`..data/${name}`, join(certDir, name)).catch((error: NodeJS.ErrnoException) => { if (error.code !== 'EEXIST') throw error; });
}

describe('lb-sync: HTTPS', () => {
  let world: LbWorld;
  let lb: RunningSync;
  let pki: TestPki;
  let certDir: string;
  let tlsPort: number;
  let ca: Buffer;
  let v1: BackendServers;

  beforeAll(async () => {
    pki = await makeTestPki(await tempDir('pki'));
    ca = await readFile(pki.caFile);
    certDir = await tempDir('certs');
    await installAsSecret(certDir, await issueServerCertificate(pki, 'shop-1', HOST), '2026_11_26_a');
    world = await startWorld();
    tlsPort = await freePort();
    lb = world.startSync({ tls: await parseTls(`127.0.0.1:${tlsPort}`, certDir), resyncMs: 300 });
    v1 = await world.startApp(2, 'v1');
    await registerUp(world.client, 'shop.web.1', v1);
    await switchTo(world.client, HOST, 'shop.web.1');
  }, 60_000);

  afterAll(() => world?.stop());

  it('serves the host over HTTPS with its certificate, and tells the app the scheme', async () => {
    const answer = await waitFor('an HTTPS answer', () => httpsGet(tlsPort, HOST, ca).catch(() => undefined), 10_000);
    expect(answer).toMatchObject({ status: 200, version: 'v1', proto: 'https' });
    expect(answer.certificate).toBe(await fingerprintOf(join(pki.dir, 'shop-1.crt')));
    // The client cannot claim a scheme: haproxy sets it either way.
    expect(await httpsGet(tlsPort, HOST, ca, { 'x-forwarded-proto': 'gopher' })).toMatchObject({ proto: 'https' });
    const plain = await httpGet(world.haproxy.url, HOST);
    expect(plain).toMatchObject({ status: 200, version: 'v1' });
  });

  it('serves a renewed certificate (the Secret\'s ..data swapped) after the next pass, by a reload, without a restart', async () => {
    const workerBefore = await world.haproxy.workerPid();
    const reloadsBefore = lb.events('reloaded').length;
    const renewed = await issueServerCertificate(pki, 'shop-2', HOST);
    await installAsSecret(certDir, renewed, '2026_11_26_b');
    const want = await fingerprintOf(renewed.cert);
    const answer = await waitFor('the renewed certificate', async () => {
      const a = await httpsGet(tlsPort, HOST, ca).catch(() => undefined);
      return a?.certificate === want ? a : undefined;
    }, 10_000);
    expect(answer).toMatchObject({ status: 200, version: 'v1' });
    // The new worker may answer a moment before lb-sync has confirmed and logged its reload.
    await waitFor('the reload logged', () => (lb.events('reloaded').length > reloadsBefore ? true : undefined), 5_000);
    expect(await world.haproxy.workerPid()).not.toBe(workerBefore);
    // The renewal went live as a new certs-<hash>/ directory; the old one is gone.
    expect((await readdir(world.haproxy.dir)).filter((n) => n.startsWith('certs-'))).toEqual([servedCertDir(await readFile(world.haproxy.configFile, 'utf8')).split('/').at(-1)]);
  });

  it('refuses half a TLS setting or a directory without a certificate, saying what to give', async () => {
    await expect(parseTls('127.0.0.1:8443', undefined)).rejects.toThrow('--tls-bind and --tls-cert-dir go together');
    const empty = await tempDir('no-certs');
    await writeFile(join(empty, 'README'), 'nothing here');
    await expect(parseTls('127.0.0.1:8443', empty)).rejects.toThrow(`--tls-cert-dir: ${empty} holds no certificate with its key`);
    await expect(parseTls('localhost:8443', certDir)).rejects.toThrow('--tls-bind: "localhost:8443" must be');
    expect(await parseTls(undefined, undefined)).toBeUndefined();
  });

  it('a certificate haproxy refuses (its key does not match) is not loaded: the one served stays', async () => {
    const served = await waitFor('an HTTPS answer', () => httpsGet(tlsPort, HOST, ca).catch(() => undefined), 10_000);
    const configBefore = await readFile(world.haproxy.configFile, 'utf8');
    const rejectedBefore = lb.events('config-rejected').length;
    const [three, four] = [await issueServerCertificate(pki, 'shop-3', HOST), await issueServerCertificate(pki, 'shop-4', HOST)];
    await installAsSecret(certDir, { cert: three.cert, key: four.key }, '2026_11_26_c');
    await waitFor('the config refused', () => (lb.events('config-rejected').length > rejectedBefore ? true : undefined), 10_000);
    expect((await httpsGet(tlsPort, HOST, ca)).certificate).toBe(served.certificate);
    expect(await readFile(world.haproxy.configFile, 'utf8')).toBe(configBefore);
    // Put right, it goes live.
    await installAsSecret(certDir, three, '2026_11_26_d');
    const want = await fingerprintOf(three.cert);
    await waitFor('the mended certificate', async () => ((await httpsGet(tlsPort, HOST, ca).catch(() => undefined))?.certificate === want ? true : undefined), 10_000);
  });

  it('reads PEMs with their key and .crt/.key pairs, skips dot-files, says what it cannot use', async () => {
    const dir = await tempDir('cert-layouts');
    const a = await issueServerCertificate(pki, 'layout-a', 'a.example');
    const b = await issueServerCertificate(pki, 'layout-b', 'b.example');
    const c = await issueServerCertificate(pki, 'layout-c', 'c.example');
    await writeFile(join(dir, 'combined.pem'), `${await readFile(a.cert, 'utf8')}${await readFile(a.key, 'utf8')}`);
    await copyFile(b.cert, join(dir, 'b.crt'));
    await copyFile(b.key, join(dir, 'b.key'));
    await copyFile(c.cert, join(dir, 'lonely.crt'));
    await copyFile(a.cert, join(dir, '.hidden.pem'));
    await mkdir(join(dir, 'sub'));
    const { pems, problems } = await readCertificates(dir);
    expect([...pems.keys()]).toEqual(['b.pem', 'combined.pem']);
    expect(pems.get('b.pem')).toMatch(/-----END CERTIFICATE-----\n-----BEGIN (EC )?PRIVATE KEY-----/);
    expect(problems).toEqual(['lonely.crt: no private key, neither in it nor in lonely.key']);
    // What lb-sync serves: assembled beside haproxy.cfg, keys readable by its user only.
    const assembled = servedCertDir(await readFile(world.haproxy.configFile, 'utf8'));
    expect(assembled).toMatch(new RegExp(`^${world.haproxy.dir}/certs-[0-9a-f]{16}$`));
    expect(await readdir(assembled)).toEqual(['tls.pem']);
    expect((await stat(join(assembled, 'tls.pem'))).mode & 0o777).toBe(0o600);
  });

  it('a directory with nothing usable (a renewal half done by hand) leaves the assembled certificates served', async () => {
    const source = await tempDir('half-renewed');
    const target = await tempDir('assembled');
    const good = await issueServerCertificate(pki, 'kept', HOST);
    await copyFile(good.cert, join(source, 'tls.crt'));
    await copyFile(good.key, join(source, 'tls.key'));
    const source2 = new CertificateSource({ bind: { host: '127.0.0.1', port: 8443 }, certDir: source }, target);
    const first = await source2.prepare();
    expect(first.problems).toEqual([]);
    const assembled = await readdir(target);
    await writeFile(join(source, 'tls.key'), 'not yet\n');
    const second = await source2.prepare();
    expect(second.problems).toEqual([`tls.crt: no private key, neither in it nor in tls.key`, `no usable certificate in ${source}; haproxy keeps serving the ones it has`]);
    expect(second.rendered).toEqual(first.rendered);
    expect(await readdir(target)).toEqual(assembled);
    expect(await readdir(first.rendered.certDir)).toEqual(['tls.pem']);
    // Nothing changed since: not read again, nothing said again.
    expect((await source2.prepare()).problems).toEqual([]);
  });

  it('renders the HTTPS bind and the scheme header', () => {
    const config = renderConfig([], {
      adminSocket: '/run/a.sock', mapFile: '/etc/h/hosts.map', stateFile: '/etc/h/state', bind: { host: '0.0.0.0', port: 80 },
      tls: { bind: { host: '0.0.0.0', port: 443 }, certDir: '/etc/h/certs' },
    });
    expect(config).toContain('  bind 0.0.0.0:80\n  bind 0.0.0.0:443 ssl crt /etc/h/certs alpn http/1.1\n');
    expect(config).toContain('  ssl-default-bind-options ssl-min-ver TLSv1.2\n');
    expect(config).toContain('  http-request set-header X-Forwarded-Proto https if { ssl_fc }\n  http-request set-header X-Forwarded-Proto http if !{ ssl_fc }\n');
    expect(renderConfig([], { adminSocket: '/run/a.sock', mapFile: '/m', stateFile: '/s', bind: { host: '0.0.0.0', port: 80 } })).not.toMatch(/ssl|TLS/);
  });
});
