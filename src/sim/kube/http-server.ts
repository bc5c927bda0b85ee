// The simulated Kubernetes API over HTTP: routing, content negotiation (JSON or protobuf
// bodies in, JSON and Tables for kubectl out), watch streams, injected faults and request
// accounting.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimClock } from '../sim-clock.js';
import type { Faults } from '../faults.js';
import type { Recorder } from '../recorder.js';
import { ApiError, methodNotAllowed } from './api-error.js';
import { type KubeApi, isApplyPatch } from './api.js';
import { SERVER_VERSION, coreVersions, group, groupList, resourceList } from './discovery.js';
import type { DeleteOptions } from './pods.js';
import { isWatch, listOptions, queryBool } from './list-options.js';
import { decodeProtobufDeleteOptions, decodeProtobufObject, isProtobuf, type ExpectedKind } from './protobuf/decode.js';
import { checkPatchType } from './patch.js';
import { resourceKey } from './resources.js';
import { type ResourceRoute, route } from './routes.js';
import type { KubeObject } from './store.js';
import { serveOpenApi } from './openapi/serve.js';
import { toTable, wantsTable } from './table.js';
import { queryOptions, writeOptions } from './validation/index.js';
import { serveWatch } from './watch.js';

export type KubeHttpDeps = {
  api: KubeApi; clock: SimClock; faults: Faults; recorder: Recorder;
  /** Simulated ms between a watch's bookmarks (default one minute, as the API server's). */
  bookmarkIntervalMs?: number;
  /** What a pod's container wrote (pods/log), if it runs a real process; undefined: no such run. */
  logs?: (namespace: string, pod: string, container: string, previous: boolean) => string | undefined;
};

type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** How long a request held by a "timeout" fault waits before the server gives up (like its 60 s request timeout). */
const TIMEOUT_FAULT_MS = 30_000;

export function clientOf(req: IncomingMessage): string {
  const header = req.headers['x-scalerd-client'];
  if (typeof header === 'string' && header) return header;
  return req.headers['user-agent']?.split(' ')[0] ?? 'unknown';
}

/** `body` is the request's bytes: JSON, or (for a create, update or delete) application/vnd.kubernetes.protobuf. */
export async function handleKube(deps: KubeHttpDeps, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim');
  const target = route(url.pathname);
  try {
    switch (target.kind) {
      case 'version':
        return send(res, 200, SERVER_VERSION);
      case 'core-versions':
        return send(res, 200, coreVersions(req.headers.host ?? '127.0.0.1'));
      case 'groups':
        return send(res, 200, groupList());
      case 'group':
        return sendOr404(res, group(target.group), url.pathname);
      case 'resources':
        return sendOr404(res, resourceList(target.group, target.version), url.pathname);
      case 'openapi':
        return serveOpenApi(req, res, target.path, url.searchParams);
      case 'unknown':
        throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      case 'resource':
        return await handleResource(deps, target, url, req, res, body);
    }
  } catch (error) {
    sendError(res, error);
  }
}

function verbOf(method: string | undefined, target: ResourceRoute, query: URLSearchParams): Verb {
  const named = target.name !== undefined;
  switch (method) {
    case 'GET':
      return named ? 'get' : isWatch(query) ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      throw methodNotAllowed(`the server does not allow the method ${method}`);
  }
}

async function handleResource(deps: KubeHttpDeps, target: ResourceRoute, url: URL, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const query = url.searchParams;
  const verb = verbOf(req.method, target, query);
  const operation = `${verb} ${target.type.resource}${target.subresource ? `/${target.subresource}` : ''}`;
  deps.recorder.countRequest(operation);
  const decision = deps.faults.decide('kube', operation);
  if (decision.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.latencyMs));
  if (decision.error !== undefined) return injectError(res, decision.error);

  if (verb === 'watch') {
    const options = listOptions(query);
    return serveWatch({ store: deps.api.store, clock: deps.clock, ...(deps.bookmarkIntervalMs ? { bookmarkIntervalMs: deps.bookmarkIntervalMs } : {}) }, target, query, options, req, res);
  }
  if (verb === 'get' && target.subresource === 'log') return sendLog(deps, res, target, query);
  const warnings: string[] = [];
  const [code, answer] = apply(deps, verb, target, query, req, body, warnings);
  // The request is applied now; an "after" fault may still lose its answer.
  const lost = deps.faults.answer('kube', operation);
  if (lost.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, lost.latencyMs));
  if (lost.lost !== undefined) return injectError(res, lost.lost);
  send(res, code, answer, warningHeaders(warnings));
}

