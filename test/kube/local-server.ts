// Bare HTTP(S) servers on 127.0.0.1 for the REST layer's tests: they see exactly what the
// client sends and answer what a test says, and test certificates made with openssl.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { KubeCluster, KubeTarget, KubeUser } from '../../src/kube/target.js';
import { tempDir } from './helpers.js';

export type Seen = { readonly method: string; readonly url: URL; readonly headers: http.IncomingHttpHeaders; readonly body: string };

export type LocalServer = {
  readonly url: string;
  readonly seen: Seen[];
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
};

export type Handler = (req: http.IncomingMessage & { body: string }, res: http.ServerResponse) => void;

/** A server on 127.0.0.1 that records every request, then hands it to `handler`. */
export async function startServer(handler: Handler, tls?: https.ServerOptions): Promise<LocalServer> {
  const seen: Seen[] = [];
  let connections = 0;
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: new URL(req.url ?? '/', 'http://x'), headers: req.headers, body });
      handler(Object.assign(req, { body }), res);
    });
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  server.on(tls ? 'secureConnection' : 'connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    seen,
    connections: () => connections,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

export const status = (code: number, reason: string, message: string, causes?: object[]) =>
  ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code, ...(causes ? { details: { causes } } : {}) });

/** A target as loadKubeConfig resolves one, for a server of these tests. */
export function targetFor(server: string, user: Omit<KubeUser, 'name'> = {}, cluster: Partial<Omit<KubeCluster, 'server'>> = {}): KubeTarget {
  return { context: 'test', cluster: { name: 'test', server, insecureSkipTlsVerify: false, ...cluster }, user: { name: 'tester', ...user } };
}

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export type Pki = { readonly dir: string; readonly ca: Buffer; readonly serverCert: Buffer; readonly serverKey: Buffer; readonly clientCert: Buffer; readonly clientKey: Buffer };

/** A CA, a server certificate for `serverNames` (subjectAltName entries) and a client certificate for CN=scalerd-test, all signed by the CA. */
export function makePki(serverNames = 'IP:127.0.0.1'): Pki {
  const dir = tempDir('scalerd-pki-');
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-days', '1', '-subj', '/CN=test-ca', '-keyout', 'ca.key', '-out', 'ca.crt');
  const issue = (name: string, subject: string, extensions: string) => {
    openssl('req', ...ec, '-subj', subject, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.crt`);
  };
  issue('server', '/CN=kubernetes', `subjectAltName=${serverNames}\nextendedKeyUsage=serverAuth\n`);
  issue('client', '/CN=scalerd-test/O=scalerd', 'extendedKeyUsage=clientAuth\n');
  const read = (file: string) => readFileSync(join(dir, file));
  return { dir, ca: read('ca.crt'), serverCert: read('server.crt'), serverKey: read('server.key'), clientCert: read('client.crt'), clientKey: read('client.key') };
}
