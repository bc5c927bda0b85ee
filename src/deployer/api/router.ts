// The route table's shape and its matching: a path pattern with `{ns}`, `{app}` and `{id}`
// segments, who may call it, and a handler per method. A path no route has is a 404; a
// method its route lacks, a 405 with Allow. Path names are checked before any handler sees
// them (they become etcd keys), so a name with a slash or a dot-dot never gets that far.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, type Reply } from './reply.js';

export const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
export type Method = (typeof METHODS)[number];

export type Params = { readonly ns: string; readonly app: string; readonly id: string };

export type Call = {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The path's names; those the pattern lacks are ''. */
  readonly params: Params;
  readonly query: URLSearchParams;
  /** The body as text, within the size limit. */
  text(): Promise<string>;
};

/** A reply to send, or 'streamed' when the handler wrote the response itself. */
export type Handler = (call: Call) => Promise<Reply | 'streamed'>;

/** none: anyone (health); token: the bearer token; webhook: the registry webhook's secret. */
export type Auth = 'none' | 'token' | 'webhook';

export type Route = { readonly path: string; readonly auth: Auth; readonly methods: Readonly<Partial<Record<Method, Handler>>> };

const NAMES: Readonly<Record<keyof Params, { pattern: RegExp; what: string }>> = {
  ns: { pattern: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, what: 'a namespace (a DNS label)' },
  app: { pattern: /^[a-z]([-a-z0-9]{0,51}[a-z0-9])?$/, what: 'an app name (a DNS label starting with a letter, at most 53 characters)' },
  id: { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, what: 'a deployment id' },
};

/** The route whose pattern the path fits, with the path's names (not yet checked). */
export function findRoute(routes: readonly Route[], pathname: string): { route: Route; raw: Record<string, string> } | undefined {
  const segments = pathname.replace(/\/+$/, '').split('/').slice(1);
  for (const route of routes) {
    const pattern = route.path.split('/').slice(1);
    if (pattern.length !== segments.length) continue;
    const raw: Record<string, string> = {};
    const fits = pattern.every((part, i) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name === undefined) return part === segments[i];
      raw[name] = segments[i]!;
      return segments[i] !== '';
    });
    if (fits) return { route, raw };
  }
  return undefined;
}

/** Decoded and checked: 400 for a name no namespace, app or deployment can have. */
export function checkParams(raw: Readonly<Record<string, string>>): Params {
  const params: Record<string, string> = { ns: '', app: '', id: '' };
  for (const [name, value] of Object.entries(raw)) {
    const rule = NAMES[name as keyof Params];
    let decoded: string;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      throw new ApiError(400, 'SCALERD_ERR_API_REQUEST', `the path segment "${value}" is not valid percent-encoding`);
    }
    if (rule && !rule.pattern.test(decoded)) throw new ApiError(400, 'SCALERD_ERR_API_REQUEST', `"${decoded}" is not ${rule.what}`);
    params[name] = decoded;
  }
  return params as Params;
}

/** A query parameter checked like a path name; undefined when absent or empty. */
export function queryName(query: URLSearchParams, key: string, rule: 'ns' | 'app'): string | undefined {
  const value = query.get(key);
  if (value === null || value === '') return undefined;
  if (!NAMES[rule].pattern.test(value)) throw new ApiError(400, 'SCALERD_ERR_API_REQUEST', `${key}="${value}" is not ${NAMES[rule].what}`);
  return value;
}

export function handlerFor(route: Route, method: string | undefined): Handler {
  const handler = route.methods[method as Method];
  if (handler) return handler;
  const allow = METHODS.filter((m) => route.methods[m]).join(', ');
  throw new ApiError(405, 'SCALERD_ERR_API_METHOD', `${route.path} takes ${allow}, not ${method}`, undefined, { allow });
}
