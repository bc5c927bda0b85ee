// The ConfigMaps port: reads and writes through the adapter's caller (rate limit,
// retries, failures classified), and a watch.
//
// The watch lists the one ConfigMap (fieldSelector metadata.name=…), reports it, then
// watches from the list's resourceVersion, with bookmarks so the version stays fresh.
// A stream the server ends (its timeoutSeconds) is resumed from the last version seen; a
// 410 Gone (that version is compacted away) or a failure starts again from a list, after a
// back-off on failures. The watch request bypasses the rate limiter: it is one long-lived
// request, not a stream of them.

import type { ConfigMapContent, ConfigMaps, StoredConfigMap } from '../ports/config-maps.js';
import type { KubeDeps } from './cluster.js';
import { errorClass, toFailure } from './failure.js';
import { KubeResponseError, KubeTimeoutError } from './rest-errors.js';
import { resourcePath } from './transport.js';
import { parseWatchEvent } from './watch-lines.js';
import type { ConfigMap, List } from './wire.js';

export type ConfigMapWatchOptions = {
  /** Asked of the server per watch request; it then ends the stream, and we resume (default 300). */
  readonly timeoutSeconds?: number;
  /** First back-off after a failed list or watch; doubles to maxRetryDelayMs (defaults 1 s, 30 s). */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
};

const NOT_FOUND = Symbol('not found');
const CONFLICT = 'conflict' as const;

export function createConfigMaps(deps: KubeDeps, options: ConfigMapWatchOptions = {}): ConfigMaps {
  const path = (namespace: string, name?: string) => resourcePath('v1', 'configmaps', { namespace, ...(name !== undefined ? { name } : {}) });
  return {
    async get(namespace, name) {
      const found = await deps.call<ConfigMap | typeof NOT_FOUND>(
        { operation: 'get configmaps', target: `${namespace}/${name}` },
        () => deps.api.request<ConfigMap>('GET', path(namespace, name)),
        (failure) => (failure.status === 404 ? NOT_FOUND : undefined),
      );
      return found === NOT_FOUND ? undefined : stored(found);
    },
    async create(namespace, name, content) {
      const created = await deps.call<ConfigMap | typeof CONFLICT>(
        { operation: 'create configmaps', target: `${namespace}/${name}` },
        () => deps.api.request<ConfigMap>('POST', path(namespace), { body: body(namespace, name, content) }),
        (failure) => (failure.status === 409 ? CONFLICT : undefined),
      );
      return created === CONFLICT ? CONFLICT : stored(created);
    },
    async update(namespace, name, content) {
      const replaced = await deps.call<ConfigMap | typeof CONFLICT>(
        { operation: 'update configmaps', target: `${namespace}/${name}` },
        () => deps.api.request<ConfigMap>('PUT', path(namespace, name), { body: body(namespace, name, content, content.resourceVersion) }),
        // 404: deleted since it was read; the caller's next read finds it gone and creates it.
        (failure) => (failure.status === 409 || failure.status === 404 ? CONFLICT : undefined),
      );
      return replaced === CONFLICT ? CONFLICT : stored(replaced);
    },
    watch: (namespace, name, onChange, watchOptions) => watchConfigMap(deps, options, { namespace, name, onChange, ...watchOptions }),
  };
}

function body(namespace: string, name: string, content: ConfigMapContent, resourceVersion?: string): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace,
      ...(resourceVersion !== undefined ? { resourceVersion } : {}),
      ...(Object.keys(content.labels).length > 0 ? { labels: { ...content.labels } } : {}),
      ...(Object.keys(content.annotations).length > 0 ? { annotations: { ...content.annotations } } : {}),
    },
    data: { ...content.data },
  };
}

function stored(configMap: ConfigMap): StoredConfigMap {
  return {
    data: { ...configMap.data },
    labels: { ...configMap.metadata?.labels },
    annotations: { ...configMap.metadata?.annotations },
    resourceVersion: configMap.metadata?.resourceVersion ?? '',
  };
}

type WatchTarget = {
  readonly namespace: string;
  readonly name: string;
  readonly onChange: (configMap: StoredConfigMap | undefined) => void;
  readonly signal: AbortSignal;
  readonly onError?: (error: Error) => void;
};

/** How one watch request ended: the server closed it (resume), or the version is gone (list again). */
type StreamEnd = { readonly kind: 'ended' } | { readonly kind: 'gone' };

