// The Kubernetes objects of one app version as the deployer writes them: plain JSON,
// narrowed to what it sets. The pod spec passes the descriptor's fields through.

import type { PodSpec } from '../descriptor/types.js';

export type ManifestMetadata = {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
};

export type DeploymentManifest = {
  readonly apiVersion: 'apps/v1';
  readonly kind: 'Deployment';
  readonly metadata: ManifestMetadata;
  readonly spec: {
    readonly replicas: number;
    readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
    readonly template: { readonly metadata: { readonly labels: Readonly<Record<string, string>> }; readonly spec: PodSpec };
  };
};

export type ServicePort = { readonly name: string; readonly protocol: string; readonly port: number; readonly targetPort: number | string };

export type ServiceManifest = {
  readonly apiVersion: 'v1';
  readonly kind: 'Service';
  readonly metadata: ManifestMetadata;
  readonly spec: { readonly type: 'ClusterIP'; readonly selector: Readonly<Record<string, string>>; readonly ports: readonly ServicePort[] };
};
