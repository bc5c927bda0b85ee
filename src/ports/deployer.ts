// What the blue/green deployer needs of Kubernetes: one app version is a Deployment and a
// Service named `<app>-<version>`, whose pods carry the version's labels. Implemented over
// the API in src/kube/deployer.ts; the engine only knows this interface, so it runs against
// a fake as well as the API server.
//
// Semantics every adapter keeps:
// - Creates are idempotent: an object that already exists with the same manifest (the
//   manifest hash annotation matches) is 'exists'; one that exists otherwise (another
//   manifest, not the deployer's, or being deleted) is a 'conflict' value, never replaced.
// - Deletes are idempotent: an object already gone is 'gone'. Pods go with their Deployment
//   (background propagation), gracefully.
// - Reads of what does not exist answer undefined or an empty list, not an error.
// - Anything else that fails is a RemoteError (SCALERD_ERR_KUBE_CALL) after the adapter's
//   retries; its `retryable` says whether trying again later may help.
//
// The calls, for RBAC (apps: deployments; core: services, pods):
//   deployments: create, get (after an AlreadyExists), list, delete
//   services:    create, get (after an AlreadyExists), list, delete
//   pods:        list

import type { DeploymentManifest, ServiceManifest } from '../deployer/manifests/types.js';

export type { DeploymentManifest, ServiceManifest } from '../deployer/manifests/types.js';

/** The labels every object of a version carries; the version's selector is all three. */
export const DEPLOYER_LABELS = {
  name: 'app.kubernetes.io/name',
  version: 'app.kubernetes.io/version',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

export const DEPLOYER_MANAGER = 'scalerd-deployer';

/** Holds the SHA-256 of the manifest as created, which idempotent creates compare. */
export const MANIFEST_HASH_ANNOTATION = 'scalerd.io/manifest-sha256';

/** One version of an app. */
export type AppVersionRef = { readonly namespace: string; readonly app: string; readonly version: number };

/** `<app>-<version>`: the name of a version's Deployment and Service. */
export function versionObjectName(app: string, version: number): string {
  return `${app}-${version}`;
}

/** The labels of a version's objects and pods. */
export function versionLabels(app: string, version: number): Record<string, string> {
  return { [DEPLOYER_LABELS.name]: app, [DEPLOYER_LABELS.version]: String(version), [DEPLOYER_LABELS.managedBy]: DEPLOYER_MANAGER };
}

/** A label selector for every version of an app the deployer made. */
export function appSelector(app: string): string {
  return `${DEPLOYER_LABELS.name}=${app},${DEPLOYER_LABELS.managedBy}=${DEPLOYER_MANAGER}`;
}

/** A label selector for one version's objects and pods. */
export function versionSelector(app: string, version: number): string {
  return `${appSelector(app)},${DEPLOYER_LABELS.version}=${version}`;
}

/** A version label's value as a version; undefined for anything but a whole number from 1. */
export function parseVersionLabel(value: string | undefined): number | undefined {
  return value !== undefined && /^[1-9][0-9]{0,14}$/.test(value) ? Number(value) : undefined;
}

/** 'exists': it was there already, with the same manifest. */
export type CreateOutcome = { readonly kind: 'created' | 'exists' } | { readonly kind: 'conflict'; readonly message: string };

export type VersionPodPort = { readonly container: string; readonly name?: string; readonly containerPort: number; readonly protocol: string };

/** A pod of a version, as the engine judges it. */
export type VersionPod = {
  readonly name: string;
  readonly uid: string;
  /** Undefined until the pod has started. */
  readonly podIP?: string;
  /** Pending, Running, Succeeded, Failed, Unknown. */
  readonly phase: string;
  /** The Ready condition is True. */
  readonly ready: boolean;
  /** Being deleted (deletionTimestamp set). */
  readonly terminating: boolean;
  /** Container restarts, summed over the containers. */
  readonly restarts: number;
  /** The first reason a container is waiting for, e.g. CrashLoopBackOff, ImagePullBackOff. */
  readonly waitingReason?: string;
  readonly ports: readonly VersionPodPort[];
};

/** A version present in a namespace: which of its objects exist. */
export type PresentVersion = {
  readonly version: number;
  readonly deployment: boolean;
  readonly service: boolean;
  /** Its Deployment or Service is being deleted. */
  readonly terminating: boolean;
};

export interface DeployerCluster {
  createDeployment(manifest: DeploymentManifest): Promise<CreateOutcome>;
  createService(manifest: ServiceManifest): Promise<CreateOutcome>;
  deleteDeployment(ref: AppVersionRef): Promise<'deleted' | 'gone'>;
  deleteService(ref: AppVersionRef): Promise<'deleted' | 'gone'>;
  /** The version's pods (terminating ones included, marked), by name. */
  listVersionPods(ref: AppVersionRef): Promise<VersionPod[]>;
  /** The versions of an app with a Deployment or a Service in the namespace, oldest first. */
  listVersions(namespace: string, app: string): Promise<PresentVersion[]>;
}
