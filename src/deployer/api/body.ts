// Descriptors in request bodies (src/http/body.ts reads and parses them): checked, with every
// problem at line:column of the body, and the policy's refusals.

import type { Diagnostic } from '../../json/diagnostics.js';
import { BODY, malformed } from '../../http/body.js';
import { checkDescriptorText, type Descriptor } from '../descriptor/index.js';
import { type DeployerPolicy, describeViolation, type PolicyViolation } from '../descriptor/policy/index.js';
import { ApiError } from '../../http/reply.js';

export type CheckedDescriptor = { readonly descriptor: Descriptor; readonly warnings: readonly Diagnostic[] };

/**
 * A descriptor: 400 when the body is not JSON, 422 with every diagnostic when it is not a
 * valid descriptor, 422 SCALERD_ERR_API_POLICY when it is one the operator's policy refuses.
 */
export function parseDescriptor(text: string, policy: DeployerPolicy): CheckedDescriptor {
  const result = checkDescriptorText(text, BODY, policy);
  if (result.ok) return { descriptor: result.descriptor, warnings: result.diagnostics };
  const syntax = result.diagnostics.find((d) => d.code === 'SCALERD_ERR_DESCRIPTOR_JSON');
  if (syntax) throw malformed(syntax);
  if (result.violations.length > 0) throw policyRefusal(result.violations, result.diagnostics);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  throw new ApiError(422, 'SCALERD_ERR_API_INVALID', `the descriptor is invalid: ${errors.length} error${errors.length === 1 ? '' : 's'}, the first at ${BODY}:${errors[0]?.line}:${errors[0]?.column}: ${errors[0]?.message}`, { diagnostics: result.diagnostics });
}

/**
 * 422 naming the rules broken: the first in the message and details.rule, every one in
 * details.violations (rule, pointer, message, hint), and as diagnostics at line:column when
 * the descriptor came as text.
 */
export function policyRefusal(violations: readonly PolicyViolation[], diagnostics?: readonly Diagnostic[]): ApiError {
  const [first] = violations;
  const more = violations.length > 1 ? ` (and ${violations.length - 1} more: details.violations)` : '';
  return new ApiError(422, 'SCALERD_ERR_API_POLICY', `the descriptor breaks the deployer's policy: ${first ? describeViolation(first) : 'no rule'}${more}`, {
    rule: first?.rule, violations, ...(diagnostics ? { diagnostics } : {}),
  });
}

export { BODY, DEFAULT_MAX_BODY_BYTES, parseBody, readBody } from '../../http/body.js';
