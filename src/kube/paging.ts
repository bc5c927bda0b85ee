// Lists in pages of 500 (kubectl's chunk size), following `continue`. A continue token
// outlives the API server's compaction window only so long: a page answered 410 Expired
// means the snapshot is gone, and the only consistent answer is a new list from the start.

import { isRemoteError } from '../errors.js';
import type { Caller } from './call.js';
import type { CallSite } from './failure.js';
import type { Query } from './rest.js';
import type { KubeApi } from './transport.js';
import type { List } from './wire.js';

export const PAGE_SIZE = 500;
/** Fresh starts after 410 Expired before giving up (each is a whole new list). */
export const MAX_RESTARTS = 3;

export type Page<T> = List<T>;

/** Every item, page after page; `fetchPage` gets the page size and the continue token of the page before. */
export async function listAll<T>(call: Caller, site: CallSite, fetchPage: (limit: number, token: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  for (let restart = 0; ; restart++) {
    const items: T[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await call(site, () => fetchPage(PAGE_SIZE, token));
        items.push(...page.items);
        token = page.metadata?.continue || undefined;
      } while (token);
      return items;
    } catch (error) {
      const expired = isRemoteError(error) && error.detail.status === 410 && token !== undefined;
      if (!expired || restart >= MAX_RESTARTS) throw error;
    }
  }
}

/** Every item of a list endpoint: listAll with `limit` and `continue` added to `query`. */
export function listResource<T>(deps: { readonly api: KubeApi; readonly call: Caller }, site: CallSite, path: string, query: Query = {}): Promise<T[]> {
  return listAll<T>(deps.call, site, (limit, token) => deps.api.request<List<T>>('GET', path, { query: { ...query, limit, ...(token ? { continue: token } : {}) } }));
}
