// Kubernetes object names, as the API server checks them (k8s.io/apimachinery validation).

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A reason the namespace/name pair is invalid, or undefined when it is valid. */
export function workloadKeyProblem(key: string): string | undefined {
  const [namespace, name, ...rest] = key.split('/');
  if (namespace === undefined || name === undefined || rest.length > 0) return 'expected namespace/name';
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
    return `namespace "${namespace}" is not a DNS-1123 label (lowercase letters, digits and '-', at most 63, starting and ending with a letter or digit)`;
  }
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    return `name "${name}" is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253, starting and ending with a letter or digit)`;
  }
  return undefined;
}
