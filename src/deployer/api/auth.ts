// Who may call: a bearer token on every route but /healthz, and on /webhooks/registry the
// registry's own credentials instead: a static secret header, or an HMAC signature of the
// body (signing/signature.ts). Every comparison takes constant time (sameSecret).

import type { IncomingMessage } from 'node:http';
import { checkSignature, checkTimestamp, parseSignatureHeader, sameSecret, SIGNATURE_HEADER } from '../signing/index.js';
import { requireBearer } from '../../http/bearer.js';
import { ApiError } from './reply.js';

export { sameSecret } from '../signing/index.js';

export const WEBHOOK_SECRET_HEADER = 'x-scalerd-webhook-secret';
export const WEBHOOK_SIGNATURE_HEADER = SIGNATURE_HEADER;

const REALM = 'scalerd-deployer';

export function requireToken(req: IncomingMessage, token: string): void {
  requireBearer(req, token, REALM);
}

/** The registry webhook's two modes; at least one is on, or the route is off (404). */
export type WebhookAuth = {
  /** Static mode: X-Scalerd-Webhook-Secret must equal it. */
  readonly secret?: string;
  /** Signed mode: X-Scalerd-Signature must sign the body with it. */
  readonly signingSecret?: string;
  /** How far a signature's timestamp may be from now. */
  readonly toleranceSeconds: number;
  readonly now: () => number;
};

/** Checks the body once it is read (signed mode); nothing to check in static mode. */
export type BodyCheck = (body: string) => void;

const signatureRefused = (message: string): ApiError => new ApiError(401, 'SCALERD_ERR_API_WEBHOOK_SIGNATURE', `the registry webhook's ${WEBHOOK_SIGNATURE_HEADER} header ${message}`);

/**
 * Authenticates a registry webhook call as far as the headers allow: a static secret in
 * full, a signature's format and timestamp (so a stale or unsigned request is refused
 * before its body is read). The signature itself is checked on the body: the BodyCheck.
 */
export function requireWebhookAuth(req: IncomingMessage, auth: WebhookAuth): BodyCheck | undefined {
  const signature = req.headers[WEBHOOK_SIGNATURE_HEADER];
  if (typeof signature === 'string') {
    const { signingSecret } = auth;
    if (signingSecret === undefined) throw signatureRefused('is not accepted: the deployer runs without a webhook signing secret; send X-Scalerd-Webhook-Secret, or configure --webhook-signing-secret-file');
    const parsed = parseSignatureHeader(signature);
    if (!parsed) throw signatureRefused('is malformed: expected t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">');
    const stale = checkTimestamp(parsed.timestamp, auth.now(), auth.toleranceSeconds);
    if (stale && !stale.ok) throw signatureRefused(`is refused: ${stale.message}`);
    return (body) => {
      const checked = checkSignature(signature, body, signingSecret, auth.now(), auth.toleranceSeconds);
      if (!checked.ok) throw signatureRefused(`is refused: ${checked.message}`);
    };
  }
  const given = req.headers[WEBHOOK_SECRET_HEADER];
  if (auth.secret !== undefined && typeof given === 'string' && sameSecret(given, auth.secret)) return undefined;
  if (auth.secret === undefined) {
    throw signatureRefused('is missing: the deployer takes only signed registry webhooks (t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">)');
  }
  const also = auth.signingSecret === undefined ? '' : `, or a ${WEBHOOK_SIGNATURE_HEADER} signature`;
  throw new ApiError(401, 'SCALERD_ERR_API_WEBHOOK_SECRET', `the registry webhook needs the right ${WEBHOOK_SECRET_HEADER} header${also}`);
}
