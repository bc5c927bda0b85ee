// The OpenAPI schema of each served kind, as the validators kubernetes-models generates
// from the Kubernetes OpenAPI (one precompiled ajv function per definition). A kind's
// validators load on the first write of that kind (about 0.1 s for a PodSpec's tree), so a
// simulator that is never written to pays nothing; they load synchronously through the
// package's CommonJS build because the API's verbs are synchronous.
//
// The generated functions read every property their definition declares (ajv's
// `properties` keyword tests each one), and iterate the keys of a map (additionalProperties).
// Running them over a recording proxy therefore tells which fields of the object the schema
// knows: the rest are the unknown fields the API server drops, warns of, or refuses.

import { createRequire } from 'node:module';

type Loose = Record<string, any>;

export type SchemaError = {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Loose;
};

export type SchemaResult = {
  readonly errors: readonly SchemaError[];
  /** JSON pointers of fields no definition declares, in document order. */
  readonly unknown: readonly string[];
};

type Validate = (this: unknown) => void;

const require = createRequire(import.meta.url);
const loaded = new Map<string, Validate>();

/** The validator of apiVersion/kind, e.g. apps/v1 Deployment; loaded once. */
function validatorOf(apiVersion: string, kind: string): Validate {
  const module = `kubernetes-models/${apiVersion}/${kind}`;
  let validate = loaded.get(module);
  if (!validate) {
    const exported = (require(module) as Record<string, { prototype: { validate: Validate } }>)[kind];
    if (!exported) throw new Error(`${module} exports no ${kind}`);
    validate = exported.prototype.validate;
    loaded.set(module, validate);
  }
  return validate;
}

type Seen = { readonly value: Loose; readonly read: Set<string>; iterated: boolean; definition?: string };

/**
 * Checks `object` against the definition of apiVersion/kind. With `definitions`, also
 * records which definition read each object (by JSON pointer): slower (a stack per read),
 * for wording a decode error only.
 */
export function checkSchema(apiVersion: string, kind: string, object: unknown, options: { definitions?: Map<string, string> } = {}): SchemaResult {
  const validate = validatorOf(apiVersion, kind);
  const seen = new Map<string, Seen>();
  const proxied = record(object, '', seen, options.definitions !== undefined);
  let errors: SchemaError[] = [];
  try {
    validate.call(proxied);
  } catch (error) {
    const found = (error as { errors?: SchemaError[] }).errors;
    if (!found) throw error;
    errors = found.map(({ instancePath, keyword, params }) => ({ instancePath, keyword, params }));
  }
  if (options.definitions) for (const [path, s] of seen) if (s.definition) options.definitions.set(path, s.definition);
  return { errors, unknown: unknownFields(object, '', seen) };
}

function record(value: unknown, path: string, seen: Map<string, Seen>, withStacks: boolean): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const entry: Seen = { value: value as Loose, read: new Set(), iterated: false };
  seen.set(path, entry);
  return new Proxy(value as Loose, {
    get(target, key, receiver) {
      const child = Reflect.get(target, key, receiver);
      if (typeof key !== 'string') return child;
      entry.read.add(key);
      if (withStacks && entry.definition === undefined) entry.definition = callingDefinition();
      return Object.hasOwn(target, key) ? record(child, `${path}/${escape(key)}`, seen, withStacks) : child;
    },
    ownKeys(target) {
      entry.iterated = true;
      return Reflect.ownKeys(target);
    },
  });
}

/** The OpenAPI definition whose generated validator is reading: its module's name. */
function callingDefinition(): string | undefined {
  const stack = new Error().stack ?? '';
  return /_schemas\/(\w+)\.m?js/.exec(stack)?.[1];
}

/**
 * Keys no validator read, of objects whose keys some validator did read (an object no
 * validator looked into is free-form, as RawExtension and FieldsV1 are, or was refused
 * already for its type) and whose keys were not iterated (a map).
 */
function unknownFields(value: unknown, path: string, seen: Map<string, Seen>): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const entry = seen.get(path);
  if (!entry) return [];
  const found: string[] = [];
  const checked = !Array.isArray(value) && !entry.iterated && entry.read.size > 0;
  for (const key of Object.keys(value)) {
    const childPath = `${path}/${escape(key)}`;
    if (checked && !entry.read.has(key)) found.push(childPath);
    else found.push(...unknownFields((value as Loose)[key], childPath, seen));
  }
  return found;
}

const escape = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
