// Reading the query protocols' form parameters into typed requests. The two dialects differ
// only in how lists are spelled, as the SDK v3 and the AWS CLI v2 send them:
//   Auto Scaling (awsQuery): AutoScalingGroupNames.member.1, Filters.member.1.Name,
//                            Filters.member.1.Values.member.1; an empty list is "Name=".
//   EC2 (ec2Query):          InstanceId.1, Filter.1.Name, Filter.1.Value.1.

import { constraint, fail, ok, sender, validation, type AwsFault, type Result } from './errors.js';

export type Dialect = 'query' | 'ec2';

type KindType = { string: string; integer: number; boolean: boolean; list: string[] };

export type Field = { readonly kind: keyof KindType; readonly required?: boolean; readonly min?: number; readonly max?: number };

export type Parsed<S extends Record<string, Field>> = {
  -readonly [K in keyof S]: S[K]['required'] extends true ? KindType[S[K]['kind']] : KindType[S[K]['kind']] | undefined;
};

export type Filter = { readonly name: string; readonly values: readonly string[] };

/** Reads the fields `spec` names; the first missing or malformed one is the error, worded as the service words it. */
export function readParams<S extends Record<string, Field>>(params: URLSearchParams, dialect: Dialect, spec: S): Result<Parsed<S>> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec)) {
    const value = readField(params, dialect, name, field);
    if (!value.ok) return value;
    out[name] = value.value;
  }
  return ok(out as Parsed<S>);
}

/** Filters: Auto Scaling's `Filters.member.N.Name/Values.member.M`, EC2's `Filter.N.Name/Value.M`. */
export function readFilters(params: URLSearchParams, dialect: Dialect): Filter[] {
  const [prefix, valuesKey] = dialect === 'ec2' ? ['Filter', 'Value'] : ['Filters.member', 'Values'];
  return indices(params, prefix, '.Name').map((n) => ({
    name: params.get(`${prefix}.${n}.Name`) ?? '',
    values: readList(params, dialect, `${prefix}.${n}.${valuesKey}`),
  }));
}

export function readList(params: URLSearchParams, dialect: Dialect, name: string): string[] {
  const prefix = dialect === 'ec2' ? name : `${name}.member`;
  return indices(params, prefix, '').map((n) => params.get(`${prefix}.${n}`) ?? '');
}

function readField(params: URLSearchParams, dialect: Dialect, name: string, field: Field): Result<unknown> {
  if (field.kind === 'list') {
    const list = readList(params, dialect, name);
    if (field.required && list.length === 0) return fail(missing(name, dialect));
    if (field.max !== undefined && list.length > field.max) return fail(constraint(lowerFirst(name), `[${list.join(', ')}]`, `Member must have length less than or equal to ${field.max}`));
    return ok(list);
  }
  const raw = params.get(name);
  if (raw === null || (raw === '' && field.kind !== 'string')) return field.required ? fail(missing(name, dialect)) : ok(undefined);
  if (field.kind === 'string') return ok(raw);
  if (field.kind === 'boolean') {
    if (raw !== 'true' && raw !== 'false') return fail(invalid(name, raw, dialect, 'Member must be a boolean'));
    return ok(raw === 'true');
  }
  if (!/^-?\d+$/.test(raw)) return fail(invalid(name, raw, dialect, 'Member must be an integer'));
  const n = Number(raw);
  if (field.min !== undefined && n < field.min) return fail(invalid(name, raw, dialect, `Member must have value greater than or equal to ${field.min}`));
  if (field.max !== undefined && n > field.max) return fail(invalid(name, raw, dialect, `Member must have value less than or equal to ${field.max}`));
  return ok(n);
}

/** The N of `prefix.N<suffix>` keys, in numeric order. */
function indices(params: URLSearchParams, prefix: string, suffix: string): number[] {
  const found = new Set<number>();
  const head = `${prefix}.`;
  for (const key of params.keys()) {
    if (!key.startsWith(head) || !key.endsWith(suffix)) continue;
    const middle = key.slice(head.length, key.length - suffix.length);
    if (/^\d+$/.test(middle)) found.add(Number(middle));
  }
  return [...found].sort((a, b) => a - b);
}

function missing(name: string, dialect: Dialect): AwsFault {
  if (dialect === 'ec2') return sender('MissingParameter', `The request must contain the parameter ${name}`);
  return validation(`1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`);
}

function invalid(name: string, raw: string, dialect: Dialect, rule: string): AwsFault {
  if (dialect === 'ec2') return sender('InvalidParameterValue', `Value (${raw}) for parameter ${name} is invalid. ${rule}.`);
  return constraint(lowerFirst(name), raw, rule);
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
