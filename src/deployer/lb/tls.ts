// HTTPS on haproxy's frontend: a second bind with `ssl crt <dir>`, haproxy choosing the
// certificate by SNI. haproxy wants one PEM per certificate holding its key too; the
// directory users have is often a Kubernetes TLS Secret (tls.crt and tls.key, behind
// `..data` symlinks that a renewal swaps) or cert-manager's. So lb-sync reads the user's
// directory and assembles one PEM per certificate into certs/ beside haproxy.cfg, which
// is what haproxy loads. A renewed certificate must reach haproxy without anyone restarting
// it: the rendered config carries a fingerprint of what was assembled, so a change makes
// the config differ from what haproxy runs, and the next pass (a resync at the latest)
// checks and reloads it seamlessly.

import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { readIfExists, writeFileAtomic } from './files.js';

export type TlsOptions = {
  readonly bind: { readonly host: string; readonly port: number };
  /** The user's certificates: PEMs with their key, or `<name>.crt` with `<name>.key` (a TLS Secret). */
  readonly certDir: string;
};

/** What the frontend's HTTPS bind is rendered from: where the assembled PEMs are, and their fingerprint. */
export type RenderedTls = { readonly bind: TlsOptions['bind']; readonly certDir: string; readonly fingerprint: string };

const CERTIFICATE = '-----BEGIN CERTIFICATE-----';
const PRIVATE_KEY = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

/** The PEMs haproxy should load, by file name, and what in the directory could not be used. */
export type Certificates = { readonly pems: ReadonlyMap<string, string>; readonly problems: readonly string[] };

/**
 * Reads a certificate directory: regular files (symlinks followed, dot-files skipped, as a
 * Secret's mount has them); a file with a certificate and a key is one PEM; a certificate
 * alone takes its key from `<name>.key` beside it (tls.crt + tls.key).
 */
export async function readCertificates(dir: string): Promise<Certificates> {
  const texts = new Map<string, string>();
  for (const name of (await readdir(dir)).sort()) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    if (!(await stat(path)).isFile()) continue;
    texts.set(name, await readFile(path, 'utf8'));
  }
  const pems = new Map<string, string>();
  const problems: string[] = [];
  for (const [name, text] of texts) {
    if (!text.includes(CERTIFICATE)) continue;
    const base = extname(name) === '' ? name : name.slice(0, -extname(name).length);
    const key = PRIVATE_KEY.test(text) ? '' : texts.get(`${base}.key`);
    if (key === undefined || (key !== '' && !PRIVATE_KEY.test(key))) {
      problems.push(`${name}: no private key, neither in it nor in ${base}.key`);
      continue;
    }
    const pem = `${base}.pem`;
    if (pems.has(pem)) {
      problems.push(`${name}: another certificate is already named ${base}`);
      continue;
    }
    pems.set(pem, key === '' ? text : `${text.trimEnd()}\n${key.trimEnd()}\n`);
  }
  return { pems, problems };
}

/** SHA-256 over the PEMs' names and contents: what the config carries to notice a renewal. */
export function fingerprint(pems: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const [name, text] of [...pems].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`${name}\0${text}\0`);
  return hash.digest('hex');
}

/**
 * Makes `target` hold exactly `pems` (keys inside: mode 0600), each replaced atomically and
 * only when it changed. Left as it is when there is nothing to serve, so a half-written
 * source never takes HTTPS down.
 */
export async function installCertificates(pems: ReadonlyMap<string, string>, target: string): Promise<void> {
  if (pems.size === 0) return;
  await mkdir(target, { recursive: true, mode: 0o700 });
  for (const [name, text] of pems) if ((await readIfExists(join(target, name))) !== text) await writeFileAtomic(join(target, name), text, 0o600);
  for (const name of await readdir(target)) if (!pems.has(name)) await rm(join(target, name), { force: true });
}

/**
 * One pass's TLS: the user's directory read and assembled into `certsDir`, and what to render.
 * With nothing usable in the directory (a renewal half-written by hand), the certificates
 * assembled before keep being served, and the problems say why.
 */
export async function prepareTls(tls: TlsOptions, certsDir: string): Promise<{ rendered: RenderedTls; problems: readonly string[] }> {
  const { pems, problems } = await readCertificates(tls.certDir);
  if (pems.size > 0) {
    await installCertificates(pems, certsDir);
    return { rendered: { bind: tls.bind, certDir: certsDir, fingerprint: fingerprint(pems) }, problems };
  }
  const installed = await readCertificates(certsDir).catch(() => ({ pems: new Map<string, string>() }));
  return {
    rendered: { bind: tls.bind, certDir: certsDir, fingerprint: fingerprint(installed.pems) },
    problems: [...problems, `no usable certificate in ${tls.certDir}; haproxy keeps the ${installed.pems.size} assembled before`],
  };
}
