// Files haproxy reads at a (re)load, replaced whole: written to a temporary file in the
// same directory, then renamed over the live one, so haproxy never reads half a file.

import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export type HaproxyFiles = {
  readonly configFile: string;
  readonly mapFile: string;
  readonly stateFile: string;
  /** The certificates haproxy serves, assembled by lb-sync from --tls-cert-dir. */
  readonly certsDir: string;
};

/** haproxy.cfg and, beside it, hosts.map, server-state and certs/. */
export const lbFiles = (configFile: string): HaproxyFiles => ({
  configFile,
  mapFile: join(dirname(configFile), 'hosts.map'),
  stateFile: join(dirname(configFile), 'server-state'),
  certsDir: join(dirname(configFile), 'certs'),
});

/** A temporary name next to `file` (same directory, so the rename is atomic). */
export const tempNameFor = (file: string): string => `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;

export async function writeFileAtomic(file: string, text: string, mode = 0o644): Promise<void> {
  const temp = tempNameFor(file);
  try {
    await writeFile(temp, text, { mode });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The file's text, or undefined when it does not exist. */
export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