async function watchConfigMap(deps: KubeDeps, options: ConfigMapWatchOptions, target: WatchTarget): Promise<void> {
  const { namespace, name, signal } = target;
  const fieldSelector = `metadata.name=${name}`;
  const baseDelay = options.retryDelayMs ?? 1_000;
  const maxDelay = options.maxRetryDelayMs ?? 30_000;
  const report = (error: unknown) => target.onError?.(error instanceof Error ? error : new Error(String(error)));
  // A throwing onChange is the caller's bug: report it, and keep watching.
  const deliver = (configMap: StoredConfigMap | undefined) => {
    try {
      target.onChange(configMap);
    } catch (error) {
      report(error);
    }
  };
  const state = { resourceVersion: undefined as string | undefined };
  let delay = baseDelay;
  while (!signal.aborted) {
    try {
      if (state.resourceVersion === undefined) {
        const list = await deps.call({ operation: 'list configmaps', target: `${namespace}/${name}` }, () =>
          deps.api.request<List<ConfigMap>>('GET', resourcePath('v1', 'configmaps', { namespace }), { query: { fieldSelector } }));
        state.resourceVersion = list.metadata?.resourceVersion ?? '';
        const item = list.items.find((c) => c.metadata?.name === name);
        deliver(item ? stored(item) : undefined);
      }
      const end = await watchOnce(deps, options.timeoutSeconds ?? 300, target, fieldSelector, state, deliver);
      if (end.kind === 'gone') state.resourceVersion = undefined;
      delay = baseDelay;
    } catch (error) {
      if (signal.aborted) break;
      report(error);
      state.resourceVersion = undefined;
      await abortableSleep(deps, delay, signal);
      delay = Math.min(maxDelay, delay * 2);
    }
  }
}

/** One watch request, from the version in `state`, which every event and bookmark moves on. */
async function watchOnce(
  deps: KubeDeps,
  timeoutSeconds: number,
  target: WatchTarget,
  fieldSelector: string,
  state: { resourceVersion: string | undefined },
  deliver: (configMap: StoredConfigMap | undefined) => void,
): Promise<StreamEnd> {
  const what = `the watch of configmap ${target.namespace}/${target.name}`;
  // The server ends the stream at timeoutSeconds; a half-open connection would never end
  // it, so past 30 s more the stream is given up on.
  const stream = new AbortController();
  const stall = setTimeout(() => stream.abort(new KubeTimeoutError(`${what} went silent past its ${timeoutSeconds} s timeout`)), (timeoutSeconds + 30) * 1000);
  const onAbort = () => stream.abort(target.signal.reason);
  target.signal.addEventListener('abort', onAbort, { once: true });
  let gone = false;
  const onLine = (line: string) => {
    const { type, object } = parseWatchEvent(line);
    if (type === 'ERROR') {
      // 410 Gone: the version we resumed from is compacted away; any other is a failure,
      // thrown as the REST layer throws an error answer, so it is classified as one.
      if (object.code === 410) {
        gone = true;
        stream.abort();
        return;
      }
      const message = `${what} failed: ${String(object.code ?? '')} ${String(object.message ?? JSON.stringify(object))}`;
      throw new KubeResponseError(typeof object.code === 'number' ? object.code : 0, { message, causes: [] }, undefined, message);
    }
    const version = (object as ConfigMap).metadata?.resourceVersion;
    if (typeof version === 'string') state.resourceVersion = version;
    if (type === 'ADDED' || type === 'MODIFIED') deliver(stored(object as ConfigMap));
    else if (type === 'DELETED') deliver(undefined);
  };
  const query = { fieldSelector, resourceVersion: state.resourceVersion, allowWatchBookmarks: true, timeoutSeconds };
  try {
    await deps.api.watch(resourcePath('v1', 'configmaps', { namespace: target.namespace }), query, stream.signal, onLine);
    deps.onApiCall?.('kube', 'watch configmaps', 'ok');
    return { kind: gone ? 'gone' : 'ended' };
  } catch (error) {
    if (gone || target.signal.aborted) deps.onApiCall?.('kube', 'watch configmaps', 'ok');
    if (gone) return { kind: 'gone' };
    if (target.signal.aborted) return { kind: 'ended' };
    const failed: unknown = stream.signal.aborted ? stream.signal.reason : error;
    // Outside the caller's retries, so counted here; a line that is no event is 'other'.
    const failure = toFailure(failed);
    deps.onApiCall?.('kube', 'watch configmaps', failure ? errorClass(failure) : 'other');
    throw failed;
  } finally {
    clearTimeout(stall);
    target.signal.removeEventListener('abort', onAbort);
  }
}

function abortableSleep(deps: KubeDeps, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    deps.sleep(ms).then(done, done);
  });
}
