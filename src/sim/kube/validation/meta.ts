// ObjectMeta and label syntax, in apimachinery's words (util/validation and
// api/validation/objectmeta.go): names per kind, label keys and values, annotation keys
// and their total size, label selectors.

import { type FieldError, forbidden, invalidValue, required, tooLong } from './field-error.js';

type Loose = Record<string, any>;

function regexError(message: string, format: string, ...examples: string[]): string {
  // As Go's RegexError builds it, including the double space before "or".
  const shown = examples.map((e) => `'${e}', `).join(' or ');
  return `${message} (e.g. ${shown}regex used for validation is '${format}')`;
}

const maxLen = (n: number) => `must be no more than ${n} characters`;

const LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN_FMT = `${LABEL_FMT}(\\.${LABEL_FMT})*`;
const DNS1035_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${QUALIFIED_FMT})?`;
const QUALIFIED_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

const whole = (format: string) => new RegExp(`^${format}$`);
const SUBDOMAIN = whole(SUBDOMAIN_FMT);
const LABEL = whole(LABEL_FMT);
const DNS1035 = whole(DNS1035_FMT);
const QUALIFIED = whole(QUALIFIED_FMT);
const LABEL_VALUE = whole(LABEL_VALUE_FMT);

export function isDns1123Subdomain(value: string): string[] {
  const errors = value.length > 253 ? [maxLen(253)] : [];
  if (!SUBDOMAIN.test(value)) errors.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", SUBDOMAIN_FMT, 'example.com'));
  return errors;
}

export function isDns1123Label(value: string): string[] {
  const errors = value.length > 63 ? [maxLen(63)] : [];
  if (!LABEL.test(value)) errors.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", LABEL_FMT, 'my-name', '123-abc'));
  return errors;
}

export function isDns1035Label(value: string): string[] {
  const errors = value.length > 63 ? [maxLen(63)] : [];
  if (!DNS1035.test(value)) errors.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", DNS1035_FMT, 'my-name', 'abc-123'));
  return errors;
}

/** ValidatePathSegmentName: what a name needs to be a URL segment (HorizontalPodAutoscaler names). */
export function isPathSegmentName(value: string): string[] {
  if (value === '.' || value === '..') return [`may not be '${value}'`];
  return ['/', '%'].filter((c) => value.includes(c)).map((c) => `may not contain '${c}'`);
}

export function isQualifiedName(value: string): string[] {
  const parts = value.split('/');
  const errors: string[] = [];
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else errors.push(...isDns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [`a qualified name ${regexError(QUALIFIED_MSG, QUALIFIED_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else if (name.length > 63) errors.push(`name part ${maxLen(63)}`);
  if (!QUALIFIED.test(name)) errors.push(`name part ${regexError(QUALIFIED_MSG, QUALIFIED_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errors;
}

export function isValidLabelValue(value: string): string[] {
  const errors = value.length > 63 ? [maxLen(63)] : [];
  if (!LABEL_VALUE.test(value)) errors.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errors;
}

export type NameRule = (name: string) => string[];

export function validateLabels(labels: Loose | undefined, field: string): FieldError[] {
  if (!labels) return [];
  return Object.keys(labels).sort().flatMap((key) => [
    ...isQualifiedName(key).map((m) => invalidValue(field, key, m)),
    ...(typeof labels[key] === 'string' ? isValidLabelValue(labels[key]).map((m) => invalidValue(field, labels[key], m)) : []),
  ]);
}

const ANNOTATIONS_LIMIT = 256 * 1024;

export function validateAnnotations(annotations: Loose | undefined, field: string): FieldError[] {
  if (!annotations) return [];
  const keys = Object.keys(annotations).sort();
  // Case does not matter in annotation keys: kube checks them lowercased.
  const errors = keys.flatMap((key) => isQualifiedName(key.toLowerCase()).map((m) => invalidValue(field, key, m)));
  const size = keys.reduce((total, key) => total + key.length + String(annotations[key] ?? '').length, 0);
  if (size > ANNOTATIONS_LIMIT) errors.push(tooLong(field, `may not be more than ${ANNOTATIONS_LIMIT} bytes`));
  return errors;
}

/** metadata.name (or generateName, checked as a prefix: a trailing '-' is fine), labels and annotations. */
export function validateObjectMeta(meta: Loose | undefined, nameRule: NameRule): FieldError[] {
  const m = meta ?? {};
  const errors: FieldError[] = [];
  if (m.generateName) errors.push(...nameRule(String(m.generateName).replace(/-$/, 'a')).map((msg) => invalidValue('metadata.generateName', m.generateName, msg)));
  // A generateName is turned into a name before validation.
  if (!m.name && !m.generateName) errors.push(required('metadata.name', 'name or generateName is required'));
  else if (m.name) errors.push(...nameRule(String(m.name)).map((msg) => invalidValue('metadata.name', m.name, msg)));
  errors.push(...validateLabels(m.labels, 'metadata.labels'));
  errors.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  return errors;
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** unversioned ValidateLabelSelector: matchLabels as labels, each expression's key, operator and values. */
export function validateLabelSelector(selector: Loose | undefined, field: string): FieldError[] {
  if (!selector) return [];
  const errors = validateLabels(selector.matchLabels, `${field}.matchLabels`);
  ((selector.matchExpressions ?? []) as Loose[]).forEach((expression, i) => {
    const at = `${field}.matchExpressions[${i}]`;
    const values = (expression.values ?? []) as unknown[];
    if (expression.operator === 'In' || expression.operator === 'NotIn') {
      if (values.length === 0) errors.push(required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (expression.operator === 'Exists' || expression.operator === 'DoesNotExist') {
      if (values.length > 0) errors.push(forbidden(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    }
    if (!OPERATORS.has(expression.operator)) errors.push(invalidValue(`${at}.operator`, expression.operator, 'not a valid selector operator'));
    errors.push(...isQualifiedName(String(expression.key ?? '')).map((m) => invalidValue(`${at}.key`, expression.key, m)));
  });
  return errors;
}
