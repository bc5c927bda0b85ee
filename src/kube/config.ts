// Where scalerd finds its cluster, in kubectl's order: the --kubeconfig flag, else the
// KUBECONFIG variable (a list of files, merged: the first to name a current context, or
// to define a name, wins), else ~/.kube/config, else the in-cluster service account
// (token file plus KUBERNETES_SERVICE_HOST/PORT). Unlike client-node's loadFromDefault it
// never falls back to http://localhost:8080, and when nothing works the error names every
// place it looked. Validated eagerly: the chosen context must exist and have a server.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isIPv6 } from 'node:net';
import { type Cluster as KubeCluster, type Context as KubeContext, KubeConfig, type User as KubeUser } from '@kubernetes/client-node';
import { ScalerdError } from '../errors.js';

export type KubeConfigOptions = {
  /** A kubeconfig file (the --kubeconfig flag); when given, nothing else is tried. */
  readonly kubeconfig?: string;
  /** The context to use instead of the file's current-context. */
  readonly context?: string;
};

/** What the loader reads besides its options; tests pass their own. */
export type KubeConfigEnvironment = {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string | undefined;
  /** Where the service account's token, ca.crt and namespace are mounted. */
  readonly serviceAccountDir: string;
};

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function defaultEnvironment(): KubeConfigEnvironment {
  return { env: process.env, homeDir: safeHomeDir(), serviceAccountDir: SERVICE_ACCOUNT_DIR };
}

export class KubeConfigError extends ScalerdError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SCALERD_ERR_KUBE_CONFIG', message, options);
  }
}

export function loadKubeConfig(options: KubeConfigOptions = {}, environment: KubeConfigEnvironment = defaultEnvironment()): KubeConfig {
  const kc = findKubeConfig(options, environment);
  if (options.context !== undefined) {
    if (!kc.getContextObject(options.context)) {
      throw new KubeConfigError(`the context ${JSON.stringify(options.context)} is not in the kubeconfig (contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`);
    }
    kc.setCurrentContext(options.context);
  }
  const context = kc.getContextObject(kc.getCurrentContext());
  if (!context) throw new KubeConfigError(kc.getCurrentContext() ? `the current context ${JSON.stringify(kc.getCurrentContext())} is not defined in the kubeconfig` : 'the kubeconfig names no current context; pass --context');
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new KubeConfigError(`the context ${JSON.stringify(context.name)} has no cluster with a server`);
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify && !cluster.proxyUrl) {
    // client-node 1.x refuses such a cluster at the first request, with a plain Error.
    throw new KubeConfigError(`the cluster ${JSON.stringify(cluster.name)} is plain HTTP (${cluster.server}); client-node 1.x allows that only with insecure-skip-tls-verify: true`);
  }
  return kc;
}

function findKubeConfig(options: KubeConfigOptions, environment: KubeConfigEnvironment): KubeConfig {
  const tried: string[] = [];
  if (options.kubeconfig !== undefined) return fromFiles([options.kubeconfig], '--kubeconfig', { required: true });

  const list = environment.env.KUBECONFIG;
  if (list) {
    const files = list.split(delimiter).filter((file) => file !== '');
    const existing = files.filter((file) => existsSync(file));
    if (existing.length > 0) return fromFiles(existing, 'KUBECONFIG', { required: false });
    tried.push(`KUBECONFIG=${list} (no such file)`);
  } else {
    tried.push('KUBECONFIG (not set)');
  }

  if (environment.homeDir) {
    const file = join(environment.homeDir, '.kube', 'config');
    if (existsSync(file)) return fromFiles([file], '~/.kube/config', { required: false });
    tried.push(`${file} (no such file)`);
  } else {
    tried.push('~/.kube/config (no home directory)');
  }

  const inCluster = fromServiceAccount(environment);
  if (typeof inCluster !== 'string') return inCluster;
  tried.push(inCluster);
  throw new KubeConfigError(`no kubeconfig found; tried: --kubeconfig (not given), ${tried.join(', ')}`);
}

function fromFiles(files: readonly string[], source: string, { required }: { required: boolean }): KubeConfig {
  const merged = { clusters: [] as KubeCluster[], users: [] as KubeUser[], contexts: [] as KubeContext[], currentContext: '' };
  for (const file of files) {
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(file);
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      if (missing && !required) continue;
      throw new KubeConfigError(`the kubeconfig ${file} (from ${source}) ${missing ? 'does not exist' : `cannot be read: ${(error as Error).message}`}`, { cause: error });
    }
    const add = <T extends { name: string }>(into: T[], items: readonly T[]) => {
      for (const item of items) if (!into.some((known) => known.name === item.name)) into.push(item);
    };
    add(merged.clusters, kc.getClusters());
    add(merged.users, kc.getUsers());
    add(merged.contexts, kc.getContexts());
    if (!merged.currentContext && kc.getCurrentContext()) merged.currentContext = kc.getCurrentContext();
  }
  const kc = new KubeConfig();
  // A token read from a file keeps its trailing newline in client-node; client-go trims it.
  kc.loadFromOptions({ ...merged, users: merged.users.map((user) => (user.token !== undefined ? { ...user, token: user.token.trim() } : user)) });
  return kc;
}

/** The in-cluster configuration, or a note on why there is none. */
function fromServiceAccount(environment: KubeConfigEnvironment): KubeConfig | string {
  const host = environment.env.KUBERNETES_SERVICE_HOST;
  const port = environment.env.KUBERNETES_SERVICE_PORT;
  const dir = environment.serviceAccountDir;
  if (!host || !port) return 'in-cluster (KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT not set)';
  const tokenFile = join(dir, 'token');
  if (!existsSync(tokenFile)) return `in-cluster (no service account token at ${tokenFile})`;
  const caFile = join(dir, 'ca.crt');
  const namespaceFile = join(dir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'in-cluster', server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`, skipTLSVerify: false, ...(existsSync(caFile) ? { caFile } : {}) }],
    // client-node's tokenFile provider re-reads the file every minute, as client-go does, so
    // a rotated (bound, expiring) service account token keeps working.
    users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster', ...(namespace ? { namespace } : {}) }],
    currentContext: 'in-cluster',
  });
  return kc;
}

function safeHomeDir(): string | undefined {
  try {
    return homedir() || undefined;
  } catch {
    return undefined;
  }
}
