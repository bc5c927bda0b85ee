// The API verbs over the store, with the API server's semantics: defaulting, namespace
// checks, optimistic concurrency, status and scale subresources, paging. No HTTP here:
// http-server.ts maps requests to these calls.

import type { Clock } from '../../clock.js';
import type { Faults } from '../faults.js';
import type { Recorder } from '../recorder.js';
import { ApiError, badRequest, conflict, methodNotAllowed, notFound } from './api-error.js';
import { applyDefaults } from './defaults.js';
import { checkMicroTimes } from './micro-time.js';
import yaml from 'js-yaml';
import { isoSeconds } from '../../clock.js';
import { applyConfig, managerOf, recordScale, recordUpdate } from './managed-fields/index.js';
import { KeyMissing } from './managed-fields/typed.js';
import { PATCH_TYPES, applyPatch } from './patch.js';
import { type DeleteOptions, checkPreconditions, deletePod, evictPod, isDryRun } from './pods.js';
import { apiVersionOf, resourceKey } from './resources.js';
import type { ResourceRoute } from './routes.js';
import { listOptions } from './list-options.js';
import { type ListResult, listObjects } from './list.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { KubeObject, Store } from './store.js';
import { type Decoded, type FieldValidation, decode, refuseInvalid } from './validation/index.js';
import { forbidden, invalidError, invalidValue, required } from './validation/field-error.js';

type Loose = Record<string, any>;

export type { ListResult } from './list.js';

export type ApiDeps = { store: Store; clock: Clock; faults: Faults; recorder: Recorder };

/**
 * How a write is asked for: dryRun=All (validated and answered, nothing stored or
 * recorded), fieldValidation (default Warn, as the API server's), and where the warnings
 * for the Warning headers go.
 */
export type WriteRequest = {
  readonly dryRun?: boolean;
  readonly fieldValidation?: FieldValidation;
  readonly warnings?: string[];
  /** The fieldManager parameter; without it the manager is the User-Agent's first part, as the API server derives it. */
  readonly fieldManager?: string;
  /** The force parameter of an apply patch (refused on any other patch). */
  readonly force?: boolean;
  readonly userAgent?: string;
};

export class KubeApi {
  constructor(readonly deps: ApiDeps) {}

  get store(): Store {
    return this.deps.store;
  }

  get(route: ResourceRoute): KubeObject {
    const key = resourceKey(route.type);
    const object = this.store.mustGet(key, route.namespace, route.name!);
    if (route.subresource === 'scale') return toScale(object);
    return object;
  }

  list(route: ResourceRoute, query: URLSearchParams): ListResult {
    const options = listOptions(query);
    const labelSelector = query.get('labelSelector') ?? undefined;
    const fieldSelector = query.get('fieldSelector') ?? undefined;
    const labels = parseLabelSelector(labelSelector);
    const fields = parseFieldSelector(route.type.resource, fieldSelector);
    const matches = (o: KubeObject) => labels(o) && fields(o);
    return listObjects(this.store, resourceKey(route.type), route, options, Boolean(labelSelector || fieldSelector), matches, fieldSelector);
  }

