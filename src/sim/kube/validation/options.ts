// The write options of a request (query parameters, and a delete's or an eviction's
// DeleteOptions body): dryRun and fieldValidation, checked as the API server's handlers
// check them (ValidateCreateOptions and its kin: 422 on the options kind).

import { type FieldError, invalidError, invalidValue, notSupported, tooLong } from './field-error.js';
import type { FieldValidation } from './decode.js';
import { GoRendered, goStrings } from './go-format.js';

export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

export type WriteOptions = {
  /** dryRun=All: validated and answered as if done, nothing stored. */
  readonly dryRun: boolean;
  readonly fieldValidation: FieldValidation;
  /** The fieldManager parameter, if given (the manager otherwise comes from the User-Agent). */
  readonly fieldManager?: string;
  /** The force parameter (apply patches only), if given. */
  readonly force?: boolean;
};

const FIELD_VALIDATION = ['', 'Ignore', 'Strict', 'Warn'] as const;

/**
 * The options of a write. Without fieldValidation the API server warns of unknown fields
 * (its default since v1.23); kubectl sends Strict unless told --validate=false or warn.
 */
export function writeOptions(kind: OptionsKind, dryRun: readonly string[], fieldValidation: string | null, fieldManager: string | null = null, force: string | null = null): WriteOptions {
  const errors: FieldError[] = [];
  if (fieldManager !== null) errors.push(...fieldManagerErrors(fieldManager));
  if (dryRun.some((v) => v !== 'All')) errors.push(notSupported('dryRun', new GoRendered(goStrings(dryRun)), ['All']));
  if (kind !== 'DeleteOptions' && fieldValidation !== null && !(FIELD_VALIDATION as readonly string[]).includes(fieldValidation)) {
    errors.push(notSupported('fieldValidation', fieldValidation, FIELD_VALIDATION));
  }
  if (errors.length > 0) throw invalidError(kind, 'meta.k8s.io', '', errors);
  return {
    dryRun: dryRun.length > 0,
    fieldValidation: (fieldValidation || 'Warn') as FieldValidation,
    ...(fieldManager ? { fieldManager } : {}),
    // strconv.ParseBool's spellings (the Python client sends True and False).
    ...(force !== null && kind === 'PatchOptions' ? { force: ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(force) } : {}),
  };
}

/** ValidateFieldManager: at most 128 bytes, every character printable. */
function fieldManagerErrors(fieldManager: string): FieldError[] {
  const errors: FieldError[] = [];
  if (Buffer.byteLength(fieldManager) > 128) errors.push(tooLong('fieldManager', 'may not be more than 128 bytes'));
  [...fieldManager].forEach((c, i) => {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(c)) {
      errors.push(invalidValue('fieldManager', fieldManager, `invalid character U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} (at position ${i})`));
    }
  });
  return errors;
}

/** From a request's query: ?dryRun=All&fieldValidation=Strict&fieldManager=kubectl&force=true */
export function queryOptions(kind: OptionsKind, query: URLSearchParams): WriteOptions {
  return writeOptions(kind, query.getAll('dryRun'), query.get('fieldValidation'), query.get('fieldManager'), query.get('force'));
}
