// The cluster scalerd talks to and the identity it talks as, resolved from the merged
// kubeconfig for one context and checked eagerly: certificate files are read now, so a
// wrong path fails at start-up, not at the first request. What scalerd cannot do is refused
// here with the way out (auth-provider plugins, basic auth, SOCKS proxies), rather than
// ignored: a request sent without the credentials the user configured would fail later
// with a 401 that names none of this.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KubeConfigError } from './config-error.js';
import { type ExecConfig, readExecConfig } from './exec-config.js';
import { type MergedKubeconfig, type RawEntry, baseDir, isMap } from './kubeconfig.js';

export type KubeCluster = {
  readonly name: string;
  /** The API server's URL, without a trailing slash. */
  readonly server: string;
  /** PEM of the CA to trust instead of the system's (certificate-authority or -data). */
  readonly ca?: Buffer;
  readonly insecureSkipTlsVerify: boolean;
  /** The name to check the server's certificate against, when it is not the server's host. */
  readonly tlsServerName?: string;
  /** An http:// or https:// proxy the connection goes through (CONNECT). */
  readonly proxyUrl?: string;
};

export type KubeUser = {
  readonly name: string;
  /** A bearer token, trimmed. */
  readonly token?: string;
  /** A file holding the bearer token, re-read as it rotates (only when there is no token). */
  readonly tokenFile?: string;
  /** A client certificate and its key, PEM. */
  readonly clientCertificate?: { readonly cert: Buffer; readonly key: Buffer };
  /** A credential plugin run for a token or a client certificate. */
  readonly exec?: ExecConfig;
  /** The user to act as (Impersonate-User). */
  readonly impersonate?: string;
};

/** Where scalerd connects and as whom: what loadKubeConfig resolves and the transport uses. */
export type KubeTarget = {
  /** The context's name ("in-cluster" for the service account). */
  readonly context: string;
  /** The context's namespace, when it names one. */
  readonly namespace?: string;
  readonly cluster: KubeCluster;
  readonly user: KubeUser;
};

/** The target of `contextName` in `config`; throws a KubeConfigError saying what is wrong and how to fix it. */
export function resolveTarget(config: MergedKubeconfig, contextName: string): KubeTarget {
  const context = config.contexts.find((c) => c.name === contextName)!;
  const clusterName = text(context, 'cluster', `context "${contextName}"`);
  const clusterEntry = config.clusters.find((c) => c.name === clusterName);
  if (!clusterEntry || !clusterEntry.fields.server) throw new KubeConfigError(`the context ${JSON.stringify(contextName)} has no cluster with a server`);
  // A user the file does not define sends no credentials, as kubectl then does (anonymous).
  const userName = text(context, 'user', `context "${contextName}"`);
  const userEntry = userName ? config.users.find((u) => u.name === userName) : undefined;
  const namespace = text(context, 'namespace', `context "${contextName}"`);
  return {
    context: contextName,
    ...(namespace ? { namespace } : {}),
    cluster: readCluster(clusterEntry),
    user: userEntry ? readUser(userEntry) : { name: '' },
  };
}

