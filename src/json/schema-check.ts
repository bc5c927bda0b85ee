// Checks a parsed document against a JSON Schema (the schedule's, the scenario's) with ajv, and turns
// ajv's errors into diagnostics people can act on: the schema's own descriptions say
// what was expected, its examples give the hint.

import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { escapePointerSegment } from './diagnostics.js';

export const SCHEMA_URL = new URL('../../schedules/schedule.schema.json', import.meta.url);

export type SchemaProblem = {
  readonly pointer: string;
  /** Point at the property name rather than its value. */
  readonly atKey: boolean;
  readonly message: string;
  readonly hint: string;
};

type SchemaNode = { description?: string; examples?: unknown[]; properties?: Record<string, SchemaNode>; oneOf?: SchemaNode[]; anyOf?: SchemaNode[]; required?: string[] };

const validators = new Map<string, ValidateFunction>();

function getValidator(schemaUrl: URL): ValidateFunction {
  let validator = validators.get(schemaUrl.href);
  if (!validator) {
    const schema = JSON.parse(readFileSync(schemaUrl, 'utf8')) as object;
    // strictRequired off: oneOf/anyOf branches list required properties defined beside them.
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false });
    validator = ajv.compile(schema);
    validators.set(schemaUrl.href, validator);
  }
  return validator;
}

/** Checks a document against a JSON Schema file; the schedule's schema unless another is named. */
export function checkSchema(document: unknown, schemaUrl: URL = SCHEMA_URL): SchemaProblem[] {
  const validate = getValidator(schemaUrl);
  if (validate(document)) return [];
  return translate(validate.errors ?? []);
}

const COMBINATORS = new Set(['oneOf', 'anyOf', 'propertyNames']);

function translate(errors: readonly ErrorObject[]): SchemaProblem[] {
  const kept: (ErrorObject | undefined)[] = [...errors];
  const problems: SchemaProblem[] = [];
  errors.forEach((error, k) => {
    if (!COMBINATORS.has(error.keyword)) return;
    // ajv reports a combinator's failed branches just before it: they only say why each
    // alternative failed, which the combinator's own message says better.
    const inner: ErrorObject[] = [];
    for (let i = k - 1; i >= 0; i--) {
      const e = errors[i]!;
      const related = error.keyword === 'propertyNames'
        ? e.instancePath === error.instancePath && !COMBINATORS.has(e.keyword)
        : isWithin(e.instancePath, error.instancePath) && !(COMBINATORS.has(e.keyword) && e.instancePath === error.instancePath);
      if (!related) break;
      inner.unshift(e);
      kept[i] = undefined;
    }
    kept[k] = undefined;
    problems.push(describeCombinator(error, inner));
  });
  for (const error of kept) if (error) problems.push(describe(error));
  return problems;
}

function isWithin(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}/`);
}

function describeCombinator(error: ErrorObject, inner: readonly ErrorObject[]): SchemaProblem {
  const parent = (error.parentSchema ?? {}) as SchemaNode;
  if (error.keyword === 'propertyNames') {
    const name = String((error.params as { propertyName: string }).propertyName);
    const nameSchema = (inner[0]?.parentSchema ?? {}) as SchemaNode;
    return {
      pointer: `${error.instancePath}/${escapePointerSegment(name)}`,
      atKey: true,
      message: `invalid name "${name}": expected ${nameSchema.description ?? 'a valid name'}`,
      hint: examplesHint(nameSchema) ?? 'rename it',
    };
  }
  const branches = (error.keyword === 'oneOf' ? parent.oneOf : parent.anyOf) ?? [];
  const alternatives = branches.map((b) => b.required?.length === 1 && Object.keys(b).length === 1 ? b.required[0] : undefined);
  if (alternatives.every((a) => a !== undefined)) {
    const present = alternatives.filter((a) => isObject(error.data) && a in error.data);
    const list = alternatives.map((a) => `"${a}"`).join(', ');
    const which = error.keyword === 'oneOf' ? 'exactly one' : 'at least one';
    return {
      pointer: error.instancePath,
      atKey: false,
      message: `expected ${which} of ${list}, found ${present.length === 0 ? 'none' : present.map((a) => `"${a}"`).join(' and ')}`,
      hint: parent.description ? `this is ${parent.description}` : `keep ${which} of ${list}`,
    };
  }
  return {
    pointer: error.instancePath,
    atKey: false,
    message: `expected ${parent.description ?? 'a different value'}, got ${show(error.data)}`,
    hint: examplesHint(parent) ?? 'see schedules/schedule.schema.json',
  };
}

function describe(error: ErrorObject): SchemaProblem {
  const schema = (error.parentSchema ?? {}) as SchemaNode;
  const expected = schema.description ?? error.message ?? 'a different value';
  const params = error.params as Record<string, unknown>;
  const at = (message: string, hint: string, pointer = error.instancePath, atKey = false): SchemaProblem => ({ pointer, atKey, message, hint });
  switch (error.keyword) {
    case 'required': {
      const name = String(params.missingProperty);
      const property = schema.properties?.[name];
      return at(`missing property "${name}"`, `add "${name}"${property?.description ? `: ${property.description}` : ''}`);
    }
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const allowed = Object.keys(schema.properties ?? {});
      const close = closest(name, allowed);
      return at(
        `unknown property "${name}"`,
        close ? `did you mean "${close}"? Allowed here: ${allowed.join(', ')}` : `allowed here: ${allowed.join(', ')}`,
        `${error.instancePath}/${escapePointerSegment(name)}`,
        true,
      );
    }
    case 'type':
      return at(`expected ${expected}, got ${show(error.data)}`, `use a ${String(params.type)} here${examplesSuffix(schema)}`);
    case 'const':
      return at(`expected ${show(params.allowedValue)}, got ${show(error.data)}`, `write ${show(params.allowedValue)}`);
    case 'enum':
      return at(`expected ${expected}, got ${show(error.data)}`, `use one of ${(params.allowedValues as unknown[]).map(show).join(', ')}`);
    case 'minimum':
    case 'maximum':
      return at(`expected ${expected}, got ${show(error.data)}`, `use a number ${String(params.comparison)} ${String(params.limit)}`);
    case 'uniqueItems':
      return at(`"${String((error.data as unknown[])[Number(params.i)])}" is listed twice`, 'remove the repeated entry');
    default:
      return at(`expected ${expected}, got ${show(error.data)}`, examplesHint(schema) ?? String(error.message));
  }
}

function examplesHint(schema: SchemaNode): string | undefined {
  return schema.examples?.length ? `for example ${schema.examples.map(show).join(' or ')}` : undefined;
}

function examplesSuffix(schema: SchemaNode): string {
  const hint = examplesHint(schema);
  return hint ? `, ${hint}` : '';
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The allowed name closest to a misspelt one, when it is close enough to be a typo. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
