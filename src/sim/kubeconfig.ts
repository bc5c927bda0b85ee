// The kubeconfig a simulator hands out: one cluster over plain HTTP on loopback, a
// placeholder token (the simulator does not authenticate).

export const SIM_CONTEXT = 'scalerd-sim';

export function kubeconfigYaml(server: string, namespace = 'default'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${SIM_CONTEXT}`,
    '  cluster:',
    `    server: ${server}`,
    // client-node 1.x refuses plain http:// unless TLS verification is explicitly off.
    '    insecure-skip-tls-verify: true',
    'users:',
    `- name: ${SIM_CONTEXT}`,
    '  user:',
    '    token: simulator',
    'contexts:',
    `- name: ${SIM_CONTEXT}`,
    '  context:',
    `    cluster: ${SIM_CONTEXT}`,
    `    user: ${SIM_CONTEXT}`,
    `    namespace: ${namespace}`,
    `current-context: ${SIM_CONTEXT}`,
    '',
  ].join('\n');
}