function readCluster(entry: RawEntry): KubeCluster {
  const where = `cluster "${entry.name}" (in ${entry.file})`;
  const server = text(entry, 'server', where)!.replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new KubeConfigError(`the ${where} has the server ${JSON.stringify(server)}, which is not a URL; write it as https://host:port`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new KubeConfigError(`the ${where} has the server ${server}: only https:// (or http://) servers are supported`);
  const proxyUrl = text(entry, 'proxy-url', where);
  if (proxyUrl !== undefined && !/^https?:\/\//.test(proxyUrl)) {
    throw new KubeConfigError(`the ${where} goes through the proxy-url ${redactUrl(proxyUrl)}; scalerd supports http:// and https:// proxies only (no SOCKS): use an HTTP CONNECT proxy`);
  }
  const ca = pem(entry, 'certificate-authority', where);
  const tlsServerName = text(entry, 'tls-server-name', where);
  return {
    name: entry.name,
    server,
    ...(ca ? { ca } : {}),
    insecureSkipTlsVerify: entry.fields['insecure-skip-tls-verify'] === true,
    ...(tlsServerName ? { tlsServerName } : {}),
    ...(proxyUrl ? { proxyUrl } : {}),
  };
}

/** Plugins client-go once carried, and the exec plugin that replaces each. */
const AUTH_PROVIDER_HELP: Readonly<Record<string, string>> = {
  oidc: 'use the exec plugin kubelogin (kubectl oidc-login, https://github.com/int128/kubelogin) instead',
  gcp: 'use the exec plugin gke-gcloud-auth-plugin instead (gcloud container clusters get-credentials writes it)',
  azure: 'use the exec plugin kubelogin (https://github.com/Azure/kubelogin; kubelogin convert-kubeconfig writes it) instead',
};

function readUser(entry: RawEntry): KubeUser {
  const where = `user "${entry.name}" (in ${entry.file})`;
  const fields = entry.fields;
  const provider = fields['auth-provider'];
  if (provider !== undefined && provider !== null) {
    const name = isMap(provider) && typeof provider.name === 'string' ? provider.name : '?';
    const help = AUTH_PROVIDER_HELP[name] ?? 'use an exec credential plugin (user.exec) instead';
    throw new KubeConfigError(`the ${where} authenticates with the auth-provider "${name}", which scalerd does not support; ${help}`);
  }
  if (fields.username !== undefined || fields.password !== undefined) {
    throw new KubeConfigError(`the ${where} authenticates with a username and password (basic auth), which Kubernetes no longer offers and scalerd does not support; use a token, a client certificate or an exec plugin`);
  }
  for (const unsupported of ['as-groups', 'as-uid', 'as-user-extra']) {
    if (fields[unsupported] !== undefined) throw new KubeConfigError(`the ${where} sets ${unsupported}, which scalerd does not support (only as: a user to impersonate); remove it or use a user without impersonation`);
  }
  const rawToken = text(entry, 'token', where)?.trim();
  const tokenFileName = text(entry, 'token-file', where);
  const tokenFile = tokenFileName ? resolve(baseDir(entry), tokenFileName) : undefined;
  const exec = fields.exec === undefined || fields.exec === null ? undefined : readExecConfig(fields.exec, where, baseDir(entry));
  if (exec && (rawToken || tokenFile)) throw new KubeConfigError(`the ${where} has both a token and an exec plugin; keep one of them`);
  if (rawToken) checkToken(rawToken, `the token of the ${where}`);
  else if (tokenFile) checkToken(readTokenFile(tokenFile, where), `the token in ${tokenFile} (${where})`);
  const cert = pem(entry, 'client-certificate', where);
  const key = pem(entry, 'client-key', where);
  if (Boolean(cert) !== Boolean(key)) throw new KubeConfigError(`the ${where} has a client ${cert ? 'certificate without its key' : 'key without its certificate'}; give both client-certificate(-data) and client-key(-data)`);
  const impersonate = text(entry, 'as', where);
  return {
    name: entry.name,
    ...(rawToken ? { token: rawToken } : tokenFile ? { tokenFile } : {}),
    ...(cert && key ? { clientCertificate: { cert, key } } : {}),
    ...(exec ? { exec } : {}),
    ...(impersonate ? { impersonate } : {}),
  };
}

/** A token file's content, trimmed as client-go trims it; throws a KubeConfigError naming the file when it cannot be read. */
export function readTokenFile(file: string, where: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new KubeConfigError(`the token file ${file} of the ${where} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
}

/** Visible ASCII and spaces: what an HTTP header value may carry (RFC 9110 field-vchar). */
export const headerSafe = (value: string): boolean => /^[\x20-\x7e]+$/.test(value);

/** What makes a token unusable in an Authorization header (never quoting it); undefined when it is fine. */
export function tokenProblem(token: string): string | undefined {
  if (token === '') return 'is empty';
  if (!headerSafe(token)) return 'has a character an HTTP header cannot carry (a line break or a non-ASCII character); fix the token';
  return undefined;
}

/** A token that cannot go in an Authorization header fails here, with a KubeConfigError. */
export function checkToken(token: string, what: string): void {
  const problem = tokenProblem(token);
  if (problem) throw new KubeConfigError(`${what} ${problem}`);
}

/** A certificate or key: `<field>-data` (base64 PEM) or `<field>` (a PEM file). */
function pem(entry: RawEntry, field: string, where: string): Buffer | undefined {
  const data = text(entry, `${field}-data`, where);
  const file = text(entry, field, where);
  let bytes: Buffer;
  let source: string;
  if (data) {
    bytes = Buffer.from(data, 'base64');
    source = `${field}-data`;
  } else if (file) {
    const path = resolve(baseDir(entry), file);
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new KubeConfigError(`the ${where} names the ${field} ${path}, which cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
    }
    source = `${field} ${path}`;
  } else {
    return undefined;
  }
  if (!bytes.includes('-----BEGIN')) throw new KubeConfigError(`the ${source} of the ${where} is not PEM${data ? ' once base64-decoded' : ''}`);
  return bytes;
}

/** A string field, or undefined when absent; anything else is refused. */
function text(entry: RawEntry, field: string, where: string): string | undefined {
  const value = entry.fields[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new KubeConfigError(`the ${where} has a ${field} that is not a string`);
  return value;
}

/** A URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}
