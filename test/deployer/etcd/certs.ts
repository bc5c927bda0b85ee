// A throwaway PKI for the TLS tests, made with the openssl command: a CA, etcd's server
// certificate for 127.0.0.1, and a client certificate the CA signed. EC P-256 keys, one
// day of validity; all files in one temporary directory.

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type TestPki = {
  readonly dir: string;
  readonly caFile: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A second CA's certificate, which signed nothing here. */
  readonly otherCaFile: string;
};

async function openssl(dir: string, ...args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir, timeout: 20_000 });
}

const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function selfSignedCa(dir: string, name: string): Promise<void> {
  await openssl(dir, 'req', '-x509', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '1', '-subj', `/CN=${name}`);
}

async function signed(dir: string, name: string, cn: string, extensions: string): Promise<void> {
  await writeFile(join(dir, `${name}.ext`), extensions);
  await openssl(dir, 'req', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  await openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
}

export async function makeTestPki(dir: string): Promise<TestPki> {
  await selfSignedCa(dir, 'ca');
  await selfSignedCa(dir, 'other-ca');
  await signed(dir, 'server', 'etcd', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  await signed(dir, 'client', 'scalerd', 'extendedKeyUsage=clientAuth\n');
  return {
    dir, caFile: join(dir, 'ca.crt'), otherCaFile: join(dir, 'other-ca.crt'),
    serverCert: join(dir, 'server.crt'), serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.crt'), clientKey: join(dir, 'client.key'),
  };
}

/** Another server certificate from the PKI's CA, for `dnsName`: its PEM and key files (a new key each time). */
export async function issueServerCertificate(pki: TestPki, name: string, dnsName: string): Promise<{ cert: string; key: string }> {
  await signed(pki.dir, name, dnsName, `subjectAltName=DNS:${dnsName}\nextendedKeyUsage=serverAuth\n`);
  return { cert: join(pki.dir, `${name}.crt`), key: join(pki.dir, `${name}.key`) };
}
