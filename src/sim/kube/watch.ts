// A watch as the API server's watch cache serves it: the initial state or the events
// since a resourceVersion (410 Expired, inside the stream, once the history no longer
// reaches back to it), then every change as it is made. An event is filtered the way
// the cacher filters it, by the object before and after the change: one that starts
// matching is ADDED, one that stops matching DELETED. Only writes to the watched
// resource reach a watch.
//
// Bookmarks, when allowed: one a minute of simulated time (the cacher's
// bookmarkFrequency), one 2 s before the watch's deadline, and with sendInitialEvents the
// one that ends the initial events (annotation k8s.io/initial-events-end).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimClock } from '../sim-clock.js';
import { ApiError } from './api-error.js';
import type { ListOptions } from './list-options.js';
import { tooLargeResourceVersion } from './list.js';
import { resourceKey } from './resources.js';
import type { ResourceRoute } from './routes.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { KubeObject, Store, StoreEvent } from './store.js';
import { toTable, wantsTable } from './table.js';

export type WatchDeps = {
  readonly store: Store;
  readonly clock: SimClock;
  /** Simulated ms between bookmarks (default one minute). */
  readonly bookmarkIntervalMs?: number;
};

export const BOOKMARK_INTERVAL_MS = 60_000;
export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** Without timeoutSeconds the API server picks a deadline between 30 and 60 minutes (--min-request-timeout). */
const DEFAULT_TIMEOUT_S = 1800;
const MAX_TIMEOUT_S = 3600;
/** How long before its deadline a watch is sent its last bookmark. */
const FINAL_BOOKMARK_LEAD_MS = 2_000;

export function serveWatch(deps: WatchDeps, target: ResourceRoute, query: URLSearchParams, options: ListOptions, req: IncomingMessage, res: ServerResponse): void {
  const { store, clock } = deps;
  const key = resourceKey(target.type);
  const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
  const fields = parseFieldSelector(target.type.resource, query.get('fieldSelector') ?? undefined);
  const namespace = target.type.namespaced ? target.namespace : undefined;
  const matches = (o: KubeObject | undefined): o is KubeObject =>
    o !== undefined && (namespace === undefined || o.metadata.namespace === namespace) && labels(o) && fields(o);
  const rv = options.resourceVersion;
  const from = rv === '' || rv === '0' ? undefined : Number(rv);
  if (from !== undefined && !Number.isInteger(from)) throw new ApiError(500, '', `resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`);
  if (from !== undefined && options.sendInitialEvents && from > store.resourceVersion) throw tooLargeResourceVersion(from, store.resourceVersion);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
  // As the API server does: the headers go out now, not with the first event, or a client
  // (client-go's Watch, client-node's informer) waits on a quiet resource until one comes.
  res.flushHeaders();
  const write = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
  // `kubectl get --watch` asks for Tables here too. As the API server's watch handler does, each
  // event then carries a one-row Table, with the column definitions only in the first (later
  // ones have none: NoHeaders), so kubectl prints its columns instead of falling back to NAME/AGE.
  const asTable = wantsTable(req.headers.accept);
  let columnsSent = false;
  const writeObject = (type: string, object: KubeObject): void => {
    if (!asTable) {
      write(type, object);
      return;
    }
    const table = toTable(key, [object], clock.now(), { resourceVersion: object.metadata.resourceVersion });
    write(type, columnsSent ? { ...table, columnDefinitions: null } : table);
    columnsSent = true;
  };
  const bookmark = (annotations?: Record<string, string>) => write('BOOKMARK', {
    kind: target.type.kind,
    apiVersion: target.type.group ? `${target.type.group}/${target.type.version}` : 'v1',
    metadata: { resourceVersion: String(store.resourceVersion), ...(annotations ? { annotations } : {}) },
  });
  // A watch from a version not reached yet starts there: changes up to it are not its own.
  const startsAt = from ?? 0;
  const deliver = (event: StoreEvent) => {
    if (event.rv <= startsAt) return;
    const now = event.type !== 'DELETED' && matches(event.object);
    const before = matches(event.previous);
    if (now) writeObject(before ? 'MODIFIED' : 'ADDED', event.object);
    // One that no longer matches leaves the watch as it was, at the change's version.
    else if (before) writeObject('DELETED', event.type === 'DELETED' ? event.object : { ...event.previous!, metadata: { ...event.previous!.metadata, resourceVersion: String(event.rv) } });
  };

  if (options.sendInitialEvents ?? from === undefined) {
    for (const object of store.list(key, namespace)) if (matches(object)) writeObject('ADDED', object);
    if (options.sendInitialEvents && options.allowWatchBookmarks) bookmark({ [INITIAL_EVENTS_END]: 'true' });
  } else if (from !== undefined) {
    let backlog: StoreEvent[];
    try {
      backlog = store.eventsSince(key, from);
    } catch (error) {
      // The real server answers 200 and sends the 410 inside the stream as an ERROR event.
      if (error instanceof ApiError) write('ERROR', error.toStatus());
      res.end();
      return;
    }
    for (const event of backlog) deliver(event);
  }

  const unsubscribe = store.subscribe(deliver, key);
  const interval = deps.bookmarkIntervalMs ?? BOOKMARK_INTERVAL_MS;
  let next: ReturnType<SimClock['after']> | undefined;
  const every = () => {
    bookmark();
    next = clock.after(interval, every);
  };
  if (options.allowWatchBookmarks) next = clock.after(interval, every);
  const timeoutMs = Math.min(options.timeoutSeconds ?? DEFAULT_TIMEOUT_S, MAX_TIMEOUT_S) * 1000;
  const final = options.allowWatchBookmarks && timeoutMs > FINAL_BOOKMARK_LEAD_MS ? setTimeout(() => bookmark(), timeoutMs - FINAL_BOOKMARK_LEAD_MS) : undefined;
  const timeout = setTimeout(() => res.end(), timeoutMs);
  const close = () => {
    unsubscribe();
    clock.cancel(next);
    clearTimeout(final);
    clearTimeout(timeout);
  };
  req.on('close', close);
  res.on('close', close);
}
