// The API server's first step on a write: decoding the body into the kind's Go type. A
// value of the wrong type does not decode (400 BadRequest, in encoding/json's words); a
// field the type does not have is dropped, and per fieldValidation ignored, warned of
// (a Warning header each) or refused (400, "strict decoding error"). Required fields and
// enums are Go validation's (422): they come back as field errors for the next step.

import { badRequest } from '../api-error.js';
import { type FieldError, notSupported, required } from './field-error.js';
import { type Segment, decoderPath, fieldPath, segments, valueAt, without } from './paths.js';
import { type SchemaError, checkSchema } from './schema.js';

type Loose = Record<string, any>;

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

export type Decoded = {
  /** The body without its unknown fields. */
  readonly object: Loose;
  /** What the Warning headers say (Warn only). */
  readonly warnings: readonly string[];
  /** Required fields missing and values outside an enum, for validation to report (422). */
  readonly fieldErrors: readonly FieldError[];
};

const NEVER_MISSING = new Set(['apiVersion', 'kind', 'spec.template']);

const QUANTITY = `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`;

/** Decodes `object` (apiVersion and kind set) as the API server would; throws its 400. */
export function decode(object: Loose, fieldValidation: FieldValidation): Decoded {
  const { apiVersion, kind } = object as { apiVersion: string; kind: string };
  const { errors, unknown } = checkSchema(apiVersion, kind, object);
  const cannot = `${kind} in version "${apiVersion.split('/').pop()}" cannot be handled as a ${kind}`;
  const undecodable = errors.filter((e) => e.keyword !== 'required' && e.keyword !== 'enum');
  if (undecodable.length > 0) throw badRequest(`${cannot}: ${decodeMessage(object, undecodable)}`);
  const names = unknown.map((pointer) => `unknown field ${JSON.stringify(fieldPath(segments(object, pointer)))}`);
  if (fieldValidation === 'Strict' && names.length > 0) throw badRequest(`${cannot}: strict decoding error: ${names.join(', ')}`);
  return {
    object: without(object, unknown),
    warnings: fieldValidation === 'Warn' ? names : [],
    fieldErrors: errors.flatMap((e) => validationError(object, e)),
  };
}

/**
 * Required and enum errors outside status: Go validation checks a spec's required fields
 * and enums, but a write of the main resource keeps the stored status, and the simulator's
 * controllers own status, so neither is held to the schema's list there.
 */
function validationError(object: Loose, error: SchemaError): FieldError[] {
  const parts = segments(object, error.instancePath);
  if (parts[0]?.key === 'status') return [];
  if (error.keyword === 'required') {
    const field = fieldPath([...parts, { key: String(error.params.missingProperty), index: false }]);
    // A workload's template is a struct, not a pointer, in Go: never missing, only empty,
    // and validation then says what the empty template lacks.
    return NEVER_MISSING.has(field) ? [] : [required(field)];
  }
  return [notSupported(fieldPath(parts), valueAt(object, parts), (error.params.allowedValues as unknown[]).map(String))];
}

/** encoding/json's UnmarshalTypeError, or the decoder of a Quantity or a time, for the first value that does not decode. */
function decodeMessage(object: Loose, errors: readonly SchemaError[]): string {
  const path = errors[0]!.instancePath;
  const here = errors.filter((e) => e.instancePath === path);
  const parts = segments(object, path);
  const value = valueAt(object, parts);
  const format = here.find((e) => e.keyword === 'format')?.params.format as string | undefined;
  if (format === 'quantity') return QUANTITY;
  if (format === 'date-time' && typeof value === 'string') return `parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(value)} as "2006"`;
  const expected = (here.find((e) => e.keyword === 'type')?.params.type as string | undefined) ?? (format === 'int32' || format === 'int64' ? 'integer' : 'string');
  const goType = here.some((e) => e.keyword === 'oneOf') ? 'intstr.IntOrString' : goTypeOf(object, parts, expected);
  const definitions = definitionsOf(object);
  const parent = definitionName(definitions.get(pointerOf(parts.slice(0, -1)))) ?? String(object.kind);
  // Go names the number only when it is one that does not fit the integer type.
  const shown = typeof value === 'number' && expected === 'integer' ? `number ${value}` : jsonKind(value);
  return `json: cannot unmarshal ${shown} into Go struct field ${parent}.${decoderPath(parts)} of type ${goType}`;
}

/** The Go type of the field at `parts`, found by trying a value of the expected JSON type there. */
function goTypeOf(object: Loose, parts: readonly Segment[], expected: string): string {
  switch (expected) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float64';
    case 'integer': {
      // A value past int32 fails an int32 field's format check only.
      const { errors } = checkSchema(object.apiVersion, object.kind, replaced(object, parts, 2 ** 31));
      return errors.some((e) => e.instancePath === pointerOf(parts) && e.params.format === 'int32') ? 'int32' : 'int64';
    }
    case 'object': {
      const definitions = definitionsOf(replaced(object, parts, {}));
      return qualifiedName(definitions.get(pointerOf(parts))) ?? 'map[string]string';
    }
    case 'array': {
      const definitions = definitionsOf(replaced(object, parts, [{}]));
      return `[]${qualifiedName(definitions.get(`${pointerOf(parts)}/0`)) ?? 'string'}`;
    }
    default:
      return expected;
  }
}

function definitionsOf(object: Loose): Map<string, string> {
  const definitions = new Map<string, string>();
  checkSchema(object.apiVersion, object.kind, object, { definitions });
  return definitions;
}

function replaced(object: Loose, parts: readonly Segment[], value: unknown): Loose {
  const copy = structuredClone(object);
  const parent = valueAt(copy, parts.slice(0, -1)) as Loose;
  parent[parts[parts.length - 1]!.key] = value;
  return copy;
}

const pointerOf = (parts: readonly Segment[]) => parts.map((p) => `/${p.key.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** IoK8sApiAppsV1DeploymentSpec → DeploymentSpec; its package (v1) with qualifiedName. */
const DEFINITION = /V(\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/;
const definitionName = (definition: string | undefined) => (definition ? DEFINITION.exec(definition)?.[2] : undefined);
function qualifiedName(definition: string | undefined): string | undefined {
  const match = definition ? DEFINITION.exec(definition) : null;
  return match ? `v${match[1]}.${match[2]}` : undefined;
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'object' ? 'object' : typeof value;
}

