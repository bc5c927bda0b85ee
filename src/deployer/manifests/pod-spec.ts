// The pod spec of a version: the descriptor's, with the deployer's variables and the
// descriptor's environment in every container, and a readinessProbe from the health check
// on the container that serves its port, unless that container has a probe of its own.

import type { Container, Descriptor, EnvVar, PodSpec } from '../descriptor/types.js';

const fieldRef = (fieldPath: string) => ({ fieldRef: { apiVersion: 'v1', fieldPath } });

/**
 * The variables every container gets, in this order: the deployer's four first (so the
 * others may refer to them as $(APP_VERSION)), then the descriptor's environment by name,
 * then the container's own, less those the environment overrides.
 */
export function injectedEnv(descriptor: Descriptor, version: number): EnvVar[] {
  const environment = Object.keys(descriptor.environment).sort().map((name) => ({ name, value: descriptor.environment[name]! }));
  return [
    { name: 'APP_NAME', value: descriptor.appName },
    { name: 'APP_VERSION', value: String(version) },
    { name: 'POD_NAME', valueFrom: fieldRef('metadata.name') },
    { name: 'POD_NAMESPACE', valueFrom: fieldRef('metadata.namespace') },
    ...environment,
  ];
}

function withEnv(container: Container, injected: readonly EnvVar[]): Container {
  const overridden = new Set(injected.map((v) => v.name));
  return { ...container, env: [...injected, ...(container.env ?? []).filter((v) => !overridden.has(v.name))] };
}

/** Kubernetes probes count whole seconds, at least one. */
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function readinessProbe({ healthCheck }: Descriptor) {
  return {
    httpGet: { path: healthCheck.path, port: healthCheck.port, scheme: 'HTTP' },
    periodSeconds: seconds(healthCheck.intervalMs),
    timeoutSeconds: seconds(healthCheck.timeoutMs),
    successThreshold: 1,
    failureThreshold: 3,
  };
}

export function versionPodSpec(descriptor: Descriptor, version: number): PodSpec {
  const { podSpec, healthCheck } = descriptor;
  const injected = injectedEnv(descriptor, version);
  const probed = (container: Container) =>
    healthCheck.enabled && container.name === healthCheck.container && container.readinessProbe === undefined
      ? { ...container, readinessProbe: readinessProbe(descriptor) }
      : container;
  return {
    ...podSpec,
    ...(podSpec.initContainers ? { initContainers: podSpec.initContainers.map((c) => withEnv(c, injected)) } : {}),
    containers: podSpec.containers.map((c) => probed(withEnv(c, injected))),
  };
}
