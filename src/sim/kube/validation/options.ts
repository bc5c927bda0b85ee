// The write options of a request (query parameters, and a delete's or an eviction's
// DeleteOptions body): dryRun and fieldValidation, checked as the API server's handlers
// check them (ValidateCreateOptions and its kin: 422 on the options kind).

import { type FieldError, invalidError, notSupported } from './field-error.js';
import type { FieldValidation } from './decode.js';
import { GoRendered, goStrings } from './go-format.js';

export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

export type WriteOptions = {
  /** dryRun=All: validated and answered as if done, nothing stored. */
  readonly dryRun: boolean;
  readonly fieldValidation: FieldValidation;
};

const FIELD_VALIDATION = ['', 'Ignore', 'Strict', 'Warn'] as const;

/**
 * The options of a write. Without fieldValidation the API server warns of unknown fields
 * (its default since v1.23); kubectl sends Strict unless told --validate=false or warn.
 */
export function writeOptions(kind: OptionsKind, dryRun: readonly string[], fieldValidation: string | null): WriteOptions {
  const errors: FieldError[] = [];
  if (dryRun.some((v) => v !== 'All')) errors.push(notSupported('dryRun', new GoRendered(goStrings(dryRun)), ['All']));
  if (kind !== 'DeleteOptions' && fieldValidation !== null && !(FIELD_VALIDATION as readonly string[]).includes(fieldValidation)) {
    errors.push(notSupported('fieldValidation', fieldValidation, FIELD_VALIDATION));
  }
  if (errors.length > 0) throw invalidError(kind, 'meta.k8s.io', '', errors);
  return { dryRun: dryRun.length > 0, fieldValidation: (fieldValidation || 'Warn') as FieldValidation };
}

/** From a request's query: ?dryRun=All&fieldValidation=Strict */
export function queryOptions(kind: OptionsKind, query: URLSearchParams): WriteOptions {
  return writeOptions(kind, query.getAll('dryRun'), query.get('fieldValidation'));
}