  create(route: ResourceRoute, body: Loose, client: string, request: WriteRequest = {}): KubeObject | Record<string, unknown> {
    const { dryRun = false, fieldValidation = 'Warn', warnings } = request;
    if (route.subresource === 'eviction') {
      if (body.kind !== undefined && body.kind !== 'Eviction') throw badRequest(`expected Eviction, got ${body.kind}`);
      const eviction = this.#decode({ ...body, apiVersion: 'policy/v1', kind: 'Eviction' }, fieldValidation, warnings).object;
      this.#requireNamespaceOf(eviction, route.namespace!);
      // An eviction is a create (of pods/eviction): the NamespaceLifecycle admission plugin
      // refuses it in a terminating namespace with 403 and the NamespaceTerminating cause,
      // before the eviction handler runs; kubectl drain waits on that cause.
      this.#requireActiveNamespace(route.namespace!);
      return evictPod(this.deps, route.namespace!, route.name!, eviction, client, dryRun);
    }
    if (route.name !== undefined) throw methodNotAllowed('the server does not allow this method on the requested resource');
    const key = resourceKey(route.type);
    const decoded = this.#decode({ ...body, apiVersion: apiVersionOf(route.type), kind: route.type.kind }, fieldValidation, warnings);
    if (route.type.namespaced) {
      this.#requireNamespaceOf(decoded.object, route.namespace!);
      this.#requireActiveNamespace(route.namespace!);
    }
    const decodedObject = checkMicroTimes(key, decoded.object);
    const object = applyDefaults(key, {
      ...decodedObject,
      metadata: { ...decodedObject.metadata, namespace: route.namespace },
    } as KubeObject);
    refuseInvalid(route.type, object, decoded.fieldErrors);
    const managed = recordUpdate({ type: route.type, live: undefined, next: object, manager: managerOf(request.fieldManager, request.userAgent), now: this.#now() });
    const created = this.store.create(key, managed, dryRun);
    if (!dryRun) this.#recordMutation(client, 'create', route, created.metadata.name);
    return created;
  }

  update(route: ResourceRoute, body: Loose, client: string, request: WriteRequest = {}): KubeObject {
    const key = resourceKey(route.type);
    const current = this.store.mustGet(key, route.namespace, route.name!);
    if (body.metadata?.name !== undefined && body.metadata.name !== route.name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${route.name})`);
    }
    if (route.subresource === 'scale') return this.#setScale(route, current, body, client, request);
    const decoded = this.#decode({ ...body, apiVersion: current.apiVersion, kind: current.kind }, request.fieldValidation, request.warnings);
    return this.#write('update', route, current, decoded, client, request);
  }

  patch(route: ResourceRoute, contentType: string, patch: unknown, client: string, request: WriteRequest = {}): KubeObject {
    // ValidatePatchOptions: force is for apply patches only.
    if (request.force !== undefined) throw invalidError('PatchOptions', 'meta.k8s.io', '', [forbidden('force', 'may not be specified for non-apply patch')]);
    const key = resourceKey(route.type);
    const current = this.store.mustGet(key, route.namespace, route.name!);
    if (route.subresource === 'scale') return this.#setScale(route, current, applyPatch(contentType, toScale(current), patch) as Loose, client, request);
    const patched = applyPatch(contentType, current, patch) as Loose;
    if (patched.metadata?.name !== route.name) throw badRequest('a patch may not change the object\'s name');
    const decoded = this.#decode({ ...patched, apiVersion: current.apiVersion, kind: current.kind }, request.fieldValidation, request.warnings);
    return this.#write('patch', route, current, decoded, client, request);
  }

  /** An update or a patch, once decoded: merged over the stored object, validated, stored (or not, on a dry run). */
  #write(verb: 'update' | 'patch', route: ResourceRoute, current: KubeObject, decoded: Decoded, client: string, request: WriteRequest): KubeObject {
    const key = resourceKey(route.type);
    // A resourceVersion in the body (or the patch) is a precondition.
    const expected = checkedResourceVersion(decoded.object.metadata?.resourceVersion);
    // Defaulted as on create, so a body that leaves out what defaulting fills in is the stored object again (a no-op).
    const defaulted = applyDefaults(key, checkMicroTimes(key, this.#merge(route, current, decoded.object)));
    refuseInvalid(route.type, defaulted, decoded.fieldErrors, current);
    const next = recordUpdate({ type: route.type, live: current, next: defaulted, manager: managerOf(request.fieldManager, request.userAgent), ...(route.subresource ? { subresource: route.subresource } : {}), now: this.#now() });
    const dryRun = request.dryRun ?? false;
    const updated = this.store.update(key, next, expected, dryRun);
    if (!dryRun) this.#afterWrite(client, verb, route, current, updated);
    return updated;
  }

  /**
   * PATCH with application/apply-patch+yaml (server-side apply): `body` is the applied
   * configuration, YAML or JSON. Creates the object when there is none (201).
   */
  apply(route: ResourceRoute, body: string, client: string, request: WriteRequest = {}): { object: KubeObject; created: boolean } {
    if (!request.fieldManager) throw invalidError('PatchOptions', 'meta.k8s.io', '', [required('fieldManager', 'is required for apply patch')]);
    if (route.subresource === 'scale') throw new ApiError(415, 'UnsupportedMediaType', 'the simulated API server does not model server-side apply of the scale subresource: apply the workload, or use a merge patch');
    const key = resourceKey(route.type);
    const config = parseApplyPatch(body);
    const apiVersion = apiVersionOf(route.type);
    if (config.apiVersion !== apiVersion) throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${config.apiVersion ?? ''}, expected: ${apiVersion}`);
    if (config.kind !== route.type.kind) throw badRequest(`Incorrect kind specified in apply patch. Specified patch kind: ${config.kind ?? ''}, expected: ${route.type.kind}`);
    const meta = (config.metadata ?? {}) as Loose;
    if (meta.managedFields !== undefined && meta.managedFields !== null) throw badRequest('metadata.managedFields must be nil');
    if (meta.name !== undefined && meta.name !== route.name) throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${route.name})`);
    if (route.type.namespaced) this.#requireNamespaceOf(config, route.namespace!);
    const decoded = this.#decode(config, request.fieldValidation, request.warnings).object;
    const current = this.store.get(key, route.namespace, route.name!);
    if (!current && route.subresource !== undefined) throw notFound(route.type.resource, route.type.group, route.name!);
    if (!current && route.type.namespaced) this.#requireActiveNamespace(route.namespace!);
    const expected = checkedResourceVersion(meta.resourceVersion);
    const manager = request.fieldManager;
    let merged: KubeObject;
    try {
      merged = applyConfig({
        type: route.type, live: current, config: { ...decoded, metadata: { ...decoded.metadata, name: route.name } },
        manager, force: request.force ?? false, ...(route.subresource ? { subresource: route.subresource } : {}), now: this.#now(),
      });
    } catch (error) {
      if (error instanceof KeyMissing) throw badRequest(`failed to create typed patch object (${apiVersion}, Kind=${route.type.kind}): ${error.message}`);
      throw error;
    }
    const dryRun = request.dryRun ?? false;
    const metadata = { ...merged.metadata, name: route.name!, ...(route.type.namespaced ? { namespace: route.namespace } : {}) };
    const next = applyDefaults(key, checkMicroTimes(key, { ...merged, metadata } as KubeObject));
    // Validation sees the merged object: the configuration alone may leave out required fields the live object has.
    refuseInvalid(route.type, next, decode(next, 'Ignore').fieldErrors, current);
    if (!current) {
      const created = this.store.create(key, next, dryRun);
      if (!dryRun) this.#recordMutation(client, 'patch', route, created.metadata.name);
      return { object: created, created: true };
    }
    const updated = this.store.update(key, next, expected, dryRun);
    if (!dryRun) this.#afterWrite(client, 'patch', route, current, updated);
    return { object: updated, created: false };
  }

  #now(): string {
    return isoSeconds(this.deps.clock.now());
  }

  delete(route: ResourceRoute, options: DeleteOptions, client: string): KubeObject {
    const key = resourceKey(route.type);
    const current = this.store.mustGet(key, route.namespace, route.name!);
    const dryRun = isDryRun(options);
    if (!dryRun) this.#recordMutation(client, 'delete', route, route.name!);
    if (key === 'pods') return deletePod(this.deps, current, options);
    checkPreconditions(current, route.type.resource, options);
    if (key === 'namespaces') {
      // The namespace controller (cluster side) empties it, then removes it.
      if (current.metadata.deletionTimestamp) return current;
      return this.store.mutate(key, undefined, route.name!, (ns) => {
        ns.metadata.deletionTimestamp = new Date(this.deps.clock.now()).toISOString().slice(0, 19) + 'Z';
        (ns.status as Loose).phase = 'Terminating';
      }, dryRun);
    }
    return this.store.delete(key, route.namespace, route.name!, dryRun);
  }

  #decode(object: Loose, fieldValidation: FieldValidation = 'Warn', warnings?: string[]): Decoded {
    const decoded = decode(object, fieldValidation);
    warnings?.push(...decoded.warnings);
    return decoded;
  }

  /** The generic create handler's check: an object's namespace, if it names one, is the URL's. */
  #requireNamespaceOf(object: Loose, namespace: string): void {
    const named = object.metadata?.namespace;
    if (named !== undefined && named !== '' && named !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
  }

  #requireActiveNamespace(namespace: string): void {
    const ns = this.store.get('namespaces', undefined, namespace);
    if (!ns) throw notFound('namespaces', '', namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new ApiError(403, 'Forbidden', `unable to create new content in namespace ${namespace} because it is being terminated`, {
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  }

  /** The new object for an update: main resource keeps the old status, status subresource the old spec. */
  #merge(route: ResourceRoute, current: KubeObject, body: Loose): KubeObject {
    const base = {
      ...body,
      apiVersion: current.apiVersion,
      kind: current.kind,
      metadata: { ...body.metadata, name: current.metadata.name, ...(current.metadata.namespace ? { namespace: current.metadata.namespace } : {}) },
    } as KubeObject;
    const hasStatus = route.type.subresources?.some((s) => s.name === 'status');
    if (route.subresource === 'status') return { ...current, status: body.status, metadata: { ...current.metadata, ...pickMeta(body.metadata) } };
    if (hasStatus) return { ...base, status: current.status } as KubeObject;
    return base;
  }

  /** PUT or PATCH of the scale subresource: `scale` is the Scale as sent (or as patched). */
  #setScale(route: ResourceRoute, current: KubeObject, scale: Loose, client: string, request: WriteRequest): KubeObject {
    const decoded = this.#decode({ ...scale, apiVersion: 'autoscaling/v1', kind: 'Scale' }, request.fieldValidation, request.warnings).object;
    const replicas = decoded.spec?.replicas;
    if (typeof replicas === 'number' && replicas < 0) {
      throw invalidError('Scale', 'autoscaling', route.name!, [invalidValue('spec.replicas', replicas, 'must be greater than or equal to 0')]);
    }
    const expected = checkedResourceVersion(decoded.metadata?.resourceVersion);
    if (expected && expected !== current.metadata.resourceVersion) {
      throw conflict(route.type.resource, route.type.group, route.name!, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const dryRun = request.dryRun ?? false;
    const manager = managerOf(request.fieldManager, request.userAgent);
    const updated = this.store.mutate(resourceKey(route.type), route.namespace, route.name!, (o) => {
      const before = (o.spec as Loose).replicas;
      (o.spec as Loose).replicas = replicas ?? 0;
      if (before !== (o.spec as Loose).replicas) o.metadata = recordScale(o, manager, this.#now()).metadata;
    }, dryRun);
    if (!dryRun) this.#recordMutation(client, 'update', route, route.name!);
    return toScale(updated);
  }

  /** `verb` as the request was (a PUT is an update, whatever it changes), as faults name operations. */
  #afterWrite(client: string, verb: 'update' | 'patch', route: ResourceRoute, before: KubeObject, after: KubeObject): void {
    this.#recordMutation(client, verb, route, after.metadata.name);
    if (route.type.resource === 'nodes') {
      const was = Boolean((before.spec as Loose | undefined)?.unschedulable);
      const now = Boolean((after.spec as Loose | undefined)?.unschedulable);
      if (was !== now) this.deps.recorder.record({ kind: 'cordon', at: this.deps.clock.now(), client, node: after.metadata.name, unschedulable: now });
    }
  }

  #recordMutation(client: string, verb: string, route: ResourceRoute, name: string): void {
    const operation = `${verb} ${route.type.resource}${route.subresource ? `/${route.subresource}` : ''}`;
    const target = route.namespace ? `${route.namespace}/${name}` : name;
    this.deps.recorder.record({ kind: 'mutation', at: this.deps.clock.now(), client, api: 'kube', operation, target });
  }
}

/** An apply patch's body: YAML (JSON is YAML too), one object. */
function parseApplyPatch(body: string): Loose {
  let parsed: unknown;
  try {
    parsed = yaml.load(body, { schema: yaml.JSON_SCHEMA });
  } catch (error) {
    throw badRequest(`error decoding YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest(`error decoding YAML: the apply patch is not an object: ${JSON.stringify(parsed)}`);
  return parsed as Loose;
}

export const isApplyPatch = (contentType: string | undefined): boolean => (contentType ?? '').split(';')[0]!.trim() === PATCH_TYPES.apply;

/**
 * A resourceVersion given as a precondition, which etcd's versioner must parse as an
 * unsigned integer: anything else fails in storage with strconv's error, which the API
 * server answers as a 500 without a reason ("" and "0" mean none).
 */
function checkedResourceVersion(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '' || value === '0') return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text)) throw new ApiError(500, '', `strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`);
  return text;
}

function pickMeta(meta: Loose | undefined): Loose {
  return meta?.resourceVersion ? { resourceVersion: meta.resourceVersion } : {};
}

/** autoscaling/v1 Scale of a Deployment, StatefulSet or ReplicaSet. */
export function toScale(object: KubeObject): KubeObject {
  const spec = (object.spec ?? {}) as Loose;
  const status = (object.status ?? {}) as Loose;
  const matchLabels = (spec.selector?.matchLabels ?? {}) as Record<string, string>;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
      creationTimestamp: object.metadata.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`).join(',') },
  };
}
