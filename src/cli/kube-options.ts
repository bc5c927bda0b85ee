// The Kubernetes half of the connection flags (--kubeconfig, --context, --qps, --burst)
// and the adapter plumbing built from them, for commands that talk to the cluster only
// (override). addConnectionOptions adds the same flags for the commands that also act on
// AWS, so the two stay worded alike.

import type { Command } from 'commander';
import { timerSleep } from '../actuate/types.js';
import { DEFAULT_BURST, DEFAULT_QPS, type KubeDeps, createKubeDeps } from '../kube/cluster.js';
import { loadKubeConfig } from '../kube/config.js';
import type { KubeTarget } from '../kube/target.js';
import { MAX_BURST, MAX_QPS, positiveNumberArg, wholeNumberArg } from './arguments.js';
import type { CliIo } from './io.js';

export type KubeOptions = {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly qps?: number;
  readonly burst?: number;
};

export function addKubeOptions(command: Command): Command {
  return command
    .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster)')
    .option('--context <name>', 'kubeconfig context (default: its current-context)')
    .option('--qps <n>', `Kubernetes requests per second, sustained (default ${DEFAULT_QPS})`, positiveNumberArg(MAX_QPS))
    .option('--burst <n>', `Kubernetes requests at once after a quiet spell (default ${DEFAULT_BURST})`, wholeNumberArg(1, MAX_BURST));
}

/** The cluster and identity, and the adapter's plumbing, configured eagerly: a bad kubeconfig fails here, before any request. */
export function connectKube(options: KubeOptions, io: CliIo, clientId: string): { target: KubeTarget; deps: KubeDeps } {
  const target = loadKubeConfig({
    ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context !== undefined ? { context: options.context } : {}),
  });
  const deps = createKubeDeps({
    target, clientId, clock: io.clock, sleep: io.sleep ?? timerSleep,
    ...(options.qps !== undefined ? { qps: options.qps } : {}),
    ...(options.burst !== undefined ? { burst: options.burst } : {}),
  });
  return { target, deps };
}

