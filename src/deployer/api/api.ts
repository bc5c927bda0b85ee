// The deployer's REST API as a node:http request handler: the route table, who may call
// each route, and one error path. Mount it on a server of its own (`api.listen`) or on any
// other (`createServer(api)`). docs/deployer-api.md lists the routes and their answers.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { systemClock } from '../../clock.js';
import { listen as listenOn } from '../../daemon/http.js';
import { type DeployerPolicy, OPEN_NAMESPACES_POLICY } from '../descriptor/policy/index.js';
import type { Deployer } from '../service/types.js';
import { DEFAULT_TOLERANCE_SECONDS } from '../signing/index.js';
import { checkSecret } from '../../http/bearer.js';
import { type BodyCheck, requireToken, requireWebhookAuth, type WebhookAuth } from './auth.js';
import { DEFAULT_MAX_BODY_BYTES, readBody } from './body.js';
import { deploymentRoutes } from './deployments.js';
import { descriptorRoutes } from './descriptors.js';
import { asApiError, ApiError, errorReply, INTERNAL, send } from './reply.js';
import { checkParams, findRoute, handlerFor, type Route } from './router.js';
import { webhookRoutes } from './webhook.js';
import type { ConsoleAssets } from '../../console/assets.js';
import { CONSOLE_LAYOUT_PATH } from '../../console/layout.js';
import type { ConsoleLayoutJson } from '../../console/wire.js';

export type DeployerApiOptions = {
  readonly deployer: Deployer;
  /** The bearer token every route but /healthz needs; at least 16 characters. */
  readonly token: string;
  /** The registry webhook's static secret (X-Scalerd-Webhook-Secret), for registries that cannot sign. */
  readonly webhookSecret?: string;
  /** The secret registry webhooks are signed with (X-Scalerd-Signature). Without either secret the webhook route is off (404). */
  readonly webhookSigningSecret?: string;
  /** How far a signature's timestamp may be from now, in seconds (default 300). */
  readonly webhookToleranceSeconds?: number;
  /** What descriptors may ask for (default: PSS baseline, https webhooks to public hosts, any namespace). */
  readonly policy?: DeployerPolicy;
  /** Milliseconds since the epoch (default: the system clock); signatures are checked against it. */
  readonly now?: () => number;
  /** The largest request body, in bytes (default 1 MiB); a larger one is refused with 413. */
  readonly maxBodyBytes?: number;
  /** Between keep-alive comments on a log stream (default 15 s; 0: none). */
  readonly heartbeatMs?: number;
  /** The console's page (docs/console.md), served at / beside the API; its Deployments page calls the API with the token. */
  readonly console?: ConsoleAssets;
  /** Served at /metrics in Prometheus's text format, to anyone (as the daemon's): counts and timings, no secret. */
  readonly metrics?: Registry;
  readonly log: Logger;
};

export type DeployerApi = ((req: IncomingMessage, res: ServerResponse) => void) & {
  /** Serves the API on its own server; port 0 picks a free one. */
  listen(host: string, port: number): Promise<ListeningApi>;
  /** Ends every open log stream (the deployments go on). */
  close(): void;
};

export type ListeningApi = {
  /** "http://127.0.0.1:41234". */
  readonly url: string;
  readonly port: number;
  /** Ends the log streams, stops accepting, and resolves once every connection is closed. */
  close(): Promise<void>;
};

