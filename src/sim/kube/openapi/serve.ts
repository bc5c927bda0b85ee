// GET /openapi/v2, /openapi/v3 and /openapi/v3/<group-version>, with the API server's
// content negotiation and caching headers.

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../api-error.js';
import { openApiV2, openApiV3Document, openApiV3Index } from './documents.js';
import { OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_ANSWER, encodeOpenApiV2 } from './protobuf.js';

let v2Json: Buffer | undefined;
let v2Proto: Buffer | undefined;

/** `path`: the URL path after /openapi/ ("v2", "v3", "v3/apis/apps/v1"). */
export function serveOpenApi(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): void {
  const accept = req.headers.accept ?? '';
  if (path === 'v2') {
    if (accept.includes(OPENAPI_V2_PROTOBUF) || accept.includes(OPENAPI_V2_PROTOBUF_ANSWER)) {
      v2Proto ??= encodeOpenApiV2(openApiV2());
      return write(res, 200, OPENAPI_V2_PROTOBUF_ANSWER, v2Proto, { 'Cache-Control': 'no-cache, private', Etag: etag(v2Proto) });
    }
    v2Json ??= Buffer.from(JSON.stringify(openApiV2()));
    return write(res, 200, 'application/json', v2Json, { 'Cache-Control': 'no-cache, private', Etag: etag(v2Json) });
  }
  if (path === 'v3') return write(res, 200, 'application/json', Buffer.from(JSON.stringify(openApiV3Index())), { 'Cache-Control': 'no-cache, private' });
  const document = path.startsWith('v3/') ? openApiV3Document(path.slice(3)) : undefined;
  if (!document) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  const hash = query.get('hash');
  if (hash !== null && hash !== document.hash) {
    // A stale hash: the API server redirects to the document's current URL.
    res.writeHead(301, { Location: `/openapi/${path}?hash=${document.hash}`, 'Cache-Control': 'no-cache, private', 'Content-Length': 0 });
    res.end();
    return;
  }
  const cache = hash === null ? 'no-cache, private' : 'public, immutable';
  write(res, 200, 'application/json', Buffer.from(document.text), { 'Cache-Control': cache, Etag: `"${document.hash}"` });
}

/** As kube-openapi's: the SHA-512 of the body, in upper-case hex, quoted. */
const etag = (body: Buffer) => `"${createHash('sha512').update(body).digest('hex').toUpperCase()}"`;

function write(res: ServerResponse, code: number, type: string, body: Buffer, headers: Record<string, string>): void {
  res.writeHead(code, { 'Content-Type': type, 'Content-Length': body.length, ...headers });
  res.end(body);
}
