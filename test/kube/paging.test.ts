// Paging with continue tokens, and the fresh start after 410 Expired. The simulator's
// tokens never expire, so the restart is tested here with pages made up.

import { describe, expect, it } from 'vitest';
import { createCaller } from '../../src/kube/call.js';
import { MAX_RESTARTS, type Page, listAll } from '../../src/kube/paging.js';
import { KubeResponseError, parseStatus } from '../../src/kube/rest-errors.js';

const call = createCaller({ policy: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 }, sleep: async () => {} });
const site = { operation: 'list pods' } as const;

const expired = () => new KubeResponseError(410, parseStatus(JSON.stringify({
  kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410,
  message: 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
})), undefined);

describe('listAll', () => {
  it('asks 500 at a time and follows continue to the end', async () => {
    const asked: [number, string | undefined][] = [];
    const pages: Record<string, Page<number>> = {
      start: { items: [1, 2], metadata: { continue: 'a' } },
      a: { items: [3], metadata: { continue: 'b' } },
      b: { items: [4], metadata: {} },
    };
    const items = await listAll(call, site, async (limit, token) => {
      asked.push([limit, token]);
      return pages[token ?? 'start']!;
    });
    expect(items).toEqual([1, 2, 3, 4]);
    expect(asked).toEqual([[500, undefined], [500, 'a'], [500, 'b']]);
  });

  it('starts over, dropping what it had, when a continue token has expired', async () => {
    let listing = 0;
    const items = await listAll(call, site, async (_limit, token) => {
      if (!token) {
        listing++;
        return { items: [`first-of-${listing}`], metadata: { continue: 'next' } };
      }
      if (listing === 1) throw expired();
      return { items: [`second-of-${listing}`] };
    });
    expect(items).toEqual(['first-of-2', 'second-of-2']);
  });

  it(`gives up after ${MAX_RESTARTS} fresh starts, and never restarts on a first page's 410`, async () => {
    let firstPages = 0;
    await expect(listAll(call, site, async (_limit, token) => {
      if (token) throw expired();
      firstPages++;
      return { items: [], metadata: { continue: 'next' } };
    })).rejects.toMatchObject({ detail: { status: 410, reason: 'Expired', retryable: false } });
    expect(firstPages).toBe(MAX_RESTARTS + 1);

    let calls = 0;
    await expect(listAll(call, site, async () => { calls++; throw expired(); })).rejects.toMatchObject({ detail: { status: 410 } });
    expect(calls).toBe(1);
  });
});
