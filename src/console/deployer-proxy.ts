// The daemon's console shows the deployer too (run --deployer-url): the page calls
// /deployer/… here, and the daemon passes the call on to the deployer's API with the
// deployer's own token (--deployer-token-file), after checking the console's: one sign-in
// for both, and the deployer's token never reaches a browser. Only what the Deployments page
// needs passes: reading apps, deployments and their logs (the live stream too), rollback and
// undeploy; not descriptors, deploys or the registry webhook.

import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ApiError } from '../http/reply.js';

export const DEPLOYER_PREFIX = '/deployer';

export type DeployerTarget = { readonly url: string; readonly token: string };

// A path segment: whether a name is a valid namespace, app or id is the deployer's to say
// (its router does). Here only no dot segment and no escape, so the path the deployer
// resolves is the one allowed here: `/deployments/../descriptors` must not become `/descriptors`.
const S = '[A-Za-z0-9][A-Za-z0-9_-]*';
const READS = [
  /^\/apps$/, /^\/deployments$/, new RegExp(`^/deployments/${S}/${S}$`),
  new RegExp(`^/deployments/${S}/${S}/${S}(/logs|/logs/stream)?$`),
];
const CHANGES = [new RegExp(`^/apps/${S}/${S}/(rollback|undeploy)$`)];

/** Whether the path (after /deployer) may pass, for this method; `change`: it needs the console's write access. */
export function allowed(method: string, path: string): { readonly change: boolean } | undefined {
  if (method === 'GET' && READS.some((r) => r.test(path))) return { change: false };
  if (method === 'POST' && CHANGES.some((r) => r.test(path))) return { change: true };
  return undefined;
}

/** Streams the deployer's answer back as it comes (a log stream stays open); the caller checked access. */
export function passOn(req: IncomingMessage, res: ServerResponse, target: DeployerTarget, pathAndQuery: string): Promise<void> {
  const url = new URL(pathAndQuery, target.url.endsWith('/') ? target.url : `${target.url}/`);
  url.pathname = `${new URL(target.url).pathname.replace(/\/$/, '')}${pathAndQuery.split('?')[0]}`;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const upstream = send(url, {
      method: req.method,
      headers: {
        authorization: `Bearer ${target.token}`,
        accept: req.headers.accept ?? 'application/json',
        ...(req.headers['last-event-id'] ? { 'last-event-id': req.headers['last-event-id'] } : {}),
        ...(req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {}),
      },
    }, (answer) => {
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'cache-control', 'location']) {
        const value = answer.headers[name];
        if (typeof value === 'string') headers[name] = name === 'location' ? `${DEPLOYER_PREFIX}${value}` : value;
      }
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
      answer.on('end', () => resolve());
      answer.on('error', () => { res.destroy(); resolve(); });
    });
    upstream.on('error', (error) => {
      if (!res.headersSent) {
        const refusal = new ApiError(502, 'SCALERD_ERR_API_CALL', `the deployer at ${target.url} cannot be reached: ${error.message}`);
        res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
        res.end(`${JSON.stringify({ error: { code: refusal.code, message: refusal.message } })}\n`);
      } else res.destroy();
      resolve();
    });
    // The browser went away: so does the call (a log stream would otherwise stay open upstream).
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
}
