// HTTPS on haproxy's frontend: a second bind with `ssl crt <dir>`, haproxy choosing the
// certificate by SNI. haproxy wants one PEM per certificate holding its key too; the
// directory users have is often a Kubernetes TLS Secret (tls.crt and tls.key, behind
// `..data` symlinks that a renewal swaps) or cert-manager's. So lb-sync reads the user's
// directory and assembles one PEM per certificate into a directory beside haproxy.cfg
// named by the certificates' SHA-256 (certs-<hash>/), which is what the config points at.
// A renewal therefore makes a new directory and a new config, which goes live only through
// the config's own path (`haproxy -c`, then a seamless reload): a certificate haproxy
// refuses never replaces the one it serves. The user's directory is read again only when
// a stat of its entries (symlinks followed) changes.

import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { tempNameFor } from './files.js';

export type TlsOptions = {
  readonly bind: { readonly host: string; readonly port: number };
  /** The user's certificates: PEMs with their key, or `<name>.crt` with `<name>.key` (a TLS Secret). */
  readonly certDir: string;
};

/** What the frontend's HTTPS bind is rendered from: where the assembled PEMs are. */
export type RenderedTls = { readonly bind: TlsOptions['bind']; readonly certDir: string };

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

/** SHA-256 over the PEMs' names and contents: names the directory they are assembled into. */
export function fingerprint(pems: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const [name, text] of [...pems].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`${name}\0${text}\0`);
  return hash.digest('hex');
}

const CERTS_DIR = /^certs-[0-9a-f]{16}$/;

/** Writes `pems` into `dir` unless it is there already: a whole directory, renamed into place (keys inside: 0600). */
async function assemble(pems: ReadonlyMap<string, string>, dir: string): Promise<void> {
  if (await stat(dir).then((s) => s.isDirectory(), () => false)) return;
  const staged = tempNameFor(dir);
  await mkdir(staged, { mode: 0o700 });
  try {
    for (const [name, text] of pems) await writeFile(join(staged, name), text, { mode: 0o600 });
    await rename(staged, dir);
  } catch (error) {
    await rm(staged, { recursive: true, force: true });
    throw error;
  }
}

/** What changes when a certificate does: each entry's name, and (symlinks followed) inode, size and mtime. */
async function signature(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (name.startsWith('.')) continue;
    const s = await stat(join(dir, name)).catch(() => undefined);
    parts.push(s ? `${name}:${s.ino}:${s.size}:${s.mtimeMs}` : `${name}:gone`);
  }
  return parts.join('\n');
}

/**
 * The user's certificate directory as haproxy should load it, for one lb-sync. prepare() is
 * called every pass and cheap when nothing changed (a stat per entry).
 */
export class CertificateSource {
  #signature: string | undefined;
  #rendered: RenderedTls | undefined;

  /** `lbDir`: the directory of haproxy.cfg, where certs-<hash>/ directories are assembled. */
  constructor(private readonly tls: TlsOptions, private readonly lbDir: string) {}

  /**
   * What to render, and what in the directory could not be used (only when it changed).
   * With nothing usable (a renewal half done by hand) the certificates assembled before stay;
   * with nothing usable and nothing before, it throws: HTTPS cannot be served.
   */
  async prepare(): Promise<{ rendered: RenderedTls; problems: readonly string[] }> {
    const now = await signature(this.tls.certDir);
    if (now === this.#signature && this.#rendered) return { rendered: this.#rendered, problems: [] };
    const { pems, problems } = await readCertificates(this.tls.certDir);
    if (pems.size === 0) {
      if (!this.#rendered) throw new Error(`no usable certificate in ${this.tls.certDir}: ${problems.join('; ') || 'no certificate'}`);
      this.#signature = now;
      return { rendered: this.#rendered, problems: [...problems, `no usable certificate in ${this.tls.certDir}; haproxy keeps serving the ones it has`] };
    }
    const certDir = join(this.lbDir, `certs-${fingerprint(pems).slice(0, 16)}`);
    await assemble(pems, certDir);
    this.#signature = now;
    this.#rendered = { bind: this.tls.bind, certDir };
    return { rendered: this.#rendered, problems };
  }

  /** Removes the certs-<hash>/ directories but `inUse` (the one the running config names). */
  async prune(inUse: string): Promise<void> {
    for (const name of await readdir(this.lbDir)) {
      if (CERTS_DIR.test(name) && join(this.lbDir, name) !== inUse) await rm(join(this.lbDir, name), { recursive: true, force: true });
    }
  }
}
