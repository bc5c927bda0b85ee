// TLS as a kubeconfig sets it up, against an HTTPS server on loopback with certificates
// made by openssl here: the CA to trust, the server name to check, client certificates
// (from files, from -data, from an exec plugin), insecure-skip-tls-verify, and a proxy.

import { writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { createKubeDeps, loadKubeConfig } from '../../src/kube/index.js';
import type { ExecRunner } from '../../src/kube/exec-credential.js';
import { createRestClient } from '../../src/kube/rest.js';
import { KubeConnectionError } from '../../src/kube/rest-errors.js';
import type { KubeTarget } from '../../src/kube/target.js';
import { failure, tempDir } from './helpers.js';
import { type LocalServer, type Pki, hasOpenssl, json, makePki, startServer, targetFor } from './local-server.js';

const skip = !hasOpenssl();
if (skip) console.warn('tls.test.ts skipped: no openssl on this machine to make test certificates');

describe.skipIf(skip)('TLS', () => {
  let pki: Pki;
  let server: LocalServer;
  /** The client certificate's subject, per request ('' when the client sent none). */
  const subjects: string[] = [];

  beforeAll(async () => {
    pki = makePki('DNS:kubernetes.test');
    server = await startServer((req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      subjects.push(String(peer?.subject?.CN ?? ''));
      json(res, 200, { kind: 'NodeList', metadata: {}, items: [] });
    }, { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  const get = (target: KubeTarget, runExec?: ExecRunner) =>
    createRestClient(target, { headers: {}, clock: systemClock, ...(runExec ? { runExec } : {}) }).request('GET', '/api/v1/nodes');

  it('sends the client certificate and key files of the kubeconfig (relative to it), trusting its certificate-authority-data and checking tls-server-name', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'client.crt'), pki.clientCert);
    writeFileSync(join(dir, 'client.key'), pki.clientKey);
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, [
      'apiVersion: v1', 'kind: Config', 'current-context: c',
      'clusters:', '- name: k', '  cluster:', `    server: ${server.url}`, `    certificate-authority-data: ${pki.ca.toString('base64')}`, '    tls-server-name: kubernetes.test',
      'users:', '- name: u', '  user:', '    client-certificate: client.crt', '    client-key: client.key',
      'contexts:', '- name: c', '  context:', '    cluster: k', '    user: u', '',
    ].join('\n'));
    const target = loadKubeConfig({ kubeconfig: file }, { env: {}, homeDir: undefined, serviceAccountDir: dir });
    subjects.length = 0;
    await get(target);
    expect(subjects).toEqual(['scalerd-test']);
  });

  it('sends the client certificate an exec plugin gives', async () => {
    const runExec: ExecRunner = async () => ({
      code: 0, stderr: '',
      stdout: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { clientCertificateData: pki.clientCert.toString(), clientKeyData: pki.clientKey.toString() } }),
    });
    const exec = { apiVersion: 'client.authentication.k8s.io/v1', command: 'plugin', args: [], env: [], provideClusterInfo: false } as const;
    subjects.length = 0;
    await get(targetFor(server.url, { exec }, { ca: pki.ca, tlsServerName: 'kubernetes.test' }), runExec);
    expect(subjects).toEqual(['scalerd-test']);
  });

  it('refuses a server whose certificate is not for the name, or not from the CA; insecure-skip-tls-verify accepts it', async () => {
    const wrongName = await failure(get(targetFor(server.url, {}, { ca: pki.ca })));
    expect(wrongName).toBeInstanceOf(KubeConnectionError);
    expect(wrongName).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    const unknownCa = await failure(get(targetFor(server.url, {}, { tlsServerName: 'kubernetes.test' })));
    expect(unknownCa).toMatchObject({ code: expect.stringMatching(/^(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/) });
    await get(targetFor(server.url, {}, { insecureSkipTlsVerify: true }));
  });

  it('goes through an HTTP CONNECT proxy-url, keeping the tunnel alive', async () => {
    const tunnels: string[] = [];
    const sockets: net.Socket[] = [];
    const proxy = http.createServer();
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      tunnels.push(req.url ?? '');
      sockets.push(client);
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const deps = createKubeDeps({ target: targetFor(server.url, {}, { ca: pki.ca, tlsServerName: 'kubernetes.test', proxyUrl }) });
      for (let i = 0; i < 3; i++) await deps.api.request('GET', '/api/v1/nodes');
      expect(tunnels).toEqual([new URL(server.url).host]);
    } finally {
      for (const socket of sockets) socket.destroy(); // a tunnel is no longer the server's to close
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
