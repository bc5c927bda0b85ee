// The OpenAPI documents the simulated API server serves, built once (on first request)
// from the generated definitions and the served resources: /openapi/v3 (an index of one
// document per group-version, each behind a URL carrying its hash), /openapi/v3/apis/apps/v1
// and the like, and /openapi/v2 (one Swagger 2.0 document, JSON or protobuf).
//
// kubectl reads them to: validate (it asks the v3 document whether a PATCH of the kind
// takes the fieldValidation parameter, then lets the server validate; it also parses the
// v2 document first, and fails if it cannot), build client-side apply's strategic merge
// patches (the v3 schema's x-kubernetes-patch-* extensions), and explain fields (v3
// descriptions).

import { createHash } from 'node:crypto';
import { RESOURCES, type ResourceType } from '../resources.js';
import { DEFINITIONS } from './definitions.generated.js';
import { ATOMIC_STRUCTS, LIST_TYPES } from './list-types.js';
import type { Definition, Schema } from './types.js';

type Json = Record<string, any>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const STATUS = `${META}.Status`;
const DELETE_OPTIONS = `${META}.DeleteOptions`;
const PATCH = `${META}.Patch`;
const SCALE = 'io.k8s.api.autoscaling.v1.Scale';
const EVICTION = 'io.k8s.api.policy.v1.Eviction';

export const PATCH_CONTENT_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
const PRODUCES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** The definition name of a served kind: io.k8s.api.apps.v1.Deployment. */
export function definitionOf(group: string, version: string, kind: string): string {
  const found = Object.entries(DEFINITIONS).find(([, d]) => d['x-kubernetes-group-version-kind']?.some((g) => g.group === group && g.version === version && g.kind === kind));
  if (!found) throw new Error(`no OpenAPI definition of ${group}/${version} ${kind}`);
  return found[0];
}

type Style = 'v2' | 'v3';

const refTo = (style: Style, name: string) => (style === 'v2' ? `#/definitions/${name}` : `#/components/schemas/${name}`);

/** A generated schema in v2 or v3 form, with the list extensions of `owner`.`field`. */
function schemaIn(style: Style, schema: Schema, owner?: string, field?: string): Json {
  const { $ref, items, additionalProperties, ...rest } = schema;
  let out: Json;
  if ($ref !== undefined) {
    if (style === 'v3' && rest.description !== undefined) out = { allOf: [{ $ref: refTo(style, $ref) }], ...rest };
    else out = { $ref: refTo(style, $ref), ...rest };
  } else {
    out = { ...rest };
    if (items) out.items = schemaIn(style, items);
    if (additionalProperties) out.additionalProperties = schemaIn(style, additionalProperties);
  }
  const list = owner !== undefined && field !== undefined ? LIST_TYPES[owner]?.[field] : undefined;
  if (list) {
    if (list.keys) out['x-kubernetes-list-map-keys'] = list.keys;
    out['x-kubernetes-list-type'] = list.listType;
    if (list.mergeKey) out['x-kubernetes-patch-merge-key'] = list.mergeKey;
    if (list.patchStrategy) out['x-kubernetes-patch-strategy'] = list.patchStrategy;
  }
  return out;
}

function definitionIn(style: Style, name: string, definition: Definition): Json {
  const { properties, ...rest } = definition;
  const out: Json = { ...rest };
  if (properties) out.properties = Object.fromEntries(Object.entries(properties).map(([field, s]) => [field, schemaIn(style, s, name, field)]));
  if (ATOMIC_STRUCTS.has(name)) out['x-kubernetes-map-type'] = 'atomic';
  return out;
}

/** Every definition `roots` refer to, transitively, sorted. */
function closure(roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const visit = (schema: Schema | undefined): void => {
    if (!schema) return;
    if (schema.$ref !== undefined) add(schema.$ref);
    visit(schema.items);
    visit(schema.additionalProperties);
  };
  const add = (name: string): void => {
    if (seen.has(name)) return;
    const definition = DEFINITIONS[name];
    if (!definition) throw new Error(`OpenAPI definition ${name} is missing`);
    seen.add(name);
    for (const s of Object.values(definition.properties ?? {})) visit(s);
  };
  for (const root of roots) add(root);
  return [...seen].sort();
}

// ---- paths -------------------------------------------------------------------------

type Operation = { method: 'get' | 'put' | 'post' | 'patch' | 'delete'; action: string; id: string; description: string; body?: string; bodyIsPatch?: boolean; response: string; query: string[]; gvk: { group: string; kind: string; version: string } };
type PathSpec = { path: string; namespaced: boolean; named: boolean; operations: Operation[] };

