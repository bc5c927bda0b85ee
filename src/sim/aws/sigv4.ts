// Signature Version 4 as AWS computes it to check a request: the canonical request, the
// string to sign and the HMAC chain, exactly as the SDK for JavaScript v3 (@smithy/signature-v4)
// and botocore build them for the query protocols (AWS's own description:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). Pure functions
// of the request; what to answer when they disagree is auth.ts's business.

import { createHash, createHmac } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const TERMINATOR = 'aws4_request';

/** What of an HTTP request the signature covers, as the server received it. */
export type SignedRequest = {
  readonly method: string;
  /** Path and query string as sent on the wire (still percent-encoded). */
  readonly url: string;
  /** Lower-case names, as Node gives them. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: string;
};

/** The parts of `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
export type Authorization = {
  readonly accessKeyId: string;
  /** date/region/service/aws4_request, split. */
  readonly scope: readonly string[];
  readonly signedHeaders: readonly string[];
  readonly signature: string;
};

/**
 * The header's parts, or the sentences AWS's parser answers with what is wrong with it;
 * `dated` says whether the request has an X-Amz-Date or Date header, which it needs too.
 */
export function parseAuthorization(header: string, dated: boolean): { readonly ok: true; readonly value: Authorization } | { readonly ok: false; readonly problem: string } {
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  const fields = new Map<string, string>();
  if (algorithm === ALGORITHM) {
    for (const part of header.slice(space + 1).split(',').map((p) => p.trim()).filter((p) => p !== '')) {
      const eq = part.indexOf('=');
      if (eq < 0) return { ok: false, problem: `'${part}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.` };
      fields.set(part.slice(0, eq), part.slice(eq + 1));
    }
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((name) => !fields.get(name)).map((name) => `Authorization header requires '${name}' parameter.`);
  if (!dated) missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (missing.length > 0) return { ok: false, problem: `${missing.join(' ')} Authorization=${header}` };
  const [accessKeyId = '', ...scope] = fields.get('Credential')!.split('/');
  return { ok: true, value: { accessKeyId, scope, signedHeaders: fields.get('SignedHeaders')!.split(';'), signature: fields.get('Signature')! } };
}

/** RFC 3986 percent-encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ */
export function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The path normalized (no empty, "." or ".." segments) and encoded once more, slashes kept: the non-S3 rule. */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `/${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

/** Query parameters decoded, re-encoded, sorted by name then value; X-Amz-Signature left out. */
function canonicalQuery(query: string): string {
  const pairs: [string, string][] = [];
  for (const [name, value] of new URLSearchParams(query)) {
    if (name.toLowerCase() !== 'x-amz-signature') pairs.push([escapeUri(name), escapeUri(value)]);
  }
  return pairs
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** A header's value with its whitespace collapsed; repeated headers joined by commas. */
function canonicalValue(value: string | readonly string[] | undefined): string {
  const text = typeof value === 'string' ? value : (value ?? []).join(',');
  return text.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').trim();
}

export const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');

/**
 * The canonical request for `signedHeaders`. The payload hash is the body's own: for the
 * query APIs AWS hashes what it received, so a body changed after signing fails the check.
 */
export function canonicalRequest(request: SignedRequest, signedHeaders: readonly string[]): string {
  const mark = request.url.indexOf('?');
  const [path, query] = mark < 0 ? [request.url, ''] : [request.url.slice(0, mark), request.url.slice(mark + 1)];
  const headers = signedHeaders.map((name) => `${name}:${canonicalValue(request.headers[name])}\n`).join('');
  return [request.method, canonicalPath(path), canonicalQuery(query), headers, signedHeaders.join(';'), sha256Hex(request.body)].join('\n');
}

export function stringToSign(longDate: string, scope: readonly string[], canonical: string): string {
  return [ALGORITHM, longDate, scope.join('/'), sha256Hex(canonical)].join('\n');
}

/** HMAC chain from the secret over date, region, service and the terminator; then the signature, in hex. */
export function signatureOf(secretAccessKey: string, scope: readonly string[], toSign: string): string {
  let key: Buffer | string = `AWS4${secretAccessKey}`;
  for (const part of scope) key = createHmac('sha256', key).update(part, 'utf8').digest();
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
}

/** 20260302T090000Z ⇄ epoch ms; undefined for anything else. */
export function parseLongDate(text: string): number | undefined {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(ms) ? undefined : ms;
}

export const longDateOf = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