/** One RFC 7234 Warning header per warning, code 299 and agent "-", as the API server writes them. */
function warningHeaders(warnings: readonly string[]): Record<string, string[]> {
  if (warnings.length === 0) return {};
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) };
}

/** Carries out a request other than a watch or a log: the answer's status and body, or an ApiError thrown. */
function apply(deps: KubeHttpDeps, verb: Exclude<Verb, 'watch'>, target: ResourceRoute, query: URLSearchParams, req: IncomingMessage, body: Buffer, warnings: string[]): [number, unknown] {
  const client = clientOf(req);
  const { api } = deps;
  const protobuf = isProtobuf(req.headers['content-type']);
  const parse = (): Record<string, any> => {
    try {
      return body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, any>) : {};
    } catch {
      throw new ApiError(400, 'BadRequest', 'the object provided is unrecognized (must be of type JSON)');
    }
  };
  // A create's or an update's object: kubectl create <kind> sends protobuf (Content-Type
  // application/vnd.kubernetes.protobuf, as `kubectl -v=8` shows), decoded into the JSON a
  // JSON client would have sent, so both take the same path from here.
  const object = (): Record<string, any> => (protobuf ? decodeProtobufObject(body, expectedKind(target)) : parse());
  // DeleteOptions: kubectl sends them as JSON; a typed client-go client set to protobuf would not.
  const deleteBody = (): Record<string, any> => (protobuf && body.length > 0 ? decodeProtobufDeleteOptions(body) : parse());
  switch (verb) {
    case 'get':
      return [200, objectAnswer(deps, req, target, api.get(target))];
    case 'list': {
      const result = api.list(target, query);
      if (wantsTable(req.headers.accept)) return [200, toTable(resourceKey(target.type), result.items, deps.clock.now(), listMeta(result))];
      return [200, {
        kind: `${target.type.kind}List`,
        apiVersion: target.type.group ? `${target.type.group}/${target.type.version}` : target.type.version,
        metadata: listMeta(result),
        items: result.items,
      }];
    }
    case 'create': {
      const createOptions = { ...queryOptions('CreateOptions', query), userAgent: req.headers['user-agent'] };
      const created = object();
      // The eviction handler copies the request's dryRun into the eviction's deleteOptions.
      const dryRun = createOptions.dryRun || (target.subresource === 'eviction' && deleteOptions(created.deleteOptions ?? {}, new URLSearchParams()).dryRun !== undefined);
      return [201, api.create(target, created, client, { ...createOptions, dryRun, warnings })];
    }
    case 'update':
      return [200, api.update(target, object(), client, { ...queryOptions('UpdateOptions', query), warnings, userAgent: req.headers['user-agent'] })];
    case 'patch': {
      // The patch type is checked before the body is read (a protobuf body is no patch: 415).
      const contentType = req.headers['content-type'] ?? '';
      checkPatchType(contentType);
      const options = { ...queryOptions('PatchOptions', query), warnings, userAgent: req.headers['user-agent'] };
      if (isApplyPatch(contentType)) {
        const { object: applied, created } = api.apply(target, body.toString('utf8'), client, options);
        return [created ? 201 : 200, applied];
      }
      return [200, api.patch(target, contentType, parse(), client, options)];
    }
    case 'delete': {
      const deleted = api.delete(target, deleteOptions(deleteBody(), query), client);
      // A pod that is still terminating comes back as the object (202 in the real server when graceful); a gone one as 200.
      return [deleted.metadata.deletionTimestamp ? 202 : 200, deleted];
    }
    case 'deletecollection': {
      const options = deleteOptions(deleteBody(), query);
      const { items } = api.list(target, query);
      for (const item of items) api.delete({ ...target, name: item.metadata.name, namespace: item.metadata.namespace }, options, client);
      return [200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' }];
    }
  }
}

/** The kind a request's body is decoded into: the resource's, or its subresource's (pods/eviction: policy/v1 Eviction). */
function expectedKind(target: ResourceRoute): ExpectedKind {
  const sub = target.subresource === undefined ? undefined : target.type.subresources?.find((s) => s.name === target.subresource);
  return { group: sub?.group ?? target.type.group, version: sub?.version ?? target.type.version, kind: sub?.kind ?? target.type.kind };
}

