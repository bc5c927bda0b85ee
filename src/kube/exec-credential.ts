// Credentials from an exec plugin (client.authentication.k8s.io v1 and v1beta1): the
// plugin is run without a terminal, with KUBERNETES_EXEC_INFO set as client-go sets it,
// and prints an ExecCredential holding a token or a client certificate. That credential is
// kept until its expirationTimestamp (for ever without one, as client-go keeps it) or until
// the API server refuses it (invalidate, on a 401). Requests that need it at the same time
// share one run of the plugin: 300 evictions must not start 300 `aws eks get-token`.

import { spawn } from 'node:child_process';
import type { Clock } from '../clock.js';
import type { ExecConfig } from './exec-config.js';
import { KubeCredentialError } from './rest-errors.js';
import { headerSafe, type KubeCluster } from './target.js';

export type ExecCredential = {
  readonly token?: string;
  /** PEM, as the plugin prints it. */
  readonly clientCertificate?: { readonly cert: string; readonly key: string };
  /** Epoch milliseconds; undefined when the plugin set no expiry. */
  readonly expiresAt?: number;
};

export type ExecResult = { readonly code: number | null; readonly stdout: string; readonly stderr: string };
/** Runs the plugin; tests pass their own. Rejects when it cannot be started. */
export type ExecRunner = (config: ExecConfig, env: NodeJS.ProcessEnv) => Promise<ExecResult>;

export type ExecCredentials = {
  get(): Promise<ExecCredential>;
  /** The API server refused the credential: the next get() runs the plugin again. */
  invalidate(): void;
};

/** How long a plugin may run: one that waits for input scalerd cannot give would hold every request. */
export const EXEC_TIMEOUT_MS = 60_000;

export function createExecCredentials(config: ExecConfig, cluster: KubeCluster, user: string, options: { clock: Clock; run?: ExecRunner }): ExecCredentials {
  const run = options.run ?? runPlugin;
  const what = `the exec plugin ${config.command} of the user "${user}"`;
  let cached: ExecCredential | undefined;
  let pending: Promise<ExecCredential> | undefined;

  async function refresh(): Promise<ExecCredential> {
    let result: ExecResult;
    try {
      result = await run(config, { ...process.env, ...Object.fromEntries(config.env.map((e) => [e.name, e.value])), KUBERNETES_EXEC_INFO: execInfo(config, cluster) });
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      const hint = missing && config.installHint ? `; ${config.installHint.trim()}` : '';
      throw new KubeCredentialError(`${what} ${missing ? 'is not installed (no such command)' : `cannot be run: ${(error as Error).message}`}${hint}`, { cause: error });
    }
    if (result.code !== 0) {
      const said = result.stderr.trim().slice(-500);
      throw new KubeCredentialError(`${what} failed (exit ${result.code ?? 'by signal'})${said ? `: ${said}` : ''}`);
    }
    return parseCredential(result.stdout, config, what);
  }

  return {
    async get() {
      if (cached && (cached.expiresAt === undefined || options.clock.now() < cached.expiresAt)) return cached;
      pending ??= refresh().then(
        (credential) => {
          cached = credential;
          pending = undefined;
          return credential;
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

/** The ExecCredential a plugin printed; what is malformed is named, what it holds never quoted. */
export function parseCredential(stdout: string, config: ExecConfig, what: string): ExecCredential {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new KubeCredentialError(`${what} printed something that is not JSON (an ExecCredential was expected)`);
  }
  const object = parsed as { apiVersion?: unknown; kind?: unknown; status?: Record<string, unknown> } | null;
  if (object?.kind !== 'ExecCredential') throw new KubeCredentialError(`${what} printed no ExecCredential (kind ${JSON.stringify(object?.kind ?? null)})`);
  if (object.apiVersion !== config.apiVersion) {
    throw new KubeCredentialError(`${what} answered in ${JSON.stringify(object.apiVersion ?? null)}, not the ${config.apiVersion} the kubeconfig asks for`);
  }
  const status = object.status ?? {};
  const { token, clientCertificateData: cert, clientKeyData: key, expirationTimestamp } = status;
  const hasToken = typeof token === 'string' && token !== '';
  const hasCert = typeof cert === 'string' && cert !== '' && typeof key === 'string' && key !== '';
  if (!hasToken && !hasCert) throw new KubeCredentialError(`${what} gave neither a token nor a client certificate and key`);
  if (hasToken && !headerSafe(token)) throw new KubeCredentialError(`${what} gave a token with a character an HTTP header cannot carry`);
  let expiresAt: number | undefined;
  if (expirationTimestamp !== undefined && expirationTimestamp !== null) {
    expiresAt = typeof expirationTimestamp === 'string' ? Date.parse(expirationTimestamp) : Number.NaN;
    if (Number.isNaN(expiresAt)) throw new KubeCredentialError(`${what} gave the expirationTimestamp ${JSON.stringify(expirationTimestamp)}, which is not an RFC 3339 time`);
  }
  return {
    ...(hasToken ? { token } : {}),
    ...(hasCert ? { clientCertificate: { cert, key } } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}

/** KUBERNETES_EXEC_INFO: never interactive; the cluster only when the kubeconfig says to provide it. */
function execInfo(config: ExecConfig, cluster: KubeCluster): string {
  const spec = {
    interactive: false,
    ...(config.provideClusterInfo
      ? {
          cluster: {
            server: cluster.server,
            ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
            ...(cluster.insecureSkipTlsVerify ? { 'insecure-skip-tls-verify': true } : {}),
            ...(cluster.ca ? { 'certificate-authority-data': cluster.ca.toString('base64') } : {}),
            ...(cluster.proxyUrl ? { 'proxy-url': cluster.proxyUrl } : {}),
          },
        }
      : {}),
  };
  return JSON.stringify({ apiVersion: config.apiVersion, kind: 'ExecCredential', spec });
}

const runPlugin: ExecRunner = (config, env) =>
  new Promise((resolve, reject) => {
    const child = spawn(config.command, [...config.args], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: EXEC_TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code, stdout, stderr: child.killed ? `${stderr}\n(stopped after ${EXEC_TIMEOUT_MS / 1000} s)` : stderr });
    });
  });
