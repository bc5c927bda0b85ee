// Where scalerd finds its cluster, in kubectl's order: the --kubeconfig flag, else the
// KUBECONFIG variable (a list of files, merged: the first to name a current context, or
// to define a name, wins), else ~/.kube/config, else the in-cluster service account
// (token file plus KUBERNETES_SERVICE_HOST/PORT). Unlike client-node's loadFromDefault it
// never falls back to http://localhost:8080, and when nothing works the error names every
// place it looked. Validated eagerly: the chosen context must exist and have a server, and
// its user's credentials must be of a kind scalerd can use (target.ts).

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isIPv6 } from 'node:net';
import { KubeConfigError } from './config-error.js';
import { EMPTY_KUBECONFIG, type MergedKubeconfig, mergeKubeconfigs, readKubeconfigFile } from './kubeconfig.js';
import { type KubeTarget, checkToken, readTokenFile, resolveTarget } from './target.js';

export { KubeConfigError } from './config-error.js';

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

export function loadKubeConfig(options: KubeConfigOptions = {}, environment: KubeConfigEnvironment = defaultEnvironment()): KubeTarget {
  const found = findKubeConfig(options, environment);
  if ('cluster' in found) return found; // in-cluster: one context, nothing to choose
  const names = () => found.contexts.map((c) => c.name).join(', ') || 'none';
  if (options.context !== undefined) {
    if (!found.contexts.some((c) => c.name === options.context)) {
      throw new KubeConfigError(`the context ${JSON.stringify(options.context)} is not in the kubeconfig (contexts: ${names()})`);
    }
    return resolveTarget(found, options.context);
  }
  const current = found.currentContext;
  if (!current) throw new KubeConfigError('the kubeconfig names no current context; pass --context');
  if (!found.contexts.some((c) => c.name === current)) throw new KubeConfigError(`the current context ${JSON.stringify(current)} is not defined in the kubeconfig`);
  return resolveTarget(found, current);
}

function findKubeConfig(options: KubeConfigOptions, environment: KubeConfigEnvironment): MergedKubeconfig | KubeTarget {
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

function fromFiles(files: readonly string[], source: string, { required }: { required: boolean }): MergedKubeconfig {
  let merged = EMPTY_KUBECONFIG;
  for (const file of files) {
    try {
      merged = mergeKubeconfigs(merged, readKubeconfigFile(file));
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      if (missing && !required) continue;
      // A file that is there but is not YAML needs fixing where it says, not another path.
      const unreadable = typeof (error as NodeJS.ErrnoException).code === 'string';
      const fix = !unreadable
        ? 'fix the YAML there, or point --kubeconfig at another kubeconfig'
        : source === '--kubeconfig' ? 'point --kubeconfig at a kubeconfig file this user can read' : `fix ${source}, or give --kubeconfig a kubeconfig file this user can read`;
      throw new KubeConfigError(`the kubeconfig ${file} (from ${source}) ${missing ? 'does not exist' : `cannot be read: ${(error as Error).message}`}; ${fix}`, { cause: error });
    }
  }
  return merged;
}

/** The in-cluster configuration, or a note on why there is none. */
function fromServiceAccount(environment: KubeConfigEnvironment): KubeTarget | string {
  const host = environment.env.KUBERNETES_SERVICE_HOST;
  const port = environment.env.KUBERNETES_SERVICE_PORT;
  const dir = environment.serviceAccountDir;
  if (!host || !port) return 'in-cluster (KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT not set)';
  const tokenFile = join(dir, 'token');
  if (!existsSync(tokenFile)) return `in-cluster (no service account token at ${tokenFile})`;
  checkToken(readTokenFile(tokenFile, 'service account'), `the service account token in ${tokenFile}`);
  const caFile = join(dir, 'ca.crt');
  const namespaceFile = join(dir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined;
  return {
    context: 'in-cluster',
    ...(namespace ? { namespace } : {}),
    cluster: {
      name: 'in-cluster',
      server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
      insecureSkipTlsVerify: false,
      ...(existsSync(caFile) ? { ca: readFileSync(caFile) } : {}),
    },
    // The token file is re-read every minute, as client-go does, so a rotated (bound,
    // expiring) service account token keeps working.
    user: { name: 'in-cluster', tokenFile },
  };
}

function safeHomeDir(): string | undefined {
  try {
    return homedir() || undefined;
  } catch {
    return undefined;
  }
}
