// lb-sync's settings, checked when it starts rather than at first use: the paths end up
// in haproxy.cfg, so they must be absolute and hold nothing haproxy's parser reads
// specially; the bind address must be one haproxy can listen on.

import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname, isAbsolute, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { type Certificates, readCertificates, type TlsOptions } from './tls.js';

const usage = (message: string): UsageError => new UsageError('SCALERD_ERR_CLI_USAGE', message);

/** `127.0.0.1:8000`, `[::1]:8000`, `0.0.0.0:80` → host and port. */
export function parseBind(value: string, flag = '--bind'): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(value);
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (!m || host === undefined || isIP(host) === 0 || !(port >= 1 && port <= 65_535)) {
    throw usage(`${flag}: "${value}" must be <IPv4>:<port> or [<IPv6>]:<port>, such as 127.0.0.1:8000`);
  }
  return { host, port };
}

/** An absolute path safe to write into haproxy.cfg (no whitespace, quotes, backslash, `#`, `$`, commas). */
export function haproxyPath(flag: string, value: string): string {
  const path = isAbsolute(value) ? value : resolve(value);
  if (/[\s'"\\#$,]/.test(path)) throw usage(`${flag}: "${path}" holds a character haproxy.cfg cannot take as it is (whitespace, quote, backslash, #, $ or comma)`);
  return path;
}

/** The config file's directory must exist and be writable: hosts.map and server-state go there too. */
export async function checkConfigDir(configFile: string): Promise<void> {
  try {
    await access(dirname(configFile), constants.W_OK);
  } catch (error) {
    throw usage(`--haproxy-config: cannot write in ${dirname(configFile)}: ${(error as Error).message}`);
  }
}

/** `--tls-bind` and `--tls-cert-dir` go together; the directory must hold a certificate haproxy can load. */
export async function parseTls(bind: string | undefined, certDir: string | undefined): Promise<TlsOptions | undefined> {
  if (!bind && !certDir) return undefined;
  if (!bind || !certDir) throw usage('--tls-bind and --tls-cert-dir go together: where haproxy serves HTTPS, and the certificates it serves');
  const dir = haproxyPath('--tls-cert-dir', certDir);
  let found: Certificates;
  try {
    found = await readCertificates(dir);
  } catch (error) {
    throw usage(`--tls-cert-dir: cannot read ${dir}: ${(error as Error).message}`);
  }
  if (found.pems.size === 0) {
    throw usage(`--tls-cert-dir: ${dir} holds no certificate with its key${found.problems.length > 0 ? ` (${found.problems.join('; ')})` : ''}; give PEM files with their key, or <name>.crt with <name>.key as a TLS Secret has them`);
  }
  return { bind: parseBind(bind, '--tls-bind'), certDir: dir };
}