const QUERY: Record<string, { description: string; type: string }> = {
  allowWatchBookmarks: { description: 'allowWatchBookmarks requests watch events with type "BOOKMARK".', type: 'boolean' },
  continue: { description: 'The continue option should be set when retrieving more results from the server.', type: 'string' },
  dryRun: { description: 'When present, indicates that modifications should not be persisted. The only valid value is All.', type: 'string' },
  fieldManager: { description: 'fieldManager is a name associated with the actor or entity that is making these changes. Required for apply requests (application/apply-patch); optional for other requests.', type: 'string' },
  fieldSelector: { description: 'A selector to restrict the list of returned objects by their fields. Defaults to everything.', type: 'string' },
  fieldValidation: { description: 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn (the default) or Strict.', type: 'string' },
  force: { description: 'Force is going to "force" Apply requests: the request takes ownership of the fields other managers own. It must be unset for non-apply patch requests.', type: 'boolean' },
  gracePeriodSeconds: { description: 'The duration in seconds before the object should be deleted.', type: 'integer' },
  labelSelector: { description: 'A selector to restrict the list of returned objects by their labels. Defaults to everything.', type: 'string' },
  limit: { description: 'limit is a maximum number of responses to return for a list call.', type: 'integer' },
  propagationPolicy: { description: 'Whether and how garbage collection will be performed: Orphan, Background or Foreground.', type: 'string' },
  resourceVersion: { description: 'resourceVersion sets a constraint on what resource versions a request may be served from.', type: 'string' },
  resourceVersionMatch: { description: 'resourceVersionMatch determines how resourceVersion is applied to list calls.', type: 'string' },
  sendInitialEvents: { description: 'sendInitialEvents=true may be set together with watch=true.', type: 'boolean' },
  timeoutSeconds: { description: 'Timeout for the list/watch call.', type: 'integer' },
  watch: { description: 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', type: 'boolean' },
  container: { description: 'The container for which to stream logs. Defaults to only container if there is one container in the pod.', type: 'string' },
  previous: { description: 'Return previous terminated container logs. Defaults to false.', type: 'boolean' },
  tailLines: { description: 'If set, the number of lines from the end of the logs to show.', type: 'integer' },
};

const LIST_QUERY = ['allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch'];
const WRITE_QUERY = ['dryRun', 'fieldManager', 'fieldValidation'];
const DELETE_QUERY = ['dryRun', 'gracePeriodSeconds', 'propagationPolicy'];

function pascal(text: string): string {
  return text.split(/[.-]/).map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join('');
}

/** CoreV1, AppsV1, CoordinationV1: the operation ids' group-version part. */
function gvPart(type: Pick<ResourceType, 'group' | 'version'>): string {
  return `${pascal(type.group === '' ? 'core' : type.group.replace(/\.k8s\.io$/, ''))}${pascal(type.version)}`;
}

/** core_v1, apps_v1, coordination_v1: an operation's tag. */
function tagOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return `${type.group === '' ? 'core' : type.group.replace(/\.k8s\.io$/, '').replaceAll('.', '_')}_${type.version}`;
}

function pathsOf(type: ResourceType): PathSpec[] {
  const prefix = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  const scope = type.namespaced ? `/namespaces/{namespace}` : '';
  const ns = type.namespaced ? 'Namespaced' : '';
  const gv = gvPart(type);
  const definition = definitionOf(type.group, type.version, type.kind);
  const list = definitionOf(type.group, type.version, `${type.kind}List`);
  const gvk = { group: type.group, kind: type.kind, version: type.version };
  const { kind } = type;
  const paths: PathSpec[] = [
    {
      path: `${prefix}${scope}/${type.resource}`, namespaced: type.namespaced, named: false,
      operations: [
        { method: 'get', action: 'list', id: `list${gv}${ns}${kind}`, description: `list or watch objects of kind ${kind}`, response: list, query: LIST_QUERY, gvk },
        { method: 'post', action: 'post', id: `create${gv}${ns}${kind}`, description: `create ${article(kind)} ${kind}`, body: definition, response: definition, query: WRITE_QUERY, gvk },
        { method: 'delete', action: 'deletecollection', id: `delete${gv}Collection${ns}${kind}`, description: `delete collection of ${kind}`, body: DELETE_OPTIONS, response: STATUS, query: [...DELETE_QUERY, ...LIST_QUERY.filter((q) => q !== 'watch' && q !== 'allowWatchBookmarks')], gvk },
      ],
    },
    {
      path: `${prefix}${scope}/${type.resource}/{name}`, namespaced: type.namespaced, named: true,
      operations: [
        { method: 'get', action: 'get', id: `read${gv}${ns}${kind}`, description: `read the specified ${kind}`, response: definition, query: [], gvk },
        { method: 'put', action: 'put', id: `replace${gv}${ns}${kind}`, description: `replace the specified ${kind}`, body: definition, response: definition, query: WRITE_QUERY, gvk },
        { method: 'patch', action: 'patch', id: `patch${gv}${ns}${kind}`, description: `partially update the specified ${kind}`, body: PATCH, bodyIsPatch: true, response: definition, query: [...WRITE_QUERY, 'force'], gvk },
        { method: 'delete', action: 'delete', id: `delete${gv}${ns}${kind}`, description: `delete ${article(kind)} ${kind}`, body: DELETE_OPTIONS, response: STATUS, query: DELETE_QUERY, gvk },
      ],
    },
  ];
  if (type.namespaced) {
    paths.push({
      path: `${prefix}/${type.resource}`, namespaced: false, named: false,
      operations: [{ method: 'get', action: 'list', id: `list${gv}${kind}ForAllNamespaces`, description: `list or watch objects of kind ${kind}`, response: list, query: LIST_QUERY, gvk }],
    });
  }
  for (const sub of type.subresources ?? []) {
    const path = `${prefix}${scope}/${type.resource}/{name}/${sub.name}`;
    const Sub = pascal(sub.name);
    if (sub.name === 'status' || sub.name === 'scale') {
      const body = sub.name === 'scale' ? SCALE : definition;
      const subGvk = sub.name === 'scale' ? { group: 'autoscaling', kind: 'Scale', version: 'v1' } : gvk;
      paths.push({
        path, namespaced: type.namespaced, named: true,
        operations: [
          { method: 'get', action: 'get', id: `read${gv}${ns}${kind}${Sub}`, description: `read ${sub.name} of the specified ${kind}`, response: body, query: [], gvk: subGvk },
          { method: 'put', action: 'put', id: `replace${gv}${ns}${kind}${Sub}`, description: `replace ${sub.name} of the specified ${kind}`, body, response: body, query: WRITE_QUERY, gvk: subGvk },
          { method: 'patch', action: 'patch', id: `patch${gv}${ns}${kind}${Sub}`, description: `partially update ${sub.name} of the specified ${kind}`, body: PATCH, bodyIsPatch: true, response: body, query: [...WRITE_QUERY, 'force'], gvk: subGvk },
        ],
      });
    } else if (sub.name === 'eviction') {
      paths.push({
        path, namespaced: type.namespaced, named: true,
        operations: [{ method: 'post', action: 'post', id: `create${gv}${ns}${kind}Eviction`, description: `create eviction of ${article(kind)} ${kind}`, body: EVICTION, response: EVICTION, query: WRITE_QUERY, gvk: { group: 'policy', kind: 'Eviction', version: 'v1' } }],
      });
    } else if (sub.name === 'log') {
      paths.push({
        path, namespaced: type.namespaced, named: true,
        operations: [{ method: 'get', action: 'get', id: `read${gv}${ns}${kind}Log`, description: `read log of the specified ${kind}`, response: 'string', query: ['container', 'previous', 'tailLines'], gvk }],
      });
    }
  }
  return paths;
}

const article = (kind: string) => (/^[AEIOU]/.test(kind) ? 'an' : 'a');

function pathParameters(style: Style, spec: PathSpec): Json[] {
  const param = (name: string, description: string, where: 'path' | 'query', required: boolean) => (style === 'v3'
    ? { name, in: where, description, ...(required ? { required } : {}), schema: { type: 'string', uniqueItems: true } }
    : { name, in: where, description, ...(required ? { required } : {}), type: 'string', uniqueItems: true });
  return [
    ...(spec.named ? [param('name', 'name of the object', 'path', true)] : []),
    ...(spec.namespaced ? [param('namespace', 'object name and auth scope, such as for teams and projects', 'path', true)] : []),
    param('pretty', "If 'true', then the output is pretty printed.", 'query', false),
  ];
}

function operationIn(style: Style, type: ResourceType, op: Operation): Json {
  const query = op.query.map((name) => {
    const q = QUERY[name]!;
    return style === 'v3'
      ? { name, in: 'query', description: q.description, schema: { type: q.type, uniqueItems: true } }
      : { name, in: 'query', description: q.description, type: q.type, uniqueItems: true };
  });
  const responseSchema = op.response === 'string' ? { type: 'string' } : { $ref: refTo(style, op.response) };
  const codes = op.method === 'post' ? ['200', '201', '202'] : op.method === 'put' || op.method === 'patch' ? ['200', '201'] : op.method === 'delete' && op.action === 'delete' ? ['200', '202'] : ['200'];
  const produces = op.response === 'string' ? ['text/plain'] : op.action === 'list' ? [...PRODUCES, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'] : PRODUCES;
  const consumes = op.bodyIsPatch ? PATCH_CONTENT_TYPES : ['*/*'];
  const tags = [tagOf(type)];
  const common = { description: op.description, operationId: op.id, tags };
  const extensions = { 'x-kubernetes-action': op.action, 'x-kubernetes-group-version-kind': op.gvk };
  if (style === 'v3') {
    const responses: Json = {};
    for (const code of codes) responses[code] = { content: Object.fromEntries(produces.map((p) => [p, { schema: responseSchema }])), description: code === '200' ? 'OK' : code === '201' ? 'Created' : 'Accepted' };
    responses['401'] = { description: 'Unauthorized' };
    return {
      ...common,
      parameters: query,
      ...(op.body !== undefined ? { requestBody: { content: Object.fromEntries(consumes.map((c) => [c, { schema: { $ref: refTo(style, op.body!) } }])), ...(op.method === 'delete' ? {} : { required: true }) } } : {}),
      responses,
      ...extensions,
    };
  }
  const responses: Json = {};
  for (const code of codes) responses[code] = { description: code === '200' ? 'OK' : code === '201' ? 'Created' : 'Accepted', schema: responseSchema };
  responses['401'] = { description: 'Unauthorized' };
  const body = op.body !== undefined ? [{ name: 'body', in: 'body', ...(op.method === 'delete' ? {} : { required: true }), schema: { $ref: refTo(style, op.body) } }] : [];
  return { ...common, consumes, produces, schemes: ['https'], parameters: [...body, ...query], responses, ...extensions };
}

function pathsIn(style: Style, types: readonly ResourceType[]): { paths: Json; roots: Set<string> } {
  const paths: Json = {};
  const roots = new Set<string>([STATUS]);
  for (const type of types) {
    for (const spec of pathsOf(type)) {
      const item: Json = {};
      for (const op of spec.operations) {
        item[op.method] = operationIn(style, type, op);
        if (op.body !== undefined) roots.add(op.body);
        if (op.response !== 'string') roots.add(op.response);
      }
      item.parameters = pathParameters(style, spec);
      paths[spec.path] = item;
    }
  }
  return { paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : 1))), roots };
}

