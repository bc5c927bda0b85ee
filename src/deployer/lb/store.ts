// lb-sync's view of etcd: a port (snapshot, watch doorbell, status writes) and its
// adapter over the `etcd3` client. etcd's errors become ScalerdErrors here; the sync loop
// never sees the client's types.
//
// The watch is only a doorbell: what to serve always comes from a whole, consistent read
// of the prefix, so an update cannot be missed between events, across a reconnect or
// after a compaction (confd #629, #709).

import type { Watcher } from 'etcd3';
import { ScalerdError } from '../../errors.js';
import { connectEtcd, type EtcdConnection, type EtcdTuning } from '../etcd/connection.js';
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

export type EtcdStoreOptions = EtcdTuning & { readonly connection: EtcdConnection };

function etcdError(hosts: readonly string[], operation: string, error: unknown): ScalerdError {
  // etcd3's circuit breaker opens after three failures in a row and answers for it for 5 s.
  const why = (error as { isBrokenCircuitError?: boolean }).isBrokenCircuitError === true ? 'not reachable (the last attempts failed; the client pauses 5 s between rounds)' : (error as Error).message;
  return new ScalerdError('SCALERD_ERR_LB_ETCD', `etcd ${operation} at ${hosts.join(',')} failed: ${why}`, { cause: error });
}

export function createEtcdStore(options: EtcdStoreOptions): LbStore {
  const client = connectEtcd(options.connection, options);
  const { hosts } = options.connection;

  return {
    async snapshot() {
      try {
        const response = await client.getAll().prefix(LB_PREFIX).exec();
        return {
          revision: Number(response.header.revision),
          entries: response.kvs.map((kv) => ({ key: kv.key.toString('utf8'), value: kv.value.toString('utf8'), modRevision: Number(kv.mod_revision) })),
        };
      } catch (error) {
        throw etcdError(hosts, `read of ${LB_PREFIX}`, error);
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
        throw etcdError(hosts, `put of ${key}`, error);
      }
    },

    async delete(key) {
      try {
        await client.delete().key(key).exec();
      } catch (error) {
        throw etcdError(hosts, `delete of ${key}`, error);
      }
    },

    close() {
      client.close();
    },
  };
}
