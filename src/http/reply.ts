// What an HTTP API of scalerd answers (the deployer's, the console's): a JSON reply, or an
// error as `{ "error": { "code", "message", "details"? } }`. Every refusal is an ApiError
// (status, catalogue code, details), sent as it is.

import type { ServerResponse } from 'node:http';
import { type Code, ScalerdError } from '../errors.js';

export type Reply = {
  readonly status: number;
  /** Sent as JSON; none for 204. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Without indentation: a large read a page parses (the console's 30-day timeline is half the bytes so). */
  readonly compact?: boolean;
};

/** A refusal the API sends as it is. */
export class ApiError extends ScalerdError {
  constructor(
    readonly status: number,
    code: Code,
    message: string,
    readonly details?: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(code, message);
  }
}

export function errorReply(error: ApiError): Reply {
  const body = { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) };
  return { status: error.status, body: { error: body }, headers: error.headers };
}

export function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text = `${reply.compact ? JSON.stringify(reply.body) : JSON.stringify(reply.body, null, 2)}\n`;
  res.writeHead(reply.status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}
