// lb-sync's view of etcd: a port (snapshot, watch doorbell, status writes) and its
// adapter over the `etcd3` client. etcd's errors become ScalerdErrors here; the sync loop
// never sees the client's types.
//
// The watch is only a doorbell: what to serve always comes from a whole, consistent read
// of the prefix, so an update cannot be missed between events, across a reconnect or
// after a compaction (confd #629, #709).

import { Etcd3, type IOptions, type Watcher } from 'etcd3';
import type { Clock } from '../../clock.js';
import { ScalerdError } from '../../errors.js';
import type { Snapshot } from './desired.js';
import { LB_PREFIX, STATUS_PREFIX } from './layout.js';

export type WatchHandlers = {
  /** A key outside status/ changed (a put or a delete). */
  readonly onChange: () => void;
  /** The watch reconnected after a disconnection: changes may have been missed. */
  readonly onReconnected: () => void;
  /** The watch ended (cancelled by etcd, e.g. its start revision was compacted): read again and watch anew. */
  readonly onBroken: (error: Error) => void;
  readonly onDisconnected: (error: Error) => void;
};

export interface LbStore {
  /** One consistent read of everything under /scalerd/lb/. Rejects with SCALERD_ERR_LB_ETCD. */
  snapshot(): Promise<Snapshot>;
  /** Watches the prefix from `fromRevision` (inclusive); returns the function that stops watching. */
  watch(fromRevision: number, handlers: WatchHandlers): () => Promise<void>;
  /** Rejects with SCALERD_ERR_LB_ETCD. */
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  close(): void;
}

export type EtcdStoreOptions = {
  /** Client URLs, such as http://127.0.0.1:2379. */
  readonly hosts: readonly string[];
  readonly clock: Clock;
  /** Each unary call's deadline (default 5 s). */
  readonly callTimeoutMs?: number;
  /** Connecting to a host gives up after this (default 3 s). */
  readonly dialTimeoutMs?: number;
  /** The longest wait between two watch reconnection attempts (default 2 s; etcd3's own is 30 s). */
  readonly maxWatchBackoffMs?: number;
};

type Backoff = NonNullable<NonNullable<IOptions['faultHandling']>['watchBackoff']>;

/** Doubling from 100 ms to `maxMs`: a watch comes back within `maxMs` of etcd. */
function doublingBackoff(durationMs: number, maxMs: number): Backoff {
  return { duration: durationMs, next: () => doublingBackoff(Math.min(durationMs * 2, maxMs), maxMs) };
}

function etcdError(hosts: readonly string[], operation: string, error: unknown): ScalerdError {
  // etcd3's circuit breaker opens after three failures in a row and answers for it for 5 s.
  const why = (error as { isBrokenCircuitError?: boolean }).isBrokenCircuitError === true ? 'not reachable (the last attempts failed; the client pauses 5 s between rounds)' : (error as Error).message;
  return new ScalerdError('SCALERD_ERR_LB_ETCD', `etcd ${operation} at ${hosts.join(',')} failed: ${why}`, { cause: error });
}

export function createEtcdStore(options: EtcdStoreOptions): LbStore {
  const callTimeoutMs = options.callTimeoutMs ?? 5000;
  const client = new Etcd3({
    hosts: [...options.hosts],
    dialTimeout: options.dialTimeoutMs ?? 3000,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: options.clock.now() + callTimeoutMs }),
    faultHandling: { watchBackoff: doublingBackoff(100, options.maxWatchBackoffMs ?? 2000) },
  });

  return {
    async snapshot() {
      try {
        const response = await client.getAll().prefix(LB_PREFIX).exec();
        return {
          revision: Number(response.header.revision),
          entries: response.kvs.map((kv) => ({ key: kv.key.toString('utf8'), value: kv.value.toString('utf8'), modRevision: Number(kv.mod_revision) })),
        };
      } catch (error) {
        throw etcdError(options.hosts, `read of ${LB_PREFIX}`, error);
      }
    },

    watch(fromRevision, handlers) {
      const watcher: Watcher = client.watch().prefix(LB_PREFIX).startRevision(String(fromRevision)).watcher();
      let disconnected = false;
      watcher.on('data', (response) => {
        if (response.events.some((event) => !event.kv.key.toString('utf8').startsWith(STATUS_PREFIX))) handlers.onChange();
      });
      watcher.on('disconnected', (error) => {
        disconnected = true;
        handlers.onDisconnected(error);
      });
      watcher.on('connected', () => {
        if (!disconnected) return;
        disconnected = false;
        handlers.onReconnected();
      });
      watcher.on('error', (error) => handlers.onBroken(error));
      return () => watcher.cancel().catch(() => undefined);
    },

    async put(key, value) {
      try {
        await client.put(key).value(value).exec();
      } catch (error) {
        throw etcdError(options.hosts, `put of ${key}`, error);
      }
    },

    async delete(key) {
      try {
        await client.delete().key(key).exec();
      } catch (error) {
        throw etcdError(options.hosts, `delete of ${key}`, error);
      }
    },

    close() {
      client.close();
    },
  };
}
