// Raw query-API requests to a simulator, signed as the SDK signs them (@smithy/signature-v4,
// the SDK's own signer), so a test can send what no SDK client would: a skewed date, another
// region or service, a body changed after signing, or no signature at all.

import { createHash, createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';

export type Key = { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };

export type Answer = { readonly status: number; readonly text: string; readonly headers: Record<string, string | string[] | undefined> };

type SourceData = string | ArrayBuffer | ArrayBufferView;

const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);

/** node:crypto as the signer's hash: HMAC when constructed with a secret. */
class Sha256 {
  readonly #hash;
  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.#hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }
  reset(): void {}
}

export type Signing = {
  readonly key: Key;
  readonly region: string;
  /** autoscaling or ec2. */
  readonly service: string;
  /** When the client signs (default: now). */
  readonly at?: Date;
  /** Changes the request after it was signed. */
  readonly tamper?: (signed: { headers: Record<string, string>; body: string }) => void;
};

/** A form POST of `body`, or with `method: 'GET'` the parameters in `path`'s query string. */
export type Raw = {
  readonly body: string;
  readonly method?: 'GET' | 'POST';
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Gives up on the answer, as a client's timeout would. */
  readonly signal?: AbortSignal;
};

/** Sends the request to the endpoint; signed unless `signing` is undefined. */
export async function send(endpoint: string, raw: Raw, signing?: Signing): Promise<Answer> {
  const url = new URL(raw.path ?? '/', endpoint);
  const method = raw.method ?? 'POST';
  let headers: Record<string, string> = { host: url.host, ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...raw.headers };
  let body = raw.body;
  if (signing) {
    const signer = new SignatureV4({ service: signing.service, region: signing.region, credentials: signing.key, sha256: Sha256 });
    const unsigned = new HttpRequest({ method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body });
    const signed = await signer.sign(unsigned, signing.at ? { signingDate: signing.at } : {});
    const changed = { headers: { ...(signed.headers as Record<string, string>) }, body };
    signing.tamper?.(changed);
    ({ headers, body } = changed);
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, ...(raw.signal ? { signal: raw.signal } : {}) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
