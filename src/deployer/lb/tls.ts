// HTTPS on haproxy's frontend: a second bind with `ssl crt <dir>`, haproxy choosing the
// certificate by SNI among the PEM files in the directory. A renewed certificate must reach
// haproxy without anyone restarting it: the rendered config carries a fingerprint of the
// directory's files, so a change makes the config differ from what haproxy runs, and the
// next pass (a resync at the latest) checks and reloads it seamlessly.

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type TlsOptions = {
  readonly bind: { readonly host: string; readonly port: number };
  /** One PEM per certificate (its chain, then its key), as haproxy's `crt <dir>` reads them. */
  readonly certDir: string;
};

/** What the frontend's HTTPS bind is rendered from: the options and the directory's fingerprint. */
export type RenderedTls = TlsOptions & { readonly fingerprint: string };

/** The directory's regular files, by name and content: SHA-256, hex. */
export async function certificatesFingerprint(dir: string): Promise<string> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
  const hash = createHash('sha256');
  for (const name of entries) {
    hash.update(`${name}\0`);
    hash.update(await readFile(join(dir, name)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The PEM files haproxy will load from `dir` (it reads every file; these are the ones with a certificate). */
export async function certificateFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
  const withCertificate: string[] = [];
  for (const name of names) if ((await readFile(join(dir, name), 'latin1')).includes('-----BEGIN CERTIFICATE-----')) withCertificate.push(name);
  return withCertificate;
}
