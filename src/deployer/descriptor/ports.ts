// The ports a descriptor's pods declare, in order: what the Service exposes, what the
// health check and the load balancer reach.

import type { PodSpec } from './types.js';

export type DeclaredPort = {
  readonly container: string;
  /** Where it is written: /podSpec/containers/<i>/ports/<j>. */
  readonly pointer: string;
  readonly containerPort: number;
  readonly name: string | undefined;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
};

/** The ports of the regular containers (init containers serve no traffic), in the order written. */
export function declaredPorts(podSpec: PodSpec): DeclaredPort[] {
  return podSpec.containers.flatMap((container, i) =>
    (container.ports ?? []).map((port, j) => ({
      container: container.name,
      pointer: `/podSpec/containers/${i}/ports/${j}`,
      containerPort: port.containerPort,
      name: port.name,
      protocol: port.protocol ?? 'TCP',
    })));
}

/**
 * The port that carries the app's traffic (the load balancer's servers are pod IP and this
 * port): the first declared TCP port. Undefined only for a pod spec the checks refuse.
 */
export function trafficPort(podSpec: PodSpec): DeclaredPort | undefined {
  return declaredPorts(podSpec).find((p) => p.protocol === 'TCP');
}

/** The declared port a health check's `port` (a name or a number) stands for, if any. */
export function findPort(podSpec: PodSpec, port: string | number): DeclaredPort | undefined {
  return declaredPorts(podSpec).find((p) => (typeof port === 'string' ? p.name === port : p.containerPort === port && p.protocol === 'TCP'));
}
