// Who may call: a bearer token on every route but /healthz, and the registry webhook's own
// secret on /webhooks/registry. Both compared in constant time.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ScalerdError } from '../../errors.js';
import { ApiError } from './reply.js';

export const WEBHOOK_SECRET_HEADER = 'x-scalerd-webhook-secret';

/** A token or secret shorter than this is refused at start-up. */
export const MIN_SECRET_LENGTH = 16;

const REALM = 'Bearer realm="scalerd-deployer"';

/**
 * Whether `given` equals `expected`, in time that depends on neither. Both are hashed first,
 * so timingSafeEqual always compares two 32-byte digests: a given value of another length is
 * a mismatch found by the same comparison, not by an early return.
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  // Both operands are evaluated: no short circuit on the length.
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** Refuses a secret a caller could guess, at start-up. */
export function checkSecret(value: string, what: string): void {
  if (value.trim().length < MIN_SECRET_LENGTH) {
    throw new ScalerdError('SCALERD_ERR_API_TOKEN', `the ${what} must be at least ${MIN_SECRET_LENGTH} characters (it is ${value.trim().length})`);
  }
}

export function requireToken(req: IncomingMessage, token: string): void {
  const header = req.headers.authorization;
  const given = header === undefined ? undefined : /^Bearer[ ]+(\S+)\s*$/i.exec(header)?.[1];
  if (given === undefined) {
    throw new ApiError(401, 'SCALERD_ERR_API_UNAUTHORIZED', 'this route needs an Authorization: Bearer <token> header', undefined, { 'www-authenticate': REALM });
  }
  if (!sameSecret(given, token)) {
    throw new ApiError(401, 'SCALERD_ERR_API_UNAUTHORIZED', 'the bearer token is wrong', undefined, { 'www-authenticate': `${REALM}, error="invalid_token"` });
  }
}

export function requireWebhookSecret(req: IncomingMessage, secret: string): void {
  const given = req.headers[WEBHOOK_SECRET_HEADER];
  if (typeof given !== 'string' || !sameSecret(given, secret)) {
    throw new ApiError(401, 'SCALERD_ERR_API_WEBHOOK_SECRET', `the registry webhook needs the right ${WEBHOOK_SECRET_HEADER} header`);
  }
}
