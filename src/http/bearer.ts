// Bearer tokens, as the deployer API and the console take them: `Authorization: Bearer
// <token>`, compared in constant time, and refused at start-up when short enough to guess.
// Never from a URL or a cookie: a token in a header is not sent by a page of another site,
// so a request that carries it is no forgery.

import type { IncomingMessage } from 'node:http';
import { ScalerdError } from '../errors.js';
import { ApiError } from './reply.js';
import { sameSecret } from './same-secret.js';

/** The token in the Authorization header, or undefined when there is none of the Bearer form. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header === undefined ? undefined : /^Bearer[ ]+(\S+)\s*$/i.exec(header)?.[1];
}

/** 401 with WWW-Authenticate for `realm` unless the request carries `token`. */
export function requireBearer(req: IncomingMessage, token: string, realm: string): void {
  const given = bearerToken(req);
  const challenge = `Bearer realm="${realm}"`;
  if (given === undefined) {
    throw new ApiError(401, 'SCALERD_ERR_API_UNAUTHORIZED', 'this route needs an Authorization: Bearer <token> header', undefined, { 'www-authenticate': challenge });
  }
  if (!sameSecret(given, token)) {
    throw new ApiError(401, 'SCALERD_ERR_API_UNAUTHORIZED', 'the bearer token is wrong', undefined, { 'www-authenticate': `${challenge}, error="invalid_token"` });
  }
}

/** A token or secret shorter than this is refused at start-up. */
export const MIN_SECRET_LENGTH = 16;

/** Refuses a secret a caller could guess, at start-up. */
export function checkSecret(value: string, what: string): void {
  if (value.trim().length < MIN_SECRET_LENGTH) {
    throw new ScalerdError('SCALERD_ERR_API_TOKEN', `the ${what} must be at least ${MIN_SECRET_LENGTH} characters (it is ${value.trim().length})`);
  }
}
