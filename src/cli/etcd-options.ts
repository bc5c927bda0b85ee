// The etcd flags `scalerd deployer` and `scalerd lb-sync` share: where etcd is, TLS, and
// password auth. Each can come from <prefix>ETCD… environment variables (a container's
// Secret mounted as files, or env). Checked whole before anything connects, so a wrong
// combination is a usage error that says what to change, not a TLS handshake failure.

import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { parseEtcdHosts, type EtcdConnection } from '../deployer/etcd/connection.js';
import { UsageError } from '../errors.js';
import { envOption } from './env-options.js';
import { readSecret } from './secrets.js';

export type EtcdFlags = {
  etcd?: string; etcdCa?: string; etcdCert?: string; etcdKey?: string; etcdUser?: string; etcdPasswordFile?: string;
};

/** Adds --etcd, --etcd-ca, --etcd-cert, --etcd-key, --etcd-user, --etcd-password-file; env `${prefix}ETCD…`. */
export function addEtcdOptions(command: Command, prefix: string): Command {
  const env = envOption(prefix);
  return command
    .addOption(env(new Option('--etcd <urls>', 'etcd client URLs, comma-separated (https:// for TLS)'), 'ETCD'))
    .addOption(env(new Option('--etcd-ca <file>', 'PEM: the CA that signed etcd\'s certificate (default: the system\'s)'), 'ETCD_CA'))
    .addOption(env(new Option('--etcd-cert <file>', 'PEM: a client certificate, for etcd\'s --client-cert-auth (with --etcd-key)'), 'ETCD_CERT'))
    .addOption(env(new Option('--etcd-key <file>', 'PEM: the client certificate\'s key'), 'ETCD_KEY'))
    .addOption(env(new Option('--etcd-user <name>', 'etcd user, when etcd\'s auth is enabled'), 'ETCD_USER'))
    .addOption(env(new Option('--etcd-password-file <file>', `the etcd user's password (or ${prefix}ETCD_PASSWORD)`), 'ETCD_PASSWORD_FILE'));
}

const usage = (message: string) => new UsageError('SCALERD_ERR_CLI_USAGE', message);

const PEM = {
  certificate: { pattern: /-----BEGIN CERTIFICATE-----/, block: 'CERTIFICATE' },
  key: { pattern: /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/, block: 'PRIVATE KEY' },
} as const;

async function pem(flag: string, file: string, kind: keyof typeof PEM): Promise<Buffer> {
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch (error) {
    throw usage(`${flag} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!PEM[kind].pattern.test(content.toString('latin1'))) throw usage(`${flag} ${file} is not a PEM ${kind}: expected a -----BEGIN ${PEM[kind].block}----- block`);
  return content;
}

/** The connection the flags describe, with the files read. `command` names the command in messages. */
export async function readEtcdConnection(flags: EtcdFlags, prefix: string, command: string): Promise<EtcdConnection> {
  if (!flags.etcd) throw usage(`${command} needs --etcd <urls> (or ${prefix}ETCD)`);
  const hosts = parseEtcdHosts(flags.etcd);
  const tls = hosts[0]!.startsWith('https:');
  const tlsFlags = [['--etcd-ca', flags.etcdCa], ['--etcd-cert', flags.etcdCert], ['--etcd-key', flags.etcdKey]].filter(([, v]) => v);
  if (!tls && tlsFlags.length > 0) throw usage(`${tlsFlags.map(([f]) => f).join(', ')}: TLS settings, but --etcd ${hosts.join(',')} is http://; give the https:// URLs`);
  if (Boolean(flags.etcdCert) !== Boolean(flags.etcdKey)) throw usage('--etcd-cert and --etcd-key go together: a client certificate needs its key');
  const password = await readSecret({ flag: '--etcd-password-file', file: flags.etcdPasswordFile, variable: `${prefix}ETCD_PASSWORD` });
  if (flags.etcdUser && password === undefined) throw usage(`--etcd-user ${flags.etcdUser} needs a password: --etcd-password-file <file> or ${prefix}ETCD_PASSWORD`);
  if (!flags.etcdUser && password !== undefined) throw usage('an etcd password is given without --etcd-user');
  return {
    hosts,
    ...(flags.etcdCa ? { ca: await pem('--etcd-ca', flags.etcdCa, 'certificate') } : {}),
    ...(flags.etcdCert && flags.etcdKey ? {
      client: { cert: await pem('--etcd-cert', flags.etcdCert, 'certificate'), key: await pem('--etcd-key', flags.etcdKey, 'key') },
    } : {}),
    ...(flags.etcdUser && password !== undefined ? { auth: { username: flags.etcdUser, password } } : {}),
  };
}