/** DeleteOptions from the body and the query (the query wins), dryRun checked: only All, or none. */
function deleteOptions(body: Record<string, any>, query: URLSearchParams): DeleteOptions {
  const grace = query.get('gracePeriodSeconds');
  const dryRun = query.getAll('dryRun').length > 0 ? query.getAll('dryRun') : ((body.dryRun ?? []) as string[]);
  const checked = writeOptions('DeleteOptions', dryRun, null);
  return {
    ...body,
    ...(grace === null ? {} : { gracePeriodSeconds: Number(grace) }),
    ...(checked.dryRun ? { dryRun } : { dryRun: undefined }),
  } as DeleteOptions;
}

function listMeta(result: { resourceVersion: string; continue?: string; remainingItemCount?: number }): Record<string, unknown> {
  return {
    resourceVersion: result.resourceVersion,
    ...(result.continue ? { continue: result.continue } : {}),
    ...(result.remainingItemCount !== undefined ? { remainingItemCount: result.remainingItemCount } : {}),
  };
}

function objectAnswer(deps: KubeHttpDeps, req: IncomingMessage, target: ResourceRoute, object: KubeObject): unknown {
  if (target.subresource === undefined && wantsTable(req.headers.accept)) {
    return toTable(resourceKey(target.type), [object], deps.clock.now(), { resourceVersion: object.metadata.resourceVersion });
  }
  return object;
}

/**
 * GET pods/{name}/log: the output of a pod's real process (src/sim/process), as text; a
 * simulated container has written nothing. `follow` is not supported: what there is
 * comes back at once.
 */
function sendLog(deps: KubeHttpDeps, res: ServerResponse, target: ResourceRoute, query: URLSearchParams): void {
  const pod = deps.api.get(target);
  const names = (((pod.spec ?? {}) as { containers?: { name: string }[] }).containers ?? []).map((c) => c.name);
  const asked = query.get('container');
  const { name } = pod.metadata;
  if (asked === null && names.length !== 1) throw new ApiError(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
  const container = asked ?? names[0]!;
  if (!names.includes(container)) throw new ApiError(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
  const previous = queryBool(query, 'previous') ?? false;
  let text = deps.logs?.(pod.metadata.namespace!, name, container, previous);
  if (text === undefined && previous) throw new ApiError(400, 'BadRequest', `previous terminated container "${container}" in pod "${name}" not found`);
  text ??= '';
  const tail = Number(query.get('tailLines') ?? NaN);
  if (Number.isInteger(tail) && tail >= 0) text = tail === 0 ? '' : text.split(/(?<=\n)/).slice(-tail).join('');
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** An injected fault's answer: none until the client gives up ("timeout"), none at all ("reset"), or an error status. */
async function injectError(res: ServerResponse, error: string | number): Promise<void> {
  if (error === 'reset') {
    // The socket goes with it: the client sees the connection reset, with no status.
    res.destroy();
    return;
  }
  if (error === 'timeout') {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, TIMEOUT_FAULT_MS);
      res.on('close', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
    if (!res.writableEnded && !res.destroyed) sendError(res, new ApiError(504, 'Timeout', 'Timeout: request did not complete within the allowed duration'));
    return;
  }
  const code = Number(error);
  const reason = code === 429 ? 'TooManyRequests' : code === 503 ? 'ServiceUnavailable' : 'InternalError';
  const message = code === 429 ? 'Too many requests, please try again later.' : code === 503 ? 'the server is currently unable to handle the request' : 'an error on the server ("injected fault") has prevented the request from succeeding';
  sendError(res, new ApiError(code, reason, message, code === 429 ? { retryAfterSeconds: 1 } : undefined));
}

function sendOr404(res: ServerResponse, body: object | undefined, path: string): void {
  if (body) send(res, 200, body);
  else sendError(res, new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`));
}

export function send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const apiError = error instanceof ApiError ? error : new ApiError(500, 'InternalError', `Internal error occurred: ${(error as Error).message}`);
  const headers: Record<string, string> = {};
  // As the API server's ErrorNegotiated: a Retry-After header only for a positive delay. An
  // eviction refused by a PodDisruptionBudget carries 0, so it has none, and clients see the
  // 429 (kubectl drain prints "will retry after 5s"); with a header, client-go would retry it
  // silently inside the request instead.
  const retryAfter = apiError.details?.retryAfterSeconds;
  if (retryAfter !== undefined && retryAfter > 0) headers['Retry-After'] = String(retryAfter);
  const text = JSON.stringify(apiError.toStatus());
  res.writeHead(apiError.code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
