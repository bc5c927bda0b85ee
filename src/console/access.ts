// Who may use the console. Reading (the pages, the JSON and the live events) needs the token
// unless the operator started the daemon with --console-anonymous-read; every change needs
// it, always. The token travels in the Authorization header only (the page keeps it in
// sessionStorage): never in a URL, never in a cookie, so another site's page cannot make a
// browser send it (no CSRF), and no log or proxy sees it in a path. A change also has to
// come as JSON and, when the browser says where it comes from (Origin), from this origin.

import type { IncomingMessage } from 'node:http';
import { requireBearer } from '../http/bearer.js';
import { ApiError } from '../http/reply.js';

export const CONSOLE_REALM = 'scalerd-console';

export type ConsoleAccess = {
  /** The bearer token; undefined: no token was configured, and the console takes no change. */
  readonly token: string | undefined;
  /** Reading without the token (--console-anonymous-read). */
  readonly anonymousRead: boolean;
};

export function requireRead(req: IncomingMessage, access: ConsoleAccess): void {
  if (access.anonymousRead) return;
  if (access.token === undefined) {
    throw new ApiError(401, 'SCALERD_ERR_API_UNAUTHORIZED', 'this console needs a token to be read and none is configured: start the daemon with --token-file, or with --console-anonymous-read to show it to anyone who reaches the port');
  }
  requireBearer(req, access.token, CONSOLE_REALM);
}

export function requireWrite(req: IncomingMessage, access: ConsoleAccess): void {
  if (access.token === undefined) {
    throw new ApiError(403, 'SCALERD_ERR_CONSOLE_READ_ONLY', 'this console takes no changes: the daemon runs without --token-file (use the CLI, or restart the daemon with a token)');
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host}` && origin !== `https://${req.headers.host}`) {
    throw new ApiError(403, 'SCALERD_ERR_CONSOLE_ORIGIN', `a change from another origin (${origin}) is refused: use the console this daemon serves`);
  }
  requireBearer(req, access.token, CONSOLE_REALM);
  const type = req.headers['content-type'];
  if (req.method === 'POST' && !/^application\/json\s*(;|$)/i.test(type ?? '')) {
    throw new ApiError(415, 'SCALERD_ERR_API_REQUEST', `a change is sent as application/json, not ${type ?? 'without a Content-Type'}`);
  }
}
