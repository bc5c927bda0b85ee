// A list as the API server serves it: at the version the request asks for (now; not older
// than a resourceVersion; exactly one; or a continue token's), in key order, a page at a
// time. An older version is read from the history (history.ts), as etcd reads an older
// revision, so the pages of one list are one consistent snapshot until the history no
// longer reaches back to it: then the continue token has expired (410).

import { ApiError, badRequest, gone } from './api-error.js';
import type { ListOptions } from './list-options.js';
import type { ResourceRoute } from './routes.js';
import { pinnedField } from './selectors.js';
import { type KubeObject, type Store, lowerBound, objectKey } from './store.js';

export type ListResult = { items: KubeObject[]; resourceVersion: string; continue?: string; remainingItemCount?: number };

type ContinueToken = { readonly rv: number; readonly start: string };

const EXPIRED_LIST = 'The resourceVersion for the provided list is too old.';
const INCONSISTENT_CONTINUE = 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** The objects of `key` under `route` that `matches` accepts, as `options` ask. */
export function listObjects(store: Store, key: string, route: ResourceRoute, options: ListOptions, filtered: boolean, matches: (o: KubeObject) => boolean, fieldSelector: string | undefined): ListResult {
  const token = options.continue ? decodeContinue(options.continue) : undefined;
  const at = readVersion(store, options, token);
  let then: Map<string, KubeObject | null>;
  try {
    then = at < store.resourceVersion ? store.changedSince(key, at) : new Map();
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 410)) throw error;
    if (!token) throw gone(EXPIRED_LIST);
    // As etcd3's store: the rest of the list can still be had, at the latest version, with a token that says so.
    throw new ApiError(410, 'Expired', INCONSISTENT_CONTINUE, undefined, { continue: encodeContinue(-1, token.start) });
  }
  const resourceVersion = String(at);
  const objectAt = (k: string) => (then.has(k) ? then.get(k) ?? undefined : store.getByKey(key, k));

  // Pods on one node come from the index, not a scan of every pod.
  const node = key === 'pods' ? pinnedField(fieldSelector, 'spec.nodeName') : undefined;
  if (node) {
    const candidates = new Set([...store.byIndex('pods', 'byNode', node).map((p) => objectKey(p.metadata.namespace, p.metadata.name)), ...then.keys()]);
    const items = [...candidates].sort().map(objectAt)
      .filter((o): o is KubeObject => o !== undefined && (route.namespace === undefined || o.metadata.namespace === route.namespace) && matches(o));
    return { items, resourceVersion };
  }

  const keys = store.sortedKeys(key);
  const changed = [...then.keys()].sort();
  const prefix = route.namespace !== undefined && route.type.namespaced ? `${route.namespace}/` : '';
  const from = token ? token.start : prefix;
  const items: KubeObject[] = [];
  let more = false;
  let lastKey = '';
  for (const k of mergedKeys(keys, changed, from)) {
    if (!k.startsWith(prefix)) break;
    const object = objectAt(k);
    if (!object || !matches(object)) continue;
    if (options.limit > 0 && items.length === options.limit) {
      more = true;
      break;
    }
    items.push(object);
    lastKey = k;
  }
  if (!more) return { items, resourceVersion };
  // The count is exact only for a list of every object, unchanged since the version read.
  const exact = !filtered && then.size === 0;
  return {
    items,
    resourceVersion,
    continue: encodeContinue(at, `${lastKey}\u0000`),
    ...(exact ? { remainingItemCount: countFrom(keys, lowerBound(keys, `${lastKey}\u0000`), prefix) } : {}),
  };
}

/**
 * The version a list is read at. Without a resourceVersion, or "0" (any), now; with one,
 * not older than it (which is now: nothing here lags behind); Exact, that version; a
 * continue token, its own (or now, for a token of an inconsistent continuation).
 */
function readVersion(store: Store, options: ListOptions, token: ContinueToken | undefined): number {
  const now = store.resourceVersion;
  if (token) return token.rv > 0 ? token.rv : now;
  if (options.resourceVersion === '' || options.resourceVersion === '0') return now;
  const asked = parseResourceVersion(options.resourceVersion);
  // The watch cache waits up to 3 s for a version it has not seen, then answers this; here every write is seen at once.
  if (asked > now) throw tooLargeResourceVersion(asked, now);
  return options.resourceVersionMatch === 'Exact' ? asked : now;
}

/** APIObjectVersioner.ParseResourceVersion: a storage error the handler answers as a 500 without a reason. */
function parseResourceVersion(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  throw new ApiError(500, '', `resourceVersion: Invalid value: ${JSON.stringify(text)}: strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`);
}

/** storage.NewTooLargeResourceVersionError: 504, retry after a second. */
export function tooLargeResourceVersion(asked: number, current: number): ApiError {
  return new ApiError(504, 'Timeout', `Timeout: Too large resource version: ${asked}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

/** Current keys and keys changed since the version read (some gone now), merged in order, from `from` on. */
function* mergedKeys(keys: readonly string[], changed: readonly string[], from: string): Generator<string> {
  let i = lowerBound(keys, from);
  let j = lowerBound(changed, from);
  while (i < keys.length || j < changed.length) {
    const a = keys[i];
    const b = changed[j];
    if (b === undefined || (a !== undefined && a < b)) {
      yield a!;
      i++;
    } else {
      if (a === b) i++;
      yield b;
      j++;
    }
  }
}

function countFrom(keys: readonly string[], from: number, prefix: string): number {
  if (prefix === '') return keys.length - from;
  return lowerBound(keys, `${prefix.slice(0, -1)}0`) - from; // '0' sorts right after '/'
}

/** The API server's token: base64url JSON of the version read and the key to go on from. */
function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): ContinueToken {
  let decoded: { v?: unknown; rv?: unknown; start?: unknown };
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof decoded;
  } catch {
    throw badRequest('continue key is not valid: malformed token');
  }
  if (decoded.v !== 'meta.k8s.io/v1') throw badRequest('continue key is not valid: server does not recognize this encoded version');
  if (typeof decoded.rv !== 'number' || decoded.rv === 0) throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof decoded.start !== 'string' || decoded.start === '') throw badRequest('continue key is not valid: encoded start key empty');
  return { rv: decoded.rv, start: decoded.start };
}
