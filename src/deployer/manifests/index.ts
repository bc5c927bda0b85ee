// Descriptor + resolved version → the version's Deployment and Service. Pure and
// deterministic: the same input gives the same objects, field for field.

import { declaredPorts } from '../descriptor/ports.js';
import type { Descriptor } from '../descriptor/types.js';
import { MANIFEST_HASH_ANNOTATION, versionLabels, versionObjectName } from '../../ports/deployer.js';
import { manifestHash } from './hash.js';
import { versionPodSpec } from './pod-spec.js';
import type { DeploymentManifest, ManifestMetadata, ServiceManifest, ServicePort } from './types.js';

export type * from './types.js';
export { manifestHash } from './hash.js';

export type VersionManifests = { readonly deployment: DeploymentManifest; readonly service: ServiceManifest };

export function versionManifests(descriptor: Descriptor, version: number): VersionManifests {
  return { deployment: deploymentManifest(descriptor, version), service: serviceManifest(descriptor, version) };
}

function metadata(descriptor: Descriptor, version: number): Omit<ManifestMetadata, 'annotations'> {
  return { name: versionObjectName(descriptor.appName, version), namespace: descriptor.namespace, labels: versionLabels(descriptor.appName, version) };
}

/** The object with its hash annotation, the hash taken over everything else. */
function hashed<T extends { readonly metadata: Omit<ManifestMetadata, 'annotations'> }>(object: T): T & { readonly metadata: ManifestMetadata } {
  return { ...object, metadata: { ...object.metadata, annotations: { [MANIFEST_HASH_ANNOTATION]: manifestHash(object) } } };
}

export function deploymentManifest(descriptor: Descriptor, version: number): DeploymentManifest {
  const labels = versionLabels(descriptor.appName, version);
  return hashed({
    apiVersion: 'apps/v1' as const,
    kind: 'Deployment' as const,
    metadata: metadata(descriptor, version),
    spec: {
      replicas: descriptor.replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: versionPodSpec(descriptor, version) },
    },
  });
}

/** Every declared port of the regular containers; a port is named as declared, else `<protocol>-<number>`. */
export function servicePorts(descriptor: Descriptor): ServicePort[] {
  return declaredPorts(descriptor.podSpec).map((p) => ({
    name: p.name ?? `${p.protocol.toLowerCase()}-${p.containerPort}`,
    protocol: p.protocol,
    port: p.containerPort,
    targetPort: p.name ?? p.containerPort,
  }));
}

export function serviceManifest(descriptor: Descriptor, version: number): ServiceManifest {
  return hashed({
    apiVersion: 'v1' as const,
    kind: 'Service' as const,
    metadata: metadata(descriptor, version),
    spec: { type: 'ClusterIP' as const, selector: versionLabels(descriptor.appName, version), ports: servicePorts(descriptor) },
  });
}
