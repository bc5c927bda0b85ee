// apimachinery's field.Error and errors.NewInvalid: how the API server words a refused
// object (422 Invalid, one cause per field error), so clients print what they would print
// against a real cluster.

import { ApiError } from '../api-error.js';
import { goValue } from './go-format.js';

export type FieldErrorType =
  | 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueNotSupported' | 'FieldValueForbidden'
  | 'FieldValueTooLong' | 'FieldValueDuplicate';

export type FieldError = {
  readonly type: FieldErrorType;
  /** As kube prints it: spec.template.spec.containers[0].name */
  readonly field: string;
  readonly value?: unknown;
  readonly detail: string;
};

const WORDS: Readonly<Record<FieldErrorType, string>> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueDuplicate: 'Duplicate value',
};

/** Types whose body leaves the value out (field.Error.ErrorBody). */
const NO_VALUE = new Set<FieldErrorType>(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong']);

export const invalidValue = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });
export const required = (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail });
export const forbidden = (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail });
export const tooLong = (field: string, detail: string): FieldError => ({ type: 'FieldValueTooLong', field, detail });
export const notSupported = (field: string, value: unknown, supported: readonly string[]): FieldError => ({
  type: 'FieldValueNotSupported', field, value, detail: supported.length ? `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` : '',
});

export function errorBody(error: FieldError): string {
  let body = WORDS[error.type];
  if (!NO_VALUE.has(error.type)) body += `: ${goValue(error.value)}`;
  return error.detail ? `${body}: ${error.detail}` : body;
}

/**
 * errors.NewInvalid: `<Kind>.<group> "<name>" is invalid: <errors>`, one error as it is,
 * more in brackets (utilerrors.Aggregate, duplicates dropped), each a cause.
 */
export function invalidError(kind: string, group: string, name: string, errors: readonly FieldError[]): ApiError {
  const messages = [...new Set(errors.map((e) => `${e.field}: ${errorBody(e)}`))];
  const aggregate = messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${aggregate}`, {
    name, group, kind,
    causes: errors.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field })),
  });
}
