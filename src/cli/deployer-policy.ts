// `scalerd deployer`'s policy flags, read into a DeployerPolicy and checked whole at start:
// a namespace that cannot exist, an unknown level or a host pattern that matches nothing
// is a usage error (exit 2) that says what to write instead.

import { isIP } from 'node:net';
import { type DeployerPolicy, POD_SECURITY_LEVELS, type PodSecurityLevel } from '../deployer/descriptor/policy/index.js';
import { UsageError } from '../errors.js';

export type PolicyFlags = {
  namespaces?: string;
  podSecurity: string;
  webhookHosts?: string;
  webhookAllowHttp: boolean;
};

const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const HOST = /^(\*\.)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;

const usage = (message: string) => new UsageError('SCALERD_ERR_CLI_USAGE', message);
const items = (value: string | undefined): string[] => (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');

/** `contextNamespace`: the kubeconfig context's namespace (in a pod, its own): the default when --namespaces is not given. */
export function policyFromFlags(flags: PolicyFlags, contextNamespace: string | undefined): DeployerPolicy {
  const namespaces = flags.namespaces === undefined ? [contextNamespace ?? 'default'] : items(flags.namespaces);
  if (namespaces.length === 0) throw usage('--namespaces is empty: name the namespaces the deployer may deploy to, comma-separated');
  const bad = namespaces.find((ns) => !NAMESPACE.test(ns));
  if (bad !== undefined) throw usage(`--namespaces: "${bad}" is not a namespace (a DNS label: lowercase letters, digits and '-')`);
  if (!(POD_SECURITY_LEVELS as readonly string[]).includes(flags.podSecurity)) throw usage(`--pod-security ${flags.podSecurity}: expected ${POD_SECURITY_LEVELS.join(' or ')}`);
  const allowedHosts = items(flags.webhookHosts).map((h) => h.toLowerCase());
  const badHost = allowedHosts.find((h) => !HOST.test(h) && isIP(h.replace(/^\[|\]$/g, '')) === 0);
  if (badHost !== undefined) throw usage(`--webhook-hosts: "${badHost}" is not a host name, *.domain or IP address`);
  return { namespaces, podSecurity: flags.podSecurity as PodSecurityLevel, webhooks: { allowHttp: flags.webhookAllowHttp, allowedHosts } };
}
