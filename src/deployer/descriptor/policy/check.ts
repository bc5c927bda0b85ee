// The policy check: a pure function of a descriptor and the operator's policy, the rules
// broken in document order of concern (namespace, then the pod spec, then the webhooks).

import type { PodSpec } from '../types.js';
import { baselineViolations } from './pod-security-baseline.js';
import { restrictedViolations } from './pod-security-restricted.js';
import type { DeployerPolicy, PolicyViolation } from './types.js';
import { webhookViolations } from './webhook-urls.js';

/** What the check reads of a descriptor: as written or with its defaults, the pointers are the same. */
export type PolicySubject = {
  readonly namespace: string;
  readonly podSpec: PodSpec;
  readonly webhooks?: readonly { readonly url: string }[];
};

export function policyViolations(descriptor: PolicySubject, policy: DeployerPolicy): PolicyViolation[] {
  return [
    ...namespaceViolations(descriptor.namespace, policy),
    ...(policy.podSecurity === 'restricted' ? restrictedViolations(descriptor.podSpec) : baselineViolations(descriptor.podSpec)),
    ...(descriptor.webhooks ?? []).flatMap((hook, i) => webhookViolations(hook.url, `/webhooks/${i}/url`, policy.webhooks)),
  ];
}

export function namespaceViolations(namespace: string, policy: Pick<DeployerPolicy, 'namespaces'>): PolicyViolation[] {
  if (policy.namespaces === 'any' || policy.namespaces.includes(namespace)) return [];
  return [{
    rule: 'namespace', pointer: '/namespace',
    message: `namespace "${namespace}" is not one this deployer deploys to (${policy.namespaces.join(', ') || 'none'})`,
    hint: 'use one of those namespaces, or have the operator add this one to --namespaces (and grant the deployer its Role there)',
  }];
}

/** "baseline/privileged at /podSpec/containers/0/securityContext/privileged: …": a violation as one line. */
export function describeViolation(v: PolicyViolation): string {
  return `${v.rule} at ${v.pointer}: ${v.message}`;
}
