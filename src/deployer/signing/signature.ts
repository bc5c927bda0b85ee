// Signed webhooks, both ways: the registry signs what it sends the deployer, and the
// deployer signs what it sends a descriptor's webhooks. One format,
//
//   X-Scalerd-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">
//
// (several v1= entries may be given, for a secret being rotated). The timestamp is inside
// what is signed, so a captured request cannot be replayed with a fresh one; the receiver
// refuses a timestamp outside its tolerance window. Pure: time is an argument.

import { createHmac } from 'node:crypto';
import { sameSecret } from '../../http/same-secret.js';

export const SIGNATURE_HEADER = 'x-scalerd-signature';

/** How far a signed request's timestamp may be from the receiver's clock, by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type ParsedSignature = { readonly timestamp: number; readonly signatures: readonly string[] };

/** The hex HMAC-SHA256 of `<timestamp>.<body>`. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The header's value for `body` signed at `nowMs`. */
export function signatureHeader(secret: string, nowMs: number, body: string): string {
  const timestamp = Math.floor(nowMs / 1000);
  return `t=${timestamp},v1=${signPayload(secret, timestamp, body)}`;
}

/** The header's parts, or undefined when it does not have the format above. */
export function parseSignatureHeader(value: string): ParsedSignature | undefined {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of value.split(',')) {
    const [key, item, ...rest] = part.trim().split('=');
    if (rest.length > 0 || item === undefined) return undefined;
    if (key === 't' && /^[0-9]{1,12}$/.test(item) && timestamp === undefined) timestamp = Number(item);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(item)) signatures.push(item);
    else if (key === 't' || key === 'v1') return undefined;
    // Other schemes (v0, v2…) are skipped: a sender may offer several.
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures };
}

export type SignatureCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly problem: 'malformed' | 'expired' | 'mismatch'; readonly message: string };

/**
 * Whether `header` signs `body` with `secret` at a time within `toleranceSeconds` of
 * `nowMs`. The signatures are compared in constant time (sameSecret).
 */
export function checkSignature(header: string, body: string, secret: string, nowMs: number, toleranceSeconds: number): SignatureCheck {
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { ok: false, problem: 'malformed', message: 'expected t=<unix seconds>,v1=<64 hex digits>' };
  const skew = checkTimestamp(parsed.timestamp, nowMs, toleranceSeconds);
  if (skew) return skew;
  const expected = signPayload(secret, parsed.timestamp, body);
  // Every offered signature is compared, so the time does not tell which one matched.
  const matched = parsed.signatures.map((given) => sameSecret(given, expected)).includes(true);
  return matched ? { ok: true } : { ok: false, problem: 'mismatch', message: 'no v1 signature matches the body' };
}

/** The window check alone: it needs no body, so a stale request is refused before its body is read. */
export function checkTimestamp(timestamp: number, nowMs: number, toleranceSeconds: number): SignatureCheck | undefined {
  const skew = Math.round(nowMs / 1000) - timestamp;
  if (Math.abs(skew) <= toleranceSeconds) return undefined;
  return {
    ok: false, problem: 'expired',
    message: `its timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'}, outside the ${toleranceSeconds} s window: sign each request when it is sent, and keep the clocks in step`,
  };
}