/** Validates the options eagerly: a short token, a bad limit, fail here rather than at the first request. */
export function createDeployerApi(options: DeployerApiOptions): DeployerApi {
  const { deployer, token, webhookSecret, webhookSigningSecret, log } = options;
  const policy = options.policy ?? OPEN_NAMESPACES_POLICY;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const toleranceSeconds = options.webhookToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  checkSecret(token, 'API token');
  if (webhookSecret !== undefined) checkSecret(webhookSecret, 'webhook secret');
  if (webhookSigningSecret !== undefined) checkSecret(webhookSigningSecret, 'webhook signing secret');
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) throw new RangeError(`maxBodyBytes must be a whole number of bytes above 0, not ${maxBodyBytes}`);
  if (!Number.isSafeInteger(toleranceSeconds) || toleranceSeconds < 1) throw new RangeError(`webhookToleranceSeconds must be a whole number of seconds above 0, not ${toleranceSeconds}`);
  const webhookAuth: WebhookAuth = {
    ...(webhookSecret === undefined ? {} : { secret: webhookSecret }),
    ...(webhookSigningSecret === undefined ? {} : { signingSecret: webhookSigningSecret }),
    toleranceSeconds, now: options.now ?? (() => systemClock.now()),
  };
  const closing = new AbortController();
  const routes: readonly Route[] = [
    { path: '/healthz', auth: 'none', methods: { GET: async () => ({ status: 200, body: { ok: true } }) } },
    ...descriptorRoutes(deployer, policy),
    ...deploymentRoutes({ deployer, log, heartbeatMs: options.heartbeatMs ?? 15_000, closing: closing.signal, policy }),
    ...webhookRoutes({ deployer, log, policy }),
  ];

  /** Throws when the caller may not; a BodyCheck when the body must be checked too (a signed webhook). */
  const authorize = (route: Route | undefined, req: IncomingMessage): BodyCheck | undefined => {
    if (route?.auth === 'none') return undefined;
    if (route?.auth !== 'webhook') {
      requireToken(req, token);
      return undefined;
    }
    if (webhookSecret === undefined && webhookSigningSecret === undefined) {
      throw new ApiError(404, 'SCALERD_ERR_API_ROUTE', 'the registry webhook is off: the deployer runs without a webhook secret or signing secret');
    }
    return requireWebhookAuth(req, webhookAuth);
  };

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://deployer');
    if (options.metrics && url.pathname === '/metrics' && req.method === 'GET') {
      const text = await options.metrics.metrics();
      res.writeHead(200, { 'content-type': options.metrics.contentType, 'cache-control': 'no-store' });
      res.end(text);
      return;
    }
    // The console's page holds no data (the API behind it takes the token): it is served to anyone.
    if (options.console && (req.method === 'GET' || req.method === 'HEAD')) {
      if (url.pathname === CONSOLE_LAYOUT_PATH) return send(res, { status: 200, body: { daemon: false, deployer: '' } satisfies ConsoleLayoutJson });
      if (options.console.serve(req, res, url.pathname)) return;
    }
    const found = findRoute(routes, url.pathname);
    // IMPORTANT: authorize before anything else is told: which routes exist, or a name is bad.
    const checkBody = authorize(found?.route, req);
    if (!found) throw new ApiError(404, 'SCALERD_ERR_API_ROUTE', `no route ${url.pathname}: see docs/deployer-api.md`);
    const handler = handlerFor(found.route, req.method);
    // IMPORTANT: a signed body is checked before its handler runs, so no handler ever acts on
    // (or parses) a body whose signature has not been verified.
    let text = (): Promise<string> => readBody(req, maxBodyBytes);
    if (checkBody) {
      const body = await readBody(req, maxBodyBytes);
      checkBody(body);
      text = () => Promise.resolve(body);
    }
    const reply = await handler({ req, res, params: checkParams(found.raw), query: url.searchParams, text });
    if (reply !== 'streamed') send(res, reply);
  };

  const fail = (error: unknown, req: IncomingMessage, res: ServerResponse): void => {
    const refusal = asApiError(error);
    const path = req.url?.split('?')[0];
    if (res.headersSent || res.destroyed || req.socket.destroyed) {
      log.warn({ event: 'api-failed-late', method: req.method, path, err: error }, `${req.method} ${path}: failed after its answer began, or its client went away`);
      res.destroy();
      return;
    }
    if (!refusal) log.error({ event: 'api-error', method: req.method, path, err: error }, `${req.method} ${path} failed`);
    else if (refusal.status === 413) log.warn({ event: 'api-body-too-large', path, ...(refusal.details as object) }, `${req.method} ${path}: body over the limit, refused; the rest left unread`);
    const reply = errorReply(refusal ?? INTERNAL);
    // A body left unread (a 401 before it, a 413 in the middle): close rather than read it to its end.
    send(res, req.complete ? reply : { ...reply, headers: { ...reply.headers, connection: 'close' } });
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    answer(req, res).catch((error: unknown) => fail(error, req, res));
  };

  return Object.assign(handler, {
    close: () => closing.abort(),
    listen: async (host: string, port: number): Promise<ListeningApi> => {
      // Requests in flight finish on close; then every connection goes, idle keep-alive ones
      // included (a client may hold one open that never carried a request).
      let inFlight = 0;
      let stopping = false;
      const server = createServer((req, res) => {
        inFlight += 1;
        res.on('close', () => {
          inFlight -= 1;
          if (stopping && inFlight === 0) server.closeAllConnections();
        });
        handler(req, res);
      });
      const bound = await listenOn(server, `${host}:${port}`);
      return {
        url: `http://${bound.host.includes(':') ? `[${bound.host}]` : bound.host}:${bound.port}`,
        port: bound.port,
        close: async () => {
          stopping = true;
          closing.abort();
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          if (inFlight === 0) server.closeAllConnections();
          await closed;
        },
      };
    },
  });
}
