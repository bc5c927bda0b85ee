// The DeployerCluster port over the adapter's REST layer: a version's Deployment and
// Service created and deleted idempotently, its pods and status read, the versions of an app
// listed. Every call goes through the adapter's caller (rate limit, retries, failures
// classified); the answers that are outcomes (404 gone, 409 AlreadyExists) become values.

import {
  type AppVersionRef,
  type CreateOutcome,
  DEPLOYER_LABELS,
  DEPLOYER_MANAGER,
  type DeployerCluster,
  type DeploymentManifest,
  MANIFEST_HASH_ANNOTATION,
  type PresentVersion,
  type ServiceManifest,
  type VersionPod,
  appSelector,
  parseVersionLabel,
  versionObjectName,
  versionSelector,
} from '../ports/deployer.js';
import type { KubeDeps } from './cluster.js';
import { listResource } from './paging.js';
import { resourcePath } from './transport.js';
import type { ObjectMeta, Pod, Service, Workload as Deployment } from './wire.js';

export type DeployerDeps = Pick<KubeDeps, 'api' | 'call'>;

type Resource = { readonly groupVersion: string; readonly resource: 'deployments' | 'services' };

const DEPLOYMENTS: Resource = { groupVersion: 'apps/v1', resource: 'deployments' };
const SERVICES: Resource = { groupVersion: 'v1', resource: 'services' };

const GONE = Symbol('gone');

export function createDeployerCluster(deps: DeployerDeps): DeployerCluster {
  return {
    createDeployment: (manifest: DeploymentManifest) => createObject(deps, DEPLOYMENTS, manifest),
    createService: (manifest: ServiceManifest) => createObject(deps, SERVICES, manifest),
    deleteDeployment: (ref) => deleteObject(deps, DEPLOYMENTS, ref),
    deleteService: (ref) => deleteObject(deps, SERVICES, ref),
    listVersionPods: (ref) => listVersionPods(deps, ref),
    listVersions: (namespace, app) => listVersions(deps, namespace, app),
  };
}

const targetOf = (ref: AppVersionRef) => `${ref.namespace}/${versionObjectName(ref.app, ref.version)}`;
const pathOf = (kind: Resource, ref: AppVersionRef) =>
  resourcePath(kind.groupVersion, kind.resource, { namespace: ref.namespace, name: versionObjectName(ref.app, ref.version) });

async function getObject<T extends { readonly metadata?: ObjectMeta }>(deps: DeployerDeps, kind: Resource, ref: AppVersionRef): Promise<T | undefined> {
  const found = await deps.call<T | typeof GONE>(
    { operation: `get ${kind.resource}`, target: targetOf(ref) },
    () => deps.api.request<T>('GET', pathOf(kind, ref)),
    (failure) => (failure.status === 404 ? GONE : undefined),
  );
  return found === GONE ? undefined : found;
}

/**
 * POST; on AlreadyExists, read what is there and compare manifest hashes. IMPORTANT: a
 * create whose answer was lost is retried by the caller and then meets its own object: the
 * hash comparison is what makes that an 'exists' rather than a failure.
 */
async function createObject(deps: DeployerDeps, kind: Resource, manifest: DeploymentManifest | ServiceManifest): Promise<CreateOutcome> {
  const { namespace, name } = manifest.metadata;
  const ref = refOf(manifest);
  // Twice at most: the object found may be deleted before it is read.
  for (let attempt = 0; attempt < 2; attempt++) {
    const created = await deps.call<'created' | 'exists'>(
      { operation: `create ${kind.resource}`, target: `${namespace}/${name}` },
      async () => {
        await deps.api.request('POST', resourcePath(kind.groupVersion, kind.resource, { namespace }), { body: manifest });
        return 'created';
      },
      (failure) => (failure.status === 409 && failure.reason === 'AlreadyExists' ? 'exists' : undefined),
    );
    if (created === 'created') return { kind: 'created' };
    const existing = await getObject<Deployment | Service>(deps, kind, ref);
    if (existing) return compareExisting(kind, `${namespace}/${name}`, existing.metadata ?? {}, manifest.metadata.annotations[MANIFEST_HASH_ANNOTATION]);
  }
  return { kind: 'conflict', message: `${kind.resource} ${namespace}/${name} existed, then was gone when read, twice; try again` };
}

