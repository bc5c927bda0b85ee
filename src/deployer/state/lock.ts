// An app's deploy lock in etcd: a key on a lease whose value is the running deployment's id
// (so a second deploy learns whom it waits for), kept alive by its holder for as long as
// the holder lives — through an etcd outage too.
//
// etcd3's own keep-alive declares a lease lost after 2 × TTL without an answer, even though
// etcd, while it is down, expires nothing, and on its return refreshes every lease to its
// full TTL: a deployment would stop (and its lock be handed to the next deploy) because etcd
// restarted. Here the holder keeps asking, every TTL/3 (every 500 ms while etcd does not
// answer), and only an answer from etcd saying the lease is gone loses the lock.
//
// The lock is also a fence: its key's create revision and lease go into every write the
// holder makes (etcd-store.ts, etcd-lb.ts) as a transaction's compare, so a holder that lost
// the lock without noticing (partitioned from etcd past the TTL) cannot write anything.

import { EtcdLeaseInvalidError, type Etcd3 } from 'etcd3';
import type { Fence } from '../engine/ports.js';
import { LockLostError } from '../engine/errors.js';
import { etcdCall, within } from './etcd-errors.js';

export type HeldLock = {
  /** Aborts (with a LockLostError) when etcd says the lease is gone. */
  readonly lost: AbortSignal;
  /** The compare every write of the holder carries. */
  readonly fence: Fence;
  release(): Promise<void>;
};

export type LockResult = { readonly ok: true; readonly lock: HeldLock } | { readonly ok: false; readonly holder: string };

export type LockOptions = {
  readonly ttlSeconds: number;
  readonly wait: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told of the first keep-alive etcd did not answer in a row, and of the lock's loss. */
  readonly onTrouble?: (event: 'keepalive-failed' | 'lost', error: Error) => void;
};

const RETRY_MS = 500;

export async function acquireLock(etcd: Etcd3, key: string, holder: string, options: LockOptions): Promise<LockResult> {
  const lease = etcd.lease(options.ttlSeconds, { autoKeepAlive: false });
  try {
    const leaseId = await etcdCall(`grant a lease for ${key}`, () => lease.grant());
    const result = await etcdCall(`take ${key}`, () => etcd.if(key, 'Create', '==', 0).then(etcd.put(key).value(holder).lease(leaseId)).else(etcd.get(key)).commit());
    if (!result.succeeded) {
      await lease.revoke().catch(() => undefined);
      return { ok: false, holder: result.responses[0]?.response_range?.kvs[0]?.value.toString() ?? '' };
    }
    const fence: Fence = { key, createRevision: String(result.header.revision), lease: String(leaseId) };
    return { ok: true, lock: keep(lease, fence, options) };
  } catch (error) {
    await lease.revoke().catch(() => undefined);
    throw error;
  }
}

function keep(lease: ReturnType<Etcd3['lease']>, fence: Fence, options: LockOptions): HeldLock {
  const lost = new AbortController();
  const released = new AbortController();
  const everyMs = (options.ttlSeconds * 1000) / 3;
  const keeping = (async () => {
    let next = everyMs;
    let failures = 0;
    while (!released.signal.aborted) {
      await options.wait(next, released.signal).catch(() => undefined);
      if (released.signal.aborted) return;
      try {
        await within(`keep-alive of ${fence.key}`, Math.max(RETRY_MS, Math.min(3000, everyMs)), lease.keepaliveOnce());
        next = everyMs;
        failures = 0;
      } catch (error) {
        if (error instanceof EtcdLeaseInvalidError) {
          const reason = new LockLostError(fence.key, 'etcd says its lease is gone (it could not be kept alive for longer than the lock TTL)', { cause: error });
          options.onTrouble?.('lost', reason);
          lost.abort(reason);
          return;
        }
        // etcd does not answer: the lease lives on there meanwhile; ask again soon (told once per outage).
        if (++failures === 1) options.onTrouble?.('keepalive-failed', error as Error);
        next = RETRY_MS;
      }
    }
  })();
  return {
    lost: lost.signal,
    fence,
    async release() {
      released.abort();
      await keeping;
      await etcdCall(`revoke the lease of ${fence.key}`, () => lease.revoke());
    },
  };
}
