// `scalerd deployer`'s policy flags: --namespaces (default: the kubeconfig context's
// namespace), --pod-security, --webhook-hosts, --webhook-allow-http, read into the policy
// and checked whole at start (a usage error names the flag and what to write).

import { describe, expect, it } from 'vitest';
import { policyFromFlags } from '../../src/cli/deployer-policy.js';

const flags = { podSecurity: 'baseline', webhookAllowHttp: false };

describe('the deployer\'s policy flags', () => {
  it('default to the context\'s namespace (else "default"), baseline, https webhooks to public hosts', () => {
    expect(policyFromFlags(flags, 'shop')).toEqual({ namespaces: ['shop'], podSecurity: 'baseline', webhooks: { allowHttp: false, allowedHosts: [] } });
    expect(policyFromFlags(flags, undefined).namespaces).toEqual(['default']);
  });

  it('take lists, a level and the http switch', () => {
    expect(policyFromFlags({ namespaces: 'shop, web ,', podSecurity: 'restricted', webhookHosts: 'Hooks.Example.com,*.chat.example.com,10.0.0.7', webhookAllowHttp: true }, 'x')).toEqual({
      namespaces: ['shop', 'web'], podSecurity: 'restricted', webhooks: { allowHttp: true, allowedHosts: ['hooks.example.com', '*.chat.example.com', '10.0.0.7'] },
    });
  });

  it('refuse what cannot be meant, as usage errors naming the flag', () => {
    const usage = (message: RegExp) => expect.objectContaining({ code: 'SCALERD_ERR_CLI_USAGE', message: expect.stringMatching(message) });
    expect(() => policyFromFlags({ ...flags, namespaces: ' , ' }, 'x')).toThrow(usage(/^--namespaces is empty/));
    expect(() => policyFromFlags({ ...flags, namespaces: 'Kube_System' }, 'x')).toThrow(usage(/^--namespaces: "Kube_System" is not a namespace/));
    expect(() => policyFromFlags({ ...flags, podSecurity: 'privileged' }, 'x')).toThrow(usage(/^--pod-security privileged: expected baseline or restricted/));
    expect(() => policyFromFlags({ ...flags, webhookHosts: 'https://hooks.example.com' }, 'x')).toThrow(usage(/^--webhook-hosts: "https:\/\/hooks.example.com" is not a host name/));
  });
});
