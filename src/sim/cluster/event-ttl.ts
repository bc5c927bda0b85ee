// The API server's --event-ttl (1 h by default): every Event is stored with an etcd lease
// renewed on each write, so an Event goes an hour after it was last written, whoever
// wrote it. Writes are queued in time order; one timer, at the oldest write's expiry,
// deletes what has not been written again since.

import type { StoreEvent } from '../kube/store.js';
import { objectKey } from '../kube/store.js';
import type { Timer } from '../sim-clock.js';
import type { ClusterDeps, Controller } from './controller.js';
import { splitKey } from './objects.js';

export const EVENT_TTL_MS = 60 * 60_000;

export function createEventExpiry(deps: ClusterDeps, ttlMs = EVENT_TTL_MS): Controller {
  const { store, clock } = deps;
  const lastWrite = new Map<string, number>();
  const writes: { key: string; at: number }[] = [];
  let head = 0;
  let timer: Timer | undefined;

  function arm(): void {
    if (timer || head >= writes.length) return;
    timer = clock.after(writes[head]!.at + ttlMs - clock.now(), expire);
  }

  function expire(): void {
    timer = undefined;
    const now = clock.now();
    while (head < writes.length && writes[head]!.at + ttlMs <= now) {
      const { key, at } = writes[head++]!;
      if (lastWrite.get(key) !== at) continue; // written again since: a later entry expires it
      lastWrite.delete(key);
      const [namespace, name] = splitKey(key);
      if (store.get('events', namespace, name)) store.delete('events', namespace, name);
    }
    if (head > 1024 && head * 2 > writes.length) {
      writes.splice(0, head);
      head = 0;
    }
    arm();
  }

  return {
    watches: ['events'],
    queues: [],
    onEvent(event: StoreEvent) {
      const key = objectKey(event.object.metadata.namespace, event.object.metadata.name);
      if (event.type === 'DELETED') {
        lastWrite.delete(key);
        return;
      }
      const at = clock.now();
      lastWrite.set(key, at);
      writes.push({ key, at });
      arm();
    },
    stop() {
      clock.cancel(timer);
    },
  };
}
