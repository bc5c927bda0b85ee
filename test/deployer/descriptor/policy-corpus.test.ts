// The policy corpus: test/deployer/descriptor/policy-corpus/ holds one descriptor per case,
// named `<rule>[--variant].json` with the rule's `/` written `__`. Each breaks exactly that
// rule and nothing else, and the deployer refuses it with 422 SCALERD_ERR_API_POLICY naming
// the rule (message and details.rule) everywhere a descriptor comes in: validate, store
// (POST and PUT), deploy; nothing is stored or started. The credentials some carry (marked
// "hunter2") appear in no answer and no log line.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkDescriptorText, type Descriptor } from '../../../src/deployer/descriptor/index.js';
import { type DeployerPolicy, policyViolations } from '../../../src/deployer/descriptor/policy/index.js';
import { descriptor, startApi, text } from '../api/helpers.js';

const DIR = new URL('./policy-corpus/', import.meta.url);
const CASES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort().map((file) => ({
  file,
  rule: file.replace(/\.json$/, '').split('--')[0]!.replace('__', '/'),
  text: readFileSync(new URL(file, DIR), 'utf8'),
}));

/** The operator's policy a case is judged under: restricted for its rules, an allow-list for host-not-allowed. */
function policyFor(rule: string): DeployerPolicy {
  return {
    namespaces: ['default', 'shop'],
    podSecurity: rule.startsWith('restricted/') ? 'restricted' : 'baseline',
    webhooks: { allowHttp: false, allowedHosts: rule === 'webhook/host-not-allowed' ? ['hooks.example.com', '*.chat.example.com'] : [] },
  };
}

describe('the policy corpus', () => {
  it('has a case for every baseline and restricted rule, the namespace, and each webhook rule', () => {
    expect(new Set(CASES.map((c) => c.rule))).toEqual(new Set([
      'namespace', 'baseline/host-process', 'baseline/host-namespaces', 'baseline/privileged', 'baseline/capabilities', 'baseline/host-path-volumes',
      'baseline/host-ports', 'baseline/apparmor', 'baseline/selinux', 'baseline/proc-mount', 'baseline/seccomp', 'baseline/sysctls',
      'restricted/volume-types', 'restricted/privilege-escalation', 'restricted/run-as-non-root', 'restricted/run-as-user', 'restricted/seccomp', 'restricted/capabilities',
      'webhook/https', 'webhook/internal-host', 'webhook/host-not-allowed', 'webhook/credentials',
    ]));
  });

  it.each(CASES)('$file: a valid descriptor that breaks exactly $rule', ({ text: body, rule }) => {
    const checked = checkDescriptorText(body, 'case');
    expect(checked.ok, JSON.stringify(checked.diagnostics)).toBe(true);
    const { descriptor: d } = checked as { descriptor: Descriptor };
    expect([...new Set(policyViolations(d, policyFor(rule)).map((v) => v.rule))]).toEqual([rule]);
    // And the same with the policy off where it can be: baseline cases pass a policy-free check.
    if (rule.startsWith('restricted/')) expect(policyViolations(d, { ...policyFor(rule), podSecurity: 'baseline' })).toEqual([]);
  });

  it.each(CASES)('$file: 422 naming $rule at validate, POST and PUT /descriptors, POST /deployments; nothing stored or started', async ({ text: body, rule }) => {
    const api = await startApi({ policy: policyFor(rule) });
    // PUT needs one stored: a descriptor of the same app that meets the policy.
    const namespace = (JSON.parse(body) as { namespace: string }).namespace;
    api.deployer.descriptors.set(`${namespace}/hello`, JSON.parse(text(descriptor({ namespace }))) as Descriptor);
    const answers = [
      await api.call('POST', '/descriptors/validate', { body }),
      await api.call('POST', '/descriptors', { body }),
      await api.call('PUT', `/descriptors/${namespace}/hello`, { body }),
      await api.call('POST', '/deployments', { body }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(422);
      expect(answer.body.error.code).toBe('SCALERD_ERR_API_POLICY');
      expect(answer.body.error.message).toContain(`policy: ${rule} at /`);
      expect(answer.body.error.details.rule).toBe(rule);
      expect(answer.body.error.details.violations[0]).toMatchObject({ rule, pointer: expect.stringMatching(/^\//), hint: expect.any(String) });
      // Located in the body, as scalerd deploy prints it.
      expect(answer.body.error.details.diagnostics).toContainEqual(expect.objectContaining({ code: 'SCALERD_ERR_DESCRIPTOR_POLICY', file: 'request body', line: expect.any(Number), message: expect.stringContaining(rule) }));
    }
    expect(api.deployer.calls).toEqual([]);
    const everything = JSON.stringify([answers.map((a) => a.body), api.logLines]);
    expect(everything).not.toContain('hunter2');
  });
});
