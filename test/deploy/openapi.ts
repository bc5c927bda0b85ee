// The rendered manifests checked against the Kubernetes API's own types, as client-node
// 1.x generates them from the OpenAPI document: every field must exist on its type (a
// typo such as `readOnlyRootFileSystem` fails, as `kubectl apply --validate=strict`
// would), and every value must have its type's shape (integers, booleans, strings,
// lists, maps, int-or-string). Required fields are not in client-node's runtime type
// maps; the tests assert the ones scalerd depends on.

import * as k8s from '@kubernetes/client-node';

type Attribute = { readonly name: string; readonly baseName: string; readonly type: string; readonly format: string };
type Model = { getAttributeTypeMap(): Attribute[] };

const MODELS = k8s as unknown as Record<string, Model | undefined>;

/** The model of apiVersion + kind: apps/v1 Deployment → V1Deployment. */
export function modelOf(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').pop() ?? '';
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

/** Problems as "path: what is wrong"; empty when the object fits its type. */
export function validate(object: unknown, type: string, path = ''): string[] {
  const list = /^Array<(.+)>$/.exec(type)?.[1];
  if (list !== undefined) {
    if (!Array.isArray(object)) return [`${path}: expected a list (${type}), got ${describe(object)}`];
    return object.flatMap((item, i) => validate(item, list, `${path}[${i}]`));
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type)?.[1];
  if (map !== undefined) {
    if (!isObject(object)) return [`${path}: expected a map (${type}), got ${describe(object)}`];
    return Object.entries(object).flatMap(([key, value]) => validate(value, map, `${path}.${key}`));
  }
  switch (type) {
    case 'any':
      return [];
    case 'string':
    case 'Date':
      return typeof object === 'string' ? [] : [`${path}: expected a string, got ${describe(object)}`];
    case 'boolean':
      return typeof object === 'boolean' ? [] : [`${path}: expected true or false, got ${describe(object)}`];
    case 'number':
      return Number.isInteger(object) ? [] : [`${path}: expected a whole number, got ${describe(object)}`];
    case 'IntOrString':
      return Number.isInteger(object) || typeof object === 'string' ? [] : [`${path}: expected a number or a string, got ${describe(object)}`];
  }
  const model = MODELS[type];
  if (!model?.getAttributeTypeMap) return [`${path}: no Kubernetes type ${type} in client-node`];
  if (!isObject(object)) return [`${path}: expected an object (${type}), got ${describe(object)}`];
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a]));
  return Object.entries(object).flatMap(([key, value]) => {
    const attribute = attributes.get(key);
    if (!attribute) return [`${path}.${key}: ${type} has no field "${key}"`];
    return validate(value, attribute.type, `${path}.${key}`);
  });
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : `${typeof value} ${JSON.stringify(value)}`;
}
