// Request bodies: read up to a limit and no further, decoded as UTF-8, then parsed as JSON
// with every problem at line:column of the body.

import type { IncomingMessage } from 'node:http';
import type { Diagnostic } from '../json/diagnostics.js';
import { parseJson } from '../json/source-map.js';
import { ApiError } from './reply.js';

/** What diagnostics of a request body name as their file. */
export const BODY = 'request body';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The body as text. A declared Content-Length over `limit` is refused before a byte is
 * read; a body that grows past it is refused as soon as it does, and the rest is left
 * unread (the API closes the connection after the 413).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge(limit, 0, declared));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      // IMPORTANT: pause before answering, or the stream keeps flowing into nothing and the
      // whole upload is read after all.
      stop();
      req.pause();
      reject(tooLarge(limit, size));
    };
    const onEnd = (): void => {
      stop();
      try {
        resolve(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)));
      } catch {
        reject(new ApiError(400, 'SCALERD_ERR_API_REQUEST', 'the request body is not UTF-8 text'));
      }
    };
    const onError = (error: Error): void => {
      stop();
      reject(error);
    };
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function tooLarge(limit: number, readBytes: number, declaredBytes?: number): ApiError {
  return new ApiError(
    413, 'SCALERD_ERR_API_BODY_TOO_LARGE', `the request body is larger than ${limit} bytes`,
    { limitBytes: limit, readBytes, ...(declaredBytes === undefined ? {} : { declaredBytes }) },
  );
}

/** Malformed JSON: 400, with the diagnostic (line, column, hint) in the details. */
export function malformed(diagnostic: Diagnostic): ApiError {
  return new ApiError(400, 'SCALERD_ERR_API_JSON', `${BODY}:${diagnostic.line}:${diagnostic.column}: ${diagnostic.message}`, { diagnostics: [diagnostic] });
}

/** Any JSON value. */
export function parseBody(text: string): unknown {
  const parsed = parseJson(text);
  if (parsed.ok) return parsed.value;
  const [problem] = parsed.problems;
  throw malformed({
    severity: 'error', code: 'SCALERD_ERR_API_JSON', file: BODY, line: problem?.position.line ?? 1, column: problem?.position.column ?? 1,
    pointer: '', message: problem?.message ?? 'invalid JSON', hint: problem?.hint ?? 'fix the JSON syntax here',
  });
}
