// The API verbs over the store, with the API server's semantics: defaulting, namespace
// checks, optimistic concurrency, status and scale subresources, paging. No HTTP here:
// http-server.ts maps requests to these calls.

import type { Clock } from '../../clock.js';
import type { Faults } from '../faults.js';
import type { Recorder } from '../recorder.js';
import { ApiError, badRequest, conflict, invalid, methodNotAllowed, notFound } from './api-error.js';
import { applyDefaults } from './defaults.js';
import { checkMicroTimes } from './micro-time.js';
import { applyPatch } from './patch.js';
import { type DeleteOptions, checkPreconditions, deletePod, evictPod } from './pods.js';
import { apiVersionOf, resourceKey } from './resources.js';
import type { ResourceRoute } from './routes.js';
import { parseFieldSelector, parseLabelSelector, pinnedField } from './selectors.js';
import { type KubeObject, type Store, lowerBound, objectKey } from './store.js';

type Loose = Record<string, any>;

export type ListResult = { items: KubeObject[]; resourceVersion: string; continue?: string; remainingItemCount?: number };

export type ApiDeps = { store: Store; clock: Clock; faults: Faults; recorder: Recorder };

const NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

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
    const key = resourceKey(route.type);
    const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
    const fieldSelector = query.get('fieldSelector') ?? undefined;
    const fields = parseFieldSelector(route.type.resource, fieldSelector);
    const matches = (o: KubeObject) => labels(o) && fields(o);
    const limit = Number(query.get('limit') ?? 0);
    const resourceVersion = String(this.store.resourceVersion);

    // Pods on one node come from the index, not a scan of every pod.
    const node = key === 'pods' ? pinnedField(fieldSelector, 'spec.nodeName') : undefined;
    if (node) {
      const items = this.store.byIndex('pods', 'byNode', node)
        .filter((o) => (route.namespace === undefined || o.metadata.namespace === route.namespace) && matches(o))
        .sort((a, b) => objectKey(a.metadata.namespace, a.metadata.name).localeCompare(objectKey(b.metadata.namespace, b.metadata.name)));
      return { items, resourceVersion };
    }

    const keys = this.store.sortedKeys(key);
    const prefix = route.namespace !== undefined && route.type.namespaced ? `${route.namespace}/` : '';
    let start = lowerBound(keys, prefix);
    const token = query.get('continue');
    if (token) start = Math.max(start, lowerBound(keys, decodeContinue(token)));
    const items: KubeObject[] = [];
    let i = start;
    for (; i < keys.length && keys[i]!.startsWith(prefix); i++) {
      const object = this.store.getByKey(key, keys[i]!)!;
      if (!matches(object)) continue;
      if (limit > 0 && items.length === limit) break;
      items.push(object);
    }
    const more = i < keys.length && keys[i]!.startsWith(prefix);
    if (!more) return { items, resourceVersion };
    const last = items[items.length - 1]!;
    const lastKey = objectKey(route.type.namespaced ? last.metadata.namespace : undefined, last.metadata.name);
    const unfiltered = !query.get('labelSelector') && !fieldSelector;
    return {
      items,
      resourceVersion,
      continue: encodeContinue(`${lastKey}\u0000`),
      ...(unfiltered ? { remainingItemCount: countWithPrefix(keys, i, prefix) } : {}),
    };
  }

  create(route: ResourceRoute, body: Loose, client: string): KubeObject | Record<string, unknown> {
    if (route.subresource === 'eviction') {
      if (body.kind !== undefined && body.kind !== 'Eviction') throw badRequest(`expected Eviction, got ${body.kind}`);
      // An eviction is a create (of pods/eviction): the NamespaceLifecycle admission plugin
      // refuses it in a terminating namespace with 403 and the NamespaceTerminating cause,
      // before the eviction handler runs; kubectl drain waits on that cause.
      this.#requireActiveNamespace(route.namespace!);
      return evictPod(this.deps, route.namespace!, route.name!, body, client);
    }
    if (route.name !== undefined) throw methodNotAllowed('the server does not allow this method on the requested resource');
    const key = resourceKey(route.type);
    const meta = (body.metadata ?? {}) as Loose;
    if (route.type.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== route.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      this.#requireActiveNamespace(route.namespace!);
    }
    const name = meta.name as string | undefined;
    if (!name && !meta.generateName) throw invalid(route.type.kind, route.type.group, '', 'metadata.name', 'Required value: name or generateName is required');
    if (name && !NAME_RE.test(name)) throw invalid(route.type.kind, route.type.group, name, 'metadata.name', `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`);
    const object = applyDefaults(key, {
      ...body,
      apiVersion: apiVersionOf(route.type),
      kind: route.type.kind,
      metadata: { ...meta, namespace: route.namespace },
    } as KubeObject);
    checkMicroTimes(key, object);
    const created = this.store.create(key, object);
    this.#recordMutation(client, 'create', route, created.metadata.name);
    return created;
  }

  update(route: ResourceRoute, body: Loose, client: string): KubeObject {
    const key = resourceKey(route.type);
    const current = this.store.mustGet(key, route.namespace, route.name!);
    if (body.metadata?.name !== undefined && body.metadata.name !== route.name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${route.name})`);
    }
    const expected = body.metadata?.resourceVersion as string | undefined;
    if (route.subresource === 'scale') return this.#setScale(route, current, body, expected, client);
    const next = this.#merge(route, current, body);
    checkMicroTimes(key, next);
    const updated = this.store.update(key, next, expected || undefined);
    this.#afterWrite(client, 'update', route, current, updated);
    return updated;
  }

  patch(route: ResourceRoute, contentType: string, patch: unknown, client: string): KubeObject {
    const key = resourceKey(route.type);
    const current = this.store.mustGet(key, route.namespace, route.name!);
    if (route.subresource === 'scale') {
      const patched = applyPatch(contentType, toScale(current), patch) as Loose;
      return this.#setScale(route, current, patched, (patch as Loose)?.metadata?.resourceVersion, client);
    }
    const patched = applyPatch(contentType, current, patch) as Loose;
    if (patched.metadata?.name !== route.name) throw badRequest('a patch may not change the object\'s name');
    // A resourceVersion in the patch is a precondition, as with update.
    const expected = (patch as Loose)?.metadata?.resourceVersion as string | undefined;
    const next = this.#merge(route, current, patched);
    checkMicroTimes(key, next);
    const updated = this.store.update(key, next, expected);
    this.#afterWrite(client, 'patch', route, current, updated);
    return updated;
  }

  delete(route: ResourceRoute, options: DeleteOptions, client: string): KubeObject {
    const key = resourceKey(route.type);
    const current = this.store.mustGet(key, route.namespace, route.name!);
    this.#recordMutation(client, 'delete', route, route.name!);
    if (key === 'pods') return deletePod(this.deps, current, options);
    checkPreconditions(current, route.type.resource, options);
    if (key === 'namespaces') {
      // The namespace controller (cluster side) empties it, then removes it.
      if (current.metadata.deletionTimestamp) return current;
      return this.store.mutate(key, undefined, route.name!, (ns) => {
        ns.metadata.deletionTimestamp = new Date(this.deps.clock.now()).toISOString().slice(0, 19) + 'Z';
        (ns.status as Loose).phase = 'Terminating';
      });
    }
    return this.store.delete(key, route.namespace, route.name!);
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

  #setScale(route: ResourceRoute, current: KubeObject, scale: Loose, expected: string | undefined, client: string): KubeObject {
    const replicas = scale.spec?.replicas;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw invalid('Scale', 'autoscaling', route.name!, 'spec.replicas', `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
    }
    if (expected && expected !== current.metadata.resourceVersion) {
      throw conflict(route.type.resource, route.type.group, route.name!, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const updated = this.store.mutate(resourceKey(route.type), route.namespace, route.name!, (o) => {
      (o.spec as Loose).replicas = replicas;
    });
    this.#recordMutation(client, 'update', route, route.name!);
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

function encodeContinue(key: string): string {
  return Buffer.from(JSON.stringify({ start: key })).toString('base64url');
}

function decodeContinue(token: string): string {
  try {
    const { start } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { start: string };
    if (typeof start === 'string') return start;
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid: malformed token');
}

function countWithPrefix(keys: readonly string[], from: number, prefix: string): number {
  if (prefix === '') return keys.length - from;
  return lowerBound(keys, `${prefix.slice(0, -1)}0`) - from; // '0' sorts right after '/'
}
