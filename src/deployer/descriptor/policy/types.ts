// The operator's policy for descriptors (docs/deployer-descriptor.md, "Policy"): which
// namespaces a deployer token may deploy to, the Pod Security Standards level every pod
// spec must meet, and where a descriptor's webhooks may point. A descriptor outside it is
// refused (422) when validated, stored, deployed, or redeployed by the registry webhook.

/** The Pod Security Standards level enforced (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export type PodSecurityLevel = 'baseline' | 'restricted';
export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = ['baseline', 'restricted'];

export type WebhookPolicy = {
  /** Whether http:// webhook URLs are allowed (default: https only). */
  readonly allowHttp: boolean;
  /**
   * Hosts webhooks may call: exact names or IP addresses, or `*.example.com` for any name
   * under it. Empty: any public host. A host listed here may be internal (loopback,
   * link-local, private): that is how an operator allows an in-cluster receiver.
   */
  readonly allowedHosts: readonly string[];
};

export type DeployerPolicy = {
  /** The namespaces descriptors may name; 'any' only where a test or a library user says so. */
  readonly namespaces: readonly string[] | 'any';
  readonly podSecurity: PodSecurityLevel;
  readonly webhooks: WebhookPolicy;
};

/** Stable names of the rules, as the 422's details.rule and docs/deployer-descriptor.md give them. */
export type PolicyRule =
  | 'namespace'
  | 'baseline/host-process' | 'baseline/host-namespaces' | 'baseline/privileged' | 'baseline/capabilities'
  | 'baseline/host-path-volumes' | 'baseline/host-ports' | 'baseline/apparmor' | 'baseline/selinux'
  | 'baseline/proc-mount' | 'baseline/seccomp' | 'baseline/sysctls'
  | 'restricted/volume-types' | 'restricted/privilege-escalation' | 'restricted/run-as-non-root'
  | 'restricted/run-as-user' | 'restricted/seccomp' | 'restricted/capabilities'
  | 'webhook/https' | 'webhook/credentials' | 'webhook/host-not-allowed' | 'webhook/internal-host';

/** One rule a descriptor breaks, at the JSON pointer of the value at fault. */
export type PolicyViolation = {
  readonly rule: PolicyRule;
  readonly pointer: string;
  readonly message: string;
  readonly hint: string;
};

/** For tests and library users who have no policy of their own: PSS baseline, https webhooks to public hosts, any namespace. */
export const OPEN_NAMESPACES_POLICY: DeployerPolicy = {
  namespaces: 'any',
  podSecurity: 'baseline',
  webhooks: { allowHttp: false, allowedHosts: [] },
};