function compareExisting(kind: Resource, what: string, existing: ObjectMeta, hash: string | undefined): CreateOutcome {
  const conflict = (why: string): CreateOutcome => ({ kind: 'conflict', message: `${kind.resource} ${what} ${why}` });
  if (existing.deletionTimestamp) return conflict('is being deleted; create it again once it is gone');
  if (existing.labels?.[DEPLOYER_LABELS.managedBy] !== DEPLOYER_MANAGER) return conflict('exists and was not made by the deployer');
  if (existing.annotations?.[MANIFEST_HASH_ANNOTATION] !== hash) {
    return conflict('exists with another manifest: a version is never changed in place; deploy a new version (or "auto")');
  }
  return { kind: 'exists' };
}

function refOf(manifest: DeploymentManifest | ServiceManifest): AppVersionRef {
  const { labels, namespace } = manifest.metadata;
  const version = parseVersionLabel(labels[DEPLOYER_LABELS.version]);
  const app = labels[DEPLOYER_LABELS.name];
  if (version === undefined || app === undefined || versionObjectName(app, version) !== manifest.metadata.name) {
    throw new TypeError(`${manifest.kind} ${manifest.metadata.name}: not a version manifest (name and labels disagree)`);
  }
  return { namespace, app, version };
}

async function deleteObject(deps: DeployerDeps, kind: Resource, ref: AppVersionRef): Promise<'deleted' | 'gone'> {
  return deps.call<'deleted' | 'gone'>(
    { operation: `delete ${kind.resource}`, target: targetOf(ref) },
    async () => {
      // Background: the object goes at once, the garbage collector ends its pods gracefully.
      await deps.api.request('DELETE', pathOf(kind, ref), { body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background' } });
      return 'deleted';
    },
    (failure) => (failure.status === 404 ? 'gone' : undefined),
  );
}

async function listVersionPods(deps: DeployerDeps, ref: AppVersionRef): Promise<VersionPod[]> {
  const labelSelector = versionSelector(ref.app, ref.version);
  const pods = await listResource<Pod>(deps, { operation: 'list pods', target: `${ref.namespace} ${labelSelector}` }, resourcePath('v1', 'pods', { namespace: ref.namespace }), { labelSelector });
  return pods.map(versionPod).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function versionPod(pod: Pod): VersionPod {
  const statuses = pod.status?.containerStatuses ?? [];
  const waitingReason = statuses.map((s) => s.state?.waiting?.reason).find((reason) => reason !== undefined);
  const podIP = pod.status?.podIP || undefined;
  return {
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? '',
    ...(podIP ? { podIP } : {}),
    phase: pod.status?.phase ?? 'Unknown',
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    terminating: pod.metadata?.deletionTimestamp !== undefined,
    restarts: statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
    ...(waitingReason !== undefined ? { waitingReason } : {}),
    ports: (pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => ({
      container: c.name ?? '',
      ...(p.name ? { name: p.name } : {}),
      containerPort: p.containerPort,
      protocol: p.protocol ?? 'TCP',
    }))),
  };
}

async function listVersions(deps: DeployerDeps, namespace: string, app: string): Promise<PresentVersion[]> {
  const labelSelector = appSelector(app);
  const list = <T>(kind: Resource) => listResource<T>(
    deps,
    { operation: `list ${kind.resource}`, target: `${namespace} ${labelSelector}` },
    resourcePath(kind.groupVersion, kind.resource, { namespace }),
    { labelSelector },
  );
  const [deployments, services] = await Promise.all([list<Deployment>(DEPLOYMENTS), list<Service>(SERVICES)]);
  const versions = new Map<number, { version: number; deployment: boolean; service: boolean; terminating: boolean }>();
  const add = (meta: ObjectMeta | undefined, which: 'deployment' | 'service') => {
    const version = parseVersionLabel(meta?.labels?.[DEPLOYER_LABELS.version]);
    // Only objects named as the deployer names them: a stray label is not a version.
    if (version === undefined || meta?.name !== versionObjectName(app, version)) return;
    const entry = versions.get(version) ?? { version, deployment: false, service: false, terminating: false };
    entry[which] = true;
    entry.terminating ||= meta.deletionTimestamp !== undefined;
    versions.set(version, entry);
  };
  for (const d of deployments) add(d.metadata, 'deployment');
  for (const s of services) add(s.metadata, 'service');
  return [...versions.values()].sort((a, b) => a.version - b.version);
}
