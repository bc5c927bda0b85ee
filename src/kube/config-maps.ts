// The ConfigMaps port over client-node: reads and writes through the adapter's caller (rate
// limit, retries, failures classified), a watch through client-node's Watch.
//
// The watch lists the one ConfigMap (fieldSelector metadata.name=…), reports it, then
// watches from the list's resourceVersion, with bookmarks so the version stays fresh.
// A stream the server ends (its timeoutSeconds) is resumed from the last version seen; a
// 410 Gone (that version is compacted away) or a failure starts again from a list, after a
// back-off on failures. The Watch request bypasses the rate limiter: it is one long-lived
// request, not a stream of them. It needs the KubeConfig itself (KubeDeps holds only the
// API clients built from it), hence the second argument.

import { type KubeConfig, type V1ConfigMap, Watch } from '@kubernetes/client-node';
import type { ConfigMapContent, ConfigMaps, StoredConfigMap } from '../ports/config-maps.js';
import type { KubeDeps } from './cluster.js';

export type ConfigMapWatchOptions = {
  /** Asked of the server per watch request; it then ends the stream, and we resume (default 300). */
  readonly timeoutSeconds?: number;
  /** First back-off after a failed list or watch; doubles to maxRetryDelayMs (defaults 1 s, 30 s). */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
};

const NOT_FOUND = Symbol('not found');
const CONFLICT = 'conflict' as const;

export function createConfigMaps(deps: KubeDeps, kubeConfig: KubeConfig, options: ConfigMapWatchOptions = {}): ConfigMaps {
  const core = deps.clients.core;
  return {
    async get(namespace, name) {
      const found = await deps.call<V1ConfigMap | typeof NOT_FOUND>(
        { operation: 'get configmaps', target: `${namespace}/${name}` },
        () => core.readNamespacedConfigMap({ namespace, name }),
        (failure) => (failure.status === 404 ? NOT_FOUND : undefined),
      );
      return found === NOT_FOUND ? undefined : stored(found);
    },
    async create(namespace, name, content) {
      const created = await deps.call<V1ConfigMap | typeof CONFLICT>(
        { operation: 'create configmaps', target: `${namespace}/${name}` },
        () => core.createNamespacedConfigMap({ namespace, body: body(namespace, name, content) }),
        (failure) => (failure.status === 409 ? CONFLICT : undefined),
      );
      return created === CONFLICT ? CONFLICT : stored(created);
    },
    async update(namespace, name, content) {
      const replaced = await deps.call<V1ConfigMap | typeof CONFLICT>(
        { operation: 'update configmaps', target: `${namespace}/${name}` },
        () => core.replaceNamespacedConfigMap({ namespace, name, body: body(namespace, name, content, content.resourceVersion) }),
        // 404: deleted since it was read; the caller's next read finds it gone and creates it.
        (failure) => (failure.status === 409 || failure.status === 404 ? CONFLICT : undefined),
      );
      return replaced === CONFLICT ? CONFLICT : stored(replaced);
    },
    watch: (namespace, name, onChange, watchOptions) => watchConfigMap(deps, kubeConfig, options, { namespace, name, onChange, ...watchOptions }),
  };
}

function body(namespace: string, name: string, content: ConfigMapContent, resourceVersion?: string): V1ConfigMap {
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

function stored(configMap: V1ConfigMap): StoredConfigMap {
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

async function watchConfigMap(deps: KubeDeps, kubeConfig: KubeConfig, options: ConfigMapWatchOptions, target: WatchTarget): Promise<void> {
  const { namespace, name, signal } = target;
  const fieldSelector = `metadata.name=${name}`;
  const baseDelay = options.retryDelayMs ?? 1_000;
  const maxDelay = options.maxRetryDelayMs ?? 30_000;
  const report = (error: unknown) => target.onError?.(error instanceof Error ? error : new Error(String(error)));
  // A throwing onChange is the caller's bug; client-node would swallow it inside its line handler.
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
        const list = await deps.call({ operation: 'list configmaps', target: `${namespace}/${name}` }, () => deps.clients.core.listNamespacedConfigMap({ namespace, fieldSelector }));
        state.resourceVersion = list.metadata?.resourceVersion ?? '';
        const item = list.items.find((c) => c.metadata?.name === name);
        deliver(item ? stored(item) : undefined);
      }
      const end = await watchOnce(kubeConfig, options.timeoutSeconds ?? 300, target, fieldSelector, state, deliver);
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

function watchOnce(
  kubeConfig: KubeConfig,
  timeoutSeconds: number,
  target: WatchTarget,
  fieldSelector: string,
  state: { resourceVersion: string | undefined },
  deliver: (configMap: StoredConfigMap | undefined) => void,
): Promise<StreamEnd> {
  const path = `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/configmaps`;
  return new Promise<StreamEnd>((resolve, reject) => {
    let gone = false;
    let failure: Error | undefined;
    // client-node's Watch sets no time limit on the stream: a half-open connection would
    // hang here forever. The server ends the stream at timeoutSeconds; give it 30 s more.
    let controller: AbortController | undefined;
    const stall = setTimeout(() => {
      failure = new Error(`the watch of configmap ${target.namespace}/${target.name} went silent past its ${timeoutSeconds} s timeout`);
      controller?.abort();
    }, (timeoutSeconds + 30) * 1000);
    const onAbort = () => controller?.abort();
    target.signal.addEventListener('abort', onAbort, { once: true });
    const finish = (error: unknown) => {
      clearTimeout(stall);
      target.signal.removeEventListener('abort', onAbort);
      if (target.signal.aborted) resolve({ kind: 'ended' });
      else if (failure) reject(failure);
      else if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(gone ? { kind: 'gone' } : { kind: 'ended' });
    };
    const onEvent = (type: string, object: Record<string, any>) => {
      const version = object?.metadata?.resourceVersion;
      if (type === 'ERROR') {
        // 410 Gone: the version we resumed from is compacted away; any other is a failure.
        if (object?.code === 410) gone = true;
        else failure = new Error(`the watch of configmap ${target.namespace}/${target.name} failed: ${object?.code ?? ''} ${object?.message ?? JSON.stringify(object)}`);
        return;
      }
      if (typeof version === 'string') state.resourceVersion = version;
      if (type === 'ADDED' || type === 'MODIFIED') deliver(stored(object as V1ConfigMap));
      else if (type === 'DELETED') deliver(undefined);
    };
    new Watch(kubeConfig)
      .watch(path, { fieldSelector, resourceVersion: state.resourceVersion, allowWatchBookmarks: true, timeoutSeconds }, onEvent, finish)
      .then((c) => {
        controller = c;
        if (target.signal.aborted) c.abort();
      }, finish);
  });
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
