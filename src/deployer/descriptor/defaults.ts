// A checked descriptor document with every default applied and the health port resolved
// to a number. Pure; runs only on a document the consistency checks passed.

import { DEPLOY_EVENTS, DEFAULTS, type Descriptor, type DescriptorDocument, type HealthCheck } from './types.js';
import { findPort, trafficPort } from './ports.js';

export function withDefaults(document: DescriptorDocument): Descriptor {
  return {
    namespace: document.namespace,
    appName: document.appName,
    version: document.version,
    replicas: document.replicas ?? DEFAULTS.replicas,
    frontends: [...document.frontends],
    podSpec: document.podSpec,
    environment: { ...document.environment },
    healthCheck: healthCheckOf(document),
    drainDelayMs: document.drainDelayMs ?? DEFAULTS.drainDelayMs,
    bake: { ...DEFAULTS.bake, ...document.bake },
    webhooks: (document.webhooks ?? []).map((w) => ({ url: w.url, events: w.events ?? [...DEPLOY_EVENTS], ...(w.secretRef ? { secretRef: { ...w.secretRef } } : {}) })),
  };
}

function healthCheckOf({ podSpec, healthCheck = {} }: DescriptorDocument): HealthCheck {
  const { port: asked, ...rest } = healthCheck;
  const declared = asked === undefined ? trafficPort(podSpec) : findPort(podSpec, asked);
  // An undeclared number is checked as written, on the first container (a warning said so).
  const port = declared?.containerPort ?? (typeof asked === 'number' ? asked : 0);
  return { ...DEFAULTS.healthCheck, ...rest, port, container: declared?.container ?? podSpec.containers[0]!.name };
}
