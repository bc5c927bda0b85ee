// The three patch types the API server accepts: JSON merge patch (RFC 7386), strategic
// merge patch (the subset of the Kubernetes directives that built-in types and kubectl
// use), and JSON patch (RFC 6902).

import { ApiError, badRequest } from './api-error.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export const PATCH_TYPES = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** The patch types in the order the API server's patch handler lists them (server-side apply's last). */
const SUPPORTED = [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.strategic, PATCH_TYPES.apply] as const;

/** The patch handler's first check, before it reads the body: a Content-Type that is no patch type is a 415. */
export function checkPatchType(contentType: string): void {
  const type = contentType.split(';')[0]!.trim();
  if (!(SUPPORTED as readonly string[]).includes(type)) {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${SUPPORTED.join(', ')}`);
  }
}

/** A merge, strategic merge or JSON patch applied; server-side apply is KubeApi.apply's (managed-fields/). */
export function applyPatch(contentType: string, target: unknown, patch: unknown): unknown {
  checkPatchType(contentType);
  const type = contentType.split(';')[0]!.trim();
  switch (type) {
    case PATCH_TYPES.merge:
      return mergePatch(target as Json, patch as Json);
    case PATCH_TYPES.strategic:
      return strategicMerge(target as Json, patch as Json, '');
    case PATCH_TYPES.apply:
      throw new Error('an apply patch is applied by KubeApi.apply, not applyPatch');
    default:
      return jsonPatch(target as Json, patch);
  }
}

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key] ?? null, value);
  }
  return result;
}

/** List fields merged by a key instead of replaced (patchMergeKey in the Kubernetes API types). */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  conditions: 'type',
  ownerReferences: 'uid',
  imagePullSecrets: 'name',
};
/** Primitive lists with patchStrategy merge: union. */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

function strategicMerge(target: Json, patch: Json, field: string): Json {
  if (!isObject(patch)) {
    if (Array.isArray(patch) && Array.isArray(target)) return mergeList(target, patch, field);
    return patch;
  }
  if (patch.$patch === 'delete') return null;
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return rest;
  }
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$retainKeys' || key === '$patch' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const listField = key.slice('$deleteFromPrimitiveList/'.length);
      const remove = new Set((value as Json[]).map((v) => JSON.stringify(v)));
      const current = result[listField];
      if (Array.isArray(current)) result[listField] = current.filter((v) => !remove.has(JSON.stringify(v)));
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const merged = strategicMerge(result[key] ?? null, value, key);
    if (merged === null) delete result[key];
    else result[key] = merged;
  }
  return result;
}

function mergeList(target: Json[], patch: Json[], field: string): Json[] {
  const mergeKey = MERGE_KEYS[field];
  if (MERGED_PRIMITIVE_LISTS.has(field)) return [...new Set([...target, ...patch].map((v) => JSON.stringify(v)))].map((v) => JSON.parse(v) as Json);
  if (!mergeKey) return patch;
  const result = [...target];
  for (const item of patch) {
    if (!isObject(item)) continue;
    const index = result.findIndex((existing) => isObject(existing) && existing[mergeKey] === item[mergeKey]);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = strategicMerge(result[index]!, item, field);
    } else {
      const { $patch: _, ...rest } = item;
      result.push(rest);
    }
  }
  return result;
}

type Operation = { op: string; path: string; value?: Json; from?: string };

function jsonPatch(target: Json, patch: unknown): Json {
  if (!Array.isArray(patch)) throw badRequest('json patch must be an array of operations');
  let document = structuredClone(target);
  for (const operation of patch as Operation[]) {
    switch (operation.op) {
      case 'add':
        document = setAt(document, parsePath(operation.path), operation.value ?? null, 'add');
        break;
      case 'replace':
        getAt(document, parsePath(operation.path));
        document = setAt(document, parsePath(operation.path), operation.value ?? null, 'replace');
        break;
      case 'remove':
        document = removeAt(document, parsePath(operation.path));
        break;
      case 'move': {
        const value = getAt(document, parsePath(operation.from ?? ''));
        document = setAt(removeAt(document, parsePath(operation.from ?? '')), parsePath(operation.path), value, 'add');
        break;
      }
      case 'copy':
        document = setAt(document, parsePath(operation.path), structuredClone(getAt(document, parsePath(operation.from ?? ''))), 'add');
        break;
      case 'test':
        if (JSON.stringify(getAt(document, parsePath(operation.path))) !== JSON.stringify(operation.value)) {
          throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: testing value ${operation.path} failed`);
        }
        break;
      default:
        throw badRequest(`Unexpected kind: ${operation.op}`);
    }
  }
  return document;
}

function parsePath(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`invalid JSON pointer "${path}"`);
  return path.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function getAt(document: Json, path: string[]): Json {
  let node: Json = document;
  for (const segment of path) {
    if (Array.isArray(node)) node = node[Number(segment)] ?? missing(path);
    else if (isObject(node) && segment in node) node = node[segment]!;
    else missing(path);
  }
  return node;
}

function missing(path: string[]): never {
  throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: path /${path.join('/')} does not exist`);
}

function setAt(document: Json, path: string[], value: Json, mode: 'add' | 'replace'): Json {
  if (path.length === 0) return value;
  const parent = getAt(document, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!(index >= 0 && index <= parent.length)) missing(path);
    if (mode === 'add') parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isObject(parent)) {
    parent[last] = value;
  } else {
    missing(path);
  }
  return document;
}

function removeAt(document: Json, path: string[]): Json {
  const parent = getAt(document, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent) && Number(last) < parent.length) parent.splice(Number(last), 1);
  else if (isObject(parent) && last in parent) delete parent[last];
  else missing(path);
  return document;
}
