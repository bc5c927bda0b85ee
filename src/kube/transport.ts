// The API as the adapter calls it: every request first takes a token from the rate
// limiter, then carries the User-Agent and the X-Scalerd-Client header (the simulator's
// recorder attributes mutations by it), and gets its time limit. IMPORTANT: the limit
// starts after the limiter's wait, not before it, or a request queued behind a burst
// would time out without ever being sent. A watch bypasses the limiter and has no limit:
// it is one long-lived request, not a stream of them (its caller watches for silence).

import { systemClock } from '../clock.js';
import type { TokenBucket } from './rate-limiter.js';
import { type Method, type Query, type RequestOptions, createRestClient } from './rest.js';
import type { KubeTarget } from './target.js';

export const MERGE_PATCH = 'application/merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';

export type KubeApi = {
  request<T>(method: Method, path: string, options?: Omit<RequestOptions, 'signal'>): Promise<T>;
  /** A watch stream (`watch=true` is added), line by line, until the server ends it or `signal` aborts. */
  watch(path: string, query: Query, signal: AbortSignal, onLine: (line: string) => void): Promise<void>;
};

export type TransportOptions = {
  readonly target: KubeTarget;
  readonly limiter: TokenBucket;
  readonly userAgent: string;
  readonly clientId: string | undefined;
  readonly requestTimeoutMs: number;
};

export function createApi(options: TransportOptions): KubeApi {
  const rest = createRestClient(options.target, {
    headers: { 'User-Agent': options.userAgent, ...(options.clientId ? { 'X-Scalerd-Client': options.clientId } : {}) },
    // Credentials expire in real time, whatever clock the adapter's limiter runs on.
    clock: systemClock,
  });
  return {
    async request<T>(method: Method, path: string, request: Omit<RequestOptions, 'signal'> = {}): Promise<T> {
      await options.limiter.take();
      return rest.request<T>(method, path, { ...request, signal: AbortSignal.timeout(options.requestTimeoutMs) });
    },
    watch: (path, query, signal, onLine) => rest.stream(path, { query: { watch: true, ...query }, signal, onLine }),
  };
}

/** The path of a resource: core (v1) under /api, the groups under /apis; names are escaped. */
export function resourcePath(groupVersion: string, resource: string, ref: { namespace?: string; name?: string; subresource?: string } = {}): string {
  const root = groupVersion === 'v1' ? '/api/v1' : `/apis/${groupVersion}`;
  const namespace = ref.namespace !== undefined ? `/namespaces/${encodeURIComponent(ref.namespace)}` : '';
  const name = ref.name !== undefined ? `/${encodeURIComponent(ref.name)}` : '';
  const subresource = ref.subresource !== undefined ? `/${ref.subresource}` : '';
  return `${root}${namespace}/${resource}${name}${subresource}`;
}
