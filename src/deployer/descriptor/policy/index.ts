// The operator's policy for descriptors: namespaces, Pod Security Standards, webhook targets.
export { describeViolation, namespaceViolations, policyViolations, type PolicySubject } from './check.js';
export { hostAllowed, isInternalAddress, isInternalName } from './internal-addresses.js';
export { BASELINE_CAPABILITIES, SAFE_SYSCTLS } from './pod-security-baseline.js';
export { RESTRICTED_VOLUME_SOURCES } from './pod-security-restricted.js';
export { redactUrl, redactUrlsIn } from './webhook-urls.js';
export * from './types.js';
