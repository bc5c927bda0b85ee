// A kubeconfig user's `exec:` section, checked at load: the client.authentication.k8s.io
// versions client-go still speaks (v1, v1beta1), a command, and a plugin that can run
// without a terminal, since scalerd has none to offer.

import { resolve } from 'node:path';
import { KubeConfigError } from './config-error.js';
import { isMap } from './kubeconfig.js';

export const EXEC_API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'] as const;
export type ExecApiVersion = (typeof EXEC_API_VERSIONS)[number];

export type ExecConfig = {
  readonly apiVersion: ExecApiVersion;
  readonly command: string;
  readonly args: readonly string[];
  /** Added to scalerd's own environment for the plugin. */
  readonly env: readonly { readonly name: string; readonly value: string }[];
  /** Whether the plugin is told the cluster (KUBERNETES_EXEC_INFO spec.cluster). */
  readonly provideClusterInfo: boolean;
  readonly installHint?: string;
};

/** The plugin configuration; a command with a slash in it is relative to `dir`, the kubeconfig's folder, as in client-go. */
export function readExecConfig(raw: unknown, where: string, dir: string): ExecConfig {
  if (!isMap(raw)) throw new KubeConfigError(`the exec section of the ${where} is not a map`);
  const apiVersion = raw.apiVersion;
  if (!EXEC_API_VERSIONS.includes(apiVersion as ExecApiVersion)) {
    throw new KubeConfigError(`the exec plugin of the ${where} asks for apiVersion ${JSON.stringify(apiVersion ?? null)}; scalerd speaks ${EXEC_API_VERSIONS.join(' and ')} (v1alpha1 was removed in Kubernetes 1.24): update the plugin's configuration`);
  }
  if (typeof raw.command !== 'string' || raw.command === '') throw new KubeConfigError(`the exec plugin of the ${where} has no command`);
  if (raw.interactiveMode === 'Always') {
    throw new KubeConfigError(`the exec plugin of the ${where} needs a terminal (interactiveMode: Always), which scalerd, a daemon, cannot give it; configure the plugin to run non-interactively`);
  }
  const args = raw.args ?? [];
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) throw new KubeConfigError(`the exec plugin of the ${where} has args that are not a list of strings`);
  const env = raw.env ?? [];
  if (!Array.isArray(env) || !env.every((e) => isMap(e) && typeof e.name === 'string' && typeof e.value === 'string')) {
    throw new KubeConfigError(`the exec plugin of the ${where} has an env that is not a list of {name, value} strings`);
  }
  return {
    apiVersion: apiVersion as ExecApiVersion,
    command: raw.command.includes('/') ? resolve(dir, raw.command) : raw.command,
    args: args as string[],
    env: (env as { name: string; value: string }[]).map(({ name, value }) => ({ name, value })),
    provideClusterInfo: raw.provideClusterInfo === true,
    ...(typeof raw.installHint === 'string' && raw.installHint ? { installHint: raw.installHint } : {}),
  };
}
