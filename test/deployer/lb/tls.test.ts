// HTTPS on haproxy's frontend (--tls-bind, --tls-cert-dir), real haproxy: the certificate
// chosen by SNI, the apps told the scheme (and not by the client), and a renewed
// certificate served after the next pass by a seamless reload, nobody restarting anything.

import { rename, writeFile, readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTls, renderConfig } from '../../../src/deployer/lb/index.js';
import { issueServerCertificate, makeTestPki, type TestPki } from '../etcd/certs.js';
import { freePort, httpGet, tempDir, waitFor, type BackendServers } from '../infra.js';
import { registerUp, startWorld, switchTo, type LbWorld, type RunningSync } from './helpers.js';

const HOST = 'shop.example';

type Answer = { status: number; version?: string; proto?: string; certificate: string };

/** One GET over TLS with SNI and Host `HOST`, trusting only the test CA; the served certificate's SHA-256. */
function httpsGet(port: number, ca: Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', servername: HOST, ca, agent: false, headers: { host: HOST, ...headers }, timeout: 5000 }, (res) => {
      const certificate = (res.socket as import('node:tls').TLSSocket).getPeerCertificate().fingerprint256;
      res.resume().on('end', () => resolve({
        status: res.statusCode ?? 0, certificate,
        ...(typeof res.headers['x-version'] === 'string' ? { version: res.headers['x-version'] } : {}),
        ...(typeof res.headers['x-seen-proto'] === 'string' ? { proto: res.headers['x-seen-proto'] } : {}),
      }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out'))).on('error', reject).end();
  });
}

const fingerprintOf = async (certFile: string) => new X509Certificate(await readFile(certFile)).fingerprint256;

/** Puts a certificate and its key into the directory as one PEM, atomically (as a secret's update would land). */
async function install(certDir: string, cert: { cert: string; key: string }): Promise<void> {
  const staged = join(certDir, '.shop.pem.new');
  await writeFile(staged, `${await readFile(cert.cert, 'utf8')}${await readFile(cert.key, 'utf8')}`);
  await rename(staged, join(certDir, 'shop.pem'));
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
    await install(certDir, await issueServerCertificate(pki, 'shop-1', HOST));
    world = await startWorld();
    tlsPort = await freePort();
    lb = world.startSync({ tls: await parseTls(`127.0.0.1:${tlsPort}`, certDir), resyncMs: 300 });
    v1 = await world.startApp(2, 'v1');
    await registerUp(world.client, 'shop.web.1', v1);
    await switchTo(world.client, HOST, 'shop.web.1');
  }, 60_000);

  afterAll(() => world?.stop());

  it('serves the host over HTTPS with its certificate, and tells the app the scheme', async () => {
    const answer = await waitFor('an HTTPS answer', () => httpsGet(tlsPort, ca).catch(() => undefined), 10_000);
    expect(answer).toMatchObject({ status: 200, version: 'v1', proto: 'https' });
    expect(answer.certificate).toBe(await fingerprintOf(join(pki.dir, 'shop-1.crt')));
    // The client cannot claim a scheme: haproxy sets it either way.
    expect(await httpsGet(tlsPort, ca, { 'x-forwarded-proto': 'gopher' })).toMatchObject({ proto: 'https' });
    const plain = await httpGet(world.haproxy.url, HOST);
    expect(plain).toMatchObject({ status: 200, version: 'v1' });
  });

  it('serves a renewed certificate after the next pass, by a reload, without a restart', async () => {
    const workerBefore = await world.haproxy.workerPid();
    const reloadsBefore = lb.events('reloaded').length;
    const renewed = await issueServerCertificate(pki, 'shop-2', HOST);
    await install(certDir, renewed);
    const want = await fingerprintOf(renewed.cert);
    const answer = await waitFor('the renewed certificate', async () => {
      const a = await httpsGet(tlsPort, ca).catch(() => undefined);
      return a?.certificate === want ? a : undefined;
    }, 10_000);
    expect(answer).toMatchObject({ status: 200, version: 'v1' });
    // The new worker may answer a moment before lb-sync has confirmed and logged its reload.
    await waitFor('the reload logged', () => (lb.events('reloaded').length > reloadsBefore ? true : undefined), 5_000);
    expect(await world.haproxy.workerPid()).not.toBe(workerBefore);
  });

  it('refuses half a TLS setting or a directory without a certificate, saying what to give', async () => {
    await expect(parseTls('127.0.0.1:8443', undefined)).rejects.toThrow('--tls-bind and --tls-cert-dir go together');
    const empty = await tempDir('no-certs');
    await writeFile(join(empty, 'README'), 'nothing here');
    await expect(parseTls('127.0.0.1:8443', empty)).rejects.toThrow(`--tls-cert-dir: ${empty} holds no PEM certificate`);
    await expect(parseTls('localhost:8443', certDir)).rejects.toThrow('--tls-bind: "localhost:8443" must be');
    expect(await parseTls(undefined, undefined)).toBeUndefined();
  });

  it('renders the HTTPS bind, the scheme header and the certificates\' fingerprint', () => {
    const config = renderConfig([], {
      adminSocket: '/run/a.sock', mapFile: '/etc/h/hosts.map', stateFile: '/etc/h/state', bind: { host: '0.0.0.0', port: 80 },
      tls: { bind: { host: '0.0.0.0', port: 443 }, certDir: '/etc/h/certs', fingerprint: 'ab12' },
    });
    expect(config).toContain('# TLS certificates in /etc/h/certs: sha256 ab12\n');
    expect(config).toContain('  bind 0.0.0.0:80\n  bind 0.0.0.0:443 ssl crt /etc/h/certs alpn http/1.1\n');
    expect(config).toContain('  ssl-default-bind-options ssl-min-ver TLSv1.2\n');
    expect(config).toContain('  http-request set-header X-Forwarded-Proto https if { ssl_fc }\n  http-request set-header X-Forwarded-Proto http if !{ ssl_fc }\n');
    expect(renderConfig([], { adminSocket: '/run/a.sock', mapFile: '/m', stateFile: '/s', bind: { host: '0.0.0.0', port: 80 } })).not.toMatch(/ssl|TLS/);
  });
});
