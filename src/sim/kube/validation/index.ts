// Validation on write, in the API server's order: decode the body against the kind's
// schema (400, unknown fields per fieldValidation), default it (the caller), then validate
// it (422 with a cause per field error).

import type { ResourceType } from '../resources.js';
import { resourceKey } from '../resources.js';
import type { FieldError } from './field-error.js';
import { invalidError } from './field-error.js';
import { validateObject } from './rules.js';

type Loose = Record<string, any>;

export { decode, type Decoded, type FieldValidation } from './decode.js';
export { queryOptions, writeOptions, type WriteOptions } from './options.js';

/** Throws 422 Invalid when `object` (defaulted) breaks a rule or the schema's required fields and enums. */
export function refuseInvalid(type: ResourceType, object: Loose, schemaErrors: readonly FieldError[], old?: Loose): void {
  // The schema's required fields and the rules overlap (spec.containers): each error once.
  const errors = [...new Map([...schemaErrors, ...validateObject(resourceKey(type), object, old)].map((e) => [JSON.stringify([e.type, e.field, e.detail]), e])).values()];
  if (errors.length > 0) throw invalidError(type.kind, type.group, String(object.metadata?.name ?? ''), errors);
}
