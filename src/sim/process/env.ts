// A container's environment and arguments as the kubelet builds them: `env` entries in
// order (plain values with $(VAR) references to earlier ones, the downward API's
// fieldRefs, ConfigMap keys), `envFrom` ConfigMaps first. Secrets, resourceFieldRefs and
// ConfigMaps that do not exist are left out (the real kubelet would refuse to start the
// container; the simulator does not serve Secrets at all).

import type { KubeObject, Store } from '../kube/store.js';
import type { Loose } from '../cluster/objects.js';

type EnvVar = { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath?: string }; configMapKeyRef?: { name?: string; key?: string } } };

/** The downward API's fieldRef paths (those a pod's env may use). */
export function fieldValue(pod: KubeObject, path: string): string | undefined {
  const { metadata } = pod;
  const spec = (pod.spec ?? {}) as Loose;
  const status = (pod.status ?? {}) as Loose;
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (keyed) return (keyed[1] === 'labels' ? metadata.labels : metadata.annotations)?.[keyed[2]!];
  switch (path) {
    case 'metadata.name': return metadata.name;
    case 'metadata.namespace': return metadata.namespace;
    case 'metadata.uid': return metadata.uid;
    case 'spec.nodeName': return spec.nodeName;
    case 'spec.serviceAccountName': return spec.serviceAccountName ?? 'default';
    case 'status.hostIP': return status.hostIP;
    case 'status.podIP': return status.podIP;
    case 'status.podIPs': return (status.podIPs as { ip: string }[] | undefined)?.map((p) => p.ip).join(',');
    default: return undefined;
  }
}

/** Kubernetes' $(VAR) expansion: a defined VAR is replaced, $$ is a literal $, anything else stays. */
export function expand(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (name === undefined) return '$';
    return vars.get(name) ?? match;
  });
}

/** The container's own variables, in the kubelet's order; `pod` must already carry its podIP. */
export function containerVariables(store: Store, pod: KubeObject, container: Loose): Map<string, string> {
  const namespace = pod.metadata.namespace;
  const configMap = (name: string | undefined) => (name ? store.get('configmaps', namespace, name)?.data as Record<string, string> | undefined : undefined);
  const vars = new Map<string, string>();
  for (const source of (container.envFrom ?? []) as Loose[]) {
    const data = configMap(source.configMapRef?.name);
    for (const [key, value] of Object.entries(data ?? {})) vars.set(`${source.prefix ?? ''}${key}`, String(value));
  }
  for (const entry of (container.env ?? []) as EnvVar[]) {
    let value: string | undefined;
    if (entry.valueFrom?.fieldRef?.fieldPath) value = fieldValue(pod, entry.valueFrom.fieldRef.fieldPath);
    else if (entry.valueFrom?.configMapKeyRef) value = configMap(entry.valueFrom.configMapKeyRef.name)?.[entry.valueFrom.configMapKeyRef.key ?? ''];
    else if (!entry.valueFrom) value = expand(entry.value ?? '', vars);
    if (value !== undefined) vars.set(entry.name, value);
  }
  return vars;
}

export type Launch = { readonly env: Record<string, string>; readonly args: string[] };

/**
 * What a process is started with. Its environment is not the simulator's: PATH (so a
 * command can be found), HOSTNAME (the pod's name, as in a container), the image's env,
 * HOST (the pod IP) and PORT (the container's first containerPort), then the container's
 * own variables over all of these. The container's args, expanded, follow the image's.
 */
export function launchOf(store: Store, pod: KubeObject, container: Loose, image: { args?: readonly string[]; env?: Readonly<Record<string, string>> }): Launch {
  const vars = containerVariables(store, pod, container);
  const podIP = ((pod.status ?? {}) as Loose).podIP as string;
  const port = ((container.ports ?? []) as Loose[])[0]?.containerPort as number | undefined;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOSTNAME: pod.metadata.name,
    ...(image.env ?? {}),
    HOST: podIP,
    ...(port !== undefined ? { PORT: String(port) } : {}),
    ...Object.fromEntries(vars),
  };
  const args = [...(image.args ?? []), ...((container.args ?? []) as string[]).map((a) => expand(String(a), vars))];
  return { env, args };
}