function definitionsIn(style: Style, roots: Iterable<string>): Json {
  return Object.fromEntries(closure(roots).map((name) => [name, definitionIn(style, name, DEFINITIONS[name]!)]));
}

const INFO = { title: 'Kubernetes', version: 'v1.32.0' };

// ---- v3 ----------------------------------------------------------------------------

/** "api/v1", "apis/apps/v1": a group-version's path under /openapi/v3. */
function v3Key(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

type V3 = { index: Json; documents: Map<string, { text: string; hash: string }> };
let v3Cache: V3 | undefined;

function v3(): V3 {
  if (v3Cache) return v3Cache;
  const byGv = new Map<string, ResourceType[]>();
  for (const type of RESOURCES) {
    const key = v3Key(type.group, type.version);
    byGv.set(key, [...(byGv.get(key) ?? []), type]);
  }
  const documents = new Map<string, { text: string; hash: string }>();
  for (const [key, types] of byGv) {
    const { paths, roots } = pathsIn('v3', types);
    const document = {
      openapi: '3.0.0',
      info: INFO,
      paths,
      components: {
        schemas: definitionsIn('v3', roots),
        securitySchemes: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
      },
    };
    const text = JSON.stringify(document);
    documents.set(key, { text, hash: createHash('sha512').update(text).digest('hex').toUpperCase() });
  }
  const index = { paths: Object.fromEntries([...documents].map(([key, d]) => [key, { serverRelativeURL: `/openapi/v3/${key}?hash=${d.hash}` }])) };
  v3Cache = { index, documents };
  return v3Cache;
}

/** GET /openapi/v3: the paths of the group-version documents, each with its hash. */
export function openApiV3Index(): Json {
  return v3().index;
}

/** GET /openapi/v3/{api/v1 | apis/<group>/<version>}: the document's JSON and hash, or undefined. */
export function openApiV3Document(key: string): { text: string; hash: string } | undefined {
  return v3().documents.get(key);
}

// ---- v2 ----------------------------------------------------------------------------

let v2Cache: Json | undefined;

/** GET /openapi/v2: every served path and definition in one Swagger 2.0 document. */
export function openApiV2(): Json {
  if (v2Cache) return v2Cache;
  const { paths, roots } = pathsIn('v2', RESOURCES);
  v2Cache = {
    swagger: '2.0',
    info: INFO,
    paths,
    definitions: definitionsIn('v2', roots),
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
    security: [{ BearerToken: [] }],
  };
  return v2Cache;
}

/** The schema (v3 form) of a served kind, for tests and for kubectl explain's lookups. */
export function kindSchema(type: Pick<ResourceType, 'group' | 'version' | 'kind'>): Json {
  const name = definitionOf(type.group, type.version, type.kind);
  return definitionIn('v3', name, DEFINITIONS[name]!);
}

