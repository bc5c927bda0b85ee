// Reading the query protocols' form parameters into typed requests. The two dialects differ
// only in how lists are spelled, as the SDK v3 and the AWS CLI v2 send them:
//   Auto Scaling (awsQuery): AutoScalingGroupNames.member.1, Filters.member.1.Name,
//                            Filters.member.1.Values.member.1; an empty list is "Name=".
//   EC2 (ec2Query):          InstanceId.1, Filter.1.Name, Filter.1.Value.1.

import { brokenConstraint, fail, ok, sender, validationErrors, type AwsFault, type Result } from './errors.js';
import { ruleWords, stringProblems, type StringRule } from './shapes.js';

export type Dialect = 'query' | 'ec2';

type KindType = { string: string; integer: number; boolean: boolean; list: string[] };

export type Field = {
  readonly kind: keyof KindType;
  readonly required?: boolean;
  /** integer: the least and greatest value; list: `max` is the most members. */
  readonly min?: number;
  readonly max?: number;
  /** string: the model's constraints on it; list: on every member. */
  readonly rule?: StringRule;
};

export type Parsed<S extends Record<string, Field>> = {
  -readonly [K in keyof S]: S[K]['required'] extends true ? KindType[S[K]['kind']] : KindType[S[K]['kind']] | undefined;
};

export type Filter = { readonly name: string; readonly values: readonly string[] };

/** A parameter that breaks a constraint: `value` null when it is missing. */
type Problem = { readonly name: string; readonly value: string | null; readonly rule: string };

/**
 * Reads the fields `spec` names. Auto Scaling, like every Coral service, answers with every
 * broken constraint in one message; EC2 names the first problem only, in its own words.
 */
export function readParams<S extends Record<string, Field>>(params: URLSearchParams, dialect: Dialect, spec: S): Result<Parsed<S>> {
  const out: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const [name, field] of Object.entries(spec)) {
    const value = readField(params, dialect, name, field);
    if (Array.isArray(value)) problems.push(...value);
    else out[name] = value.value;
  }
  if (problems.length === 0) return ok(out as Parsed<S>);
  if (dialect === 'ec2') return fail(ec2Fault(problems[0]!));
  return fail(validationErrors(problems.map((p) => brokenConstraint(lowerCamel(p.name), p.value, p.rule))));
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

/** Whether the request names the parameter at all, or any member of it (`Name.…`). */
export function mentions(params: URLSearchParams, name: string): boolean {
  return [...params.keys()].some((key) => key === name || key.startsWith(`${name}.`));
}

function readField(params: URLSearchParams, dialect: Dialect, name: string, field: Field): { readonly value: unknown } | Problem[] {
  if (field.kind === 'list') {
    const list = readList(params, dialect, name);
    if (field.required && list.length === 0) return [{ name, value: null, rule: 'Member must not be null' }];
    const shown = `[${list.join(', ')}]`;
    const problems: Problem[] = [];
    if (field.max !== undefined && list.length > field.max) problems.push({ name, value: shown, rule: `Member must have length less than or equal to ${field.max}` });
    const rule = field.rule;
    if (rule && list.some((member) => stringProblems(member, rule).length > 0)) problems.push({ name, value: shown, rule: `Member must satisfy constraint: [${ruleWords(rule).join(', ')}]` });
    return problems.length > 0 ? problems : { value: list };
  }
  const raw = params.get(name);
  if (raw === null || (raw === '' && field.kind !== 'string')) return field.required ? [{ name, value: null, rule: 'Member must not be null' }] : { value: undefined };
  if (field.kind === 'string') {
    const problems = field.rule ? stringProblems(raw, field.rule) : [];
    return problems.length > 0 ? problems.map((rule) => ({ name, value: raw, rule })) : { value: raw };
  }
  if (field.kind === 'boolean') {
    if (raw !== 'true' && raw !== 'false') return [{ name, value: raw, rule: 'Member must be a boolean' }];
    return { value: raw === 'true' };
  }
  if (!/^-?\d+$/.test(raw)) return [{ name, value: raw, rule: 'Member must be an integer' }];
  const n = Number(raw);
  if (field.min !== undefined && n < field.min) return [{ name, value: raw, rule: `Member must have value greater than or equal to ${field.min}` }];
  if (field.max !== undefined && n > field.max) return [{ name, value: raw, rule: `Member must have value less than or equal to ${field.max}` }];
  return { value: n };
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

function ec2Fault(problem: Problem): AwsFault {
  if (problem.value === null) return sender('MissingParameter', `The request must contain the parameter ${problem.name}`);
  return sender('InvalidParameterValue', `Value (${problem.value}) for parameter ${problem.name} is invalid. ${problem.rule}.`);
}

/** Coral names members lowerCamel, each part of a dotted path: launchTemplate.launchTemplateId. */
const lowerCamel = (name: string): string => name.split('.').map((part) => part.charAt(0).toLowerCase() + part.slice(1)).join('.');
