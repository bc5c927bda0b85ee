// The policy check is a pure function of (descriptor, policy): what passes each level, the
// namespace list, and which webhook hosts count as internal or allowed. The corpus
// (policy-corpus.test.ts) covers each rule broken; this covers what must pass.

import { describe, expect, it } from 'vitest';
import { type DeployerPolicy, hostAllowed, isInternalAddress, isInternalName, policyViolations } from '../../../src/deployer/descriptor/policy/index.js';
import type { PodSpec } from '../../../src/deployer/descriptor/index.js';

const policy = (more: Partial<DeployerPolicy> = {}): DeployerPolicy => ({ namespaces: ['default'], podSecurity: 'baseline', webhooks: { allowHttp: false, allowedHosts: [] }, ...more });
const subject = (podSpec: PodSpec, more: { namespace?: string; webhooks?: { url: string }[] } = {}) => ({ namespace: 'default', podSpec, ...more });
const plain: PodSpec = { containers: [{ name: 'app', image: 'scalerd/test-app:1', ports: [{ containerPort: 8080 }] }] };

describe('policyViolations', () => {
  it('a plain pod passes baseline; the allowed values pass too', () => {
    expect(policyViolations(subject(plain), policy())).toEqual([]);
    const allowedValues: PodSpec = {
      hostNetwork: false,
      securityContext: { seccompProfile: { type: 'RuntimeDefault' }, seLinuxOptions: { type: 'container_t' }, sysctls: [{ name: 'net.ipv4.ping_group_range', value: '0 1' }], appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-app' } },
      volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'config', configMap: { name: 'app' } }],
      containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: 8080, hostPort: 0 }], securityContext: { privileged: false, procMount: 'Default', capabilities: { add: ['NET_BIND_SERVICE', 'CHOWN'] } } }],
    };
    expect(policyViolations(subject(allowedValues), policy())).toEqual([]);
  });

  it('restricted: the hardened pod passes, a plain one breaks every restricted rule it can', () => {
    const hardened: PodSpec = {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: 8080 }], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }],
    };
    expect(policyViolations(subject(hardened), policy({ podSecurity: 'restricted' }))).toEqual([]);
    expect(policyViolations(subject(plain), policy({ podSecurity: 'restricted' })).map((v) => v.rule)).toEqual([
      'restricted/privilege-escalation', 'restricted/run-as-non-root', 'restricted/seccomp', 'restricted/capabilities',
    ]);
    // Windows pods are exempt from the Linux-only controls, as upstream.
    expect(policyViolations(subject({ ...plain, os: { name: 'windows' } }), policy({ podSecurity: 'restricted' })).map((v) => v.rule)).toEqual(['restricted/run-as-non-root']);
  });

  it('namespaces: only those listed ("any" only when asked for)', () => {
    expect(policyViolations(subject(plain, { namespace: 'kube-system' }), policy()).map((v) => v.rule)).toEqual(['namespace']);
    expect(policyViolations(subject(plain, { namespace: 'kube-system' }), policy({ namespaces: 'any' }))).toEqual([]);
  });

  it('webhooks: a public https host passes; an allow-listed internal one too', () => {
    expect(policyViolations(subject(plain, { webhooks: [{ url: 'https://hooks.example.com/x?channel=ops' }] }), policy())).toEqual([]);
    const internal = { webhooks: [{ url: 'https://10.0.0.7/hook' }, { url: 'https://receiver.ops.svc.cluster.local/hook' }] };
    expect(policyViolations(subject(plain, internal), policy()).map((v) => v.rule)).toEqual(['webhook/internal-host', 'webhook/internal-host']);
    expect(policyViolations(subject(plain, internal), policy({ webhooks: { allowHttp: false, allowedHosts: ['10.0.0.7', '*.svc.cluster.local'] } }))).toEqual([]);
  });
});

describe('internal hosts and the allow-list', () => {
  it('classifies addresses, IPv6 and mapped IPv4 included', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.31.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:7f00:1', '[::ffff:a00:1]']) expect(isInternalAddress(a), a).toBe(true);
    for (const a of ['8.8.8.8', '172.32.0.1', '2001:4860:4860::8888', 'hooks.example.com']) expect(isInternalAddress(a), a).toBe(false);
    for (const n of ['localhost', 'admin', 'x.localhost', 'db.local', 'api.internal', 'etcd.kube-system.svc', 'a.b.svc.cluster.local']) expect(isInternalName(n), n).toBe(true);
    expect(isInternalName('hooks.example.com')).toBe(false);
  });

  it('matches exact names and *.domain (not the domain itself)', () => {
    expect(hostAllowed('hooks.example.com', ['HOOKS.example.com'])).toBe(true);
    expect(hostAllowed('a.chat.example.com', ['*.chat.example.com'])).toBe(true);
    expect(hostAllowed('chat.example.com', ['*.chat.example.com'])).toBe(false);
    expect(hostAllowed('evilchat.example.com', ['*.chat.example.com'])).toBe(false);
    expect(hostAllowed('[::1]', ['::1'])).toBe(true);
  });
});
