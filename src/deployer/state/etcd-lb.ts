// The engine's LoadBalancer over etcd: it writes the intents lb-sync serves through
// haproxy (src/deployer/lb/layout.ts) and reads what lb-sync reports back. A switch is a
// transaction comparing the frontend key's modification revision, so two writers can
// never both believe they switched a hostname; with a fence it also compares the app's lock
// (lock.ts), so a deployment that lost its lock switches nothing. etcd not answering is
// EtcdUnavailableError; while waiting for lb-sync, time etcd did not answer is not counted.

import type { Etcd3 } from 'etcd3';
import { isEtcdUnavailable, LockLostError } from '../engine/errors.js';
import type { Awaited, BackendServer, Fence, Frontend, LoadBalancer, TrafficReport } from '../engine/ports.js';
import {
  type BackendStatus, CONFIG_STATUS_KEY, type ConfigStatus, type FrontendStatus, type TrafficStatus,
  BACKENDS_PREFIX, backendKey, backendStatusKey, bakeKey, frontendKey, frontendStatusKey, trafficStatusKey,
} from '../lb/layout.js';
import { etcdCall } from './etcd-errors.js';
import { fencedPut } from './etcd-store.js';

type Wait = (ms: number, signal: AbortSignal) => Promise<void>;

export function etcdLoadBalancer(etcd: Etcd3, options: { now: () => number; wait: Wait; pollMs?: number }): LoadBalancer {
  const pollMs = options.pollMs ?? 100;

  async function json<T>(key: string): Promise<{ value: T; revision: number } | undefined> {
    const answer = await etcdCall(`read ${key}`, () => etcd.get(key).exec());
    const kv = answer.kvs[0];
    return kv ? { value: JSON.parse(kv.value.toString()) as T, revision: Number(kv.mod_revision) } : undefined;
  }

  /** Deletes `key`, only while `fence` holds when one is given. */
  async function fencedDelete(fence: Fence | undefined, key: string): Promise<void> {
    if (!fence) {
      await etcdCall(`delete ${key}`, () => etcd.delete().key(key).exec());
      return;
    }
    const result = await etcdCall(`delete ${key}`, () => etcd.if(fence.key, 'Create', '==', fence.createRevision).and(fence.key, 'Lease', '==', fence.lease).then(etcd.delete().key(key)).commit());
    if (!result.succeeded) throw new LockLostError(fence.key, `delete of ${key} refused: another deployer holds the lock, or its lease expired`);
  }

  /**
   * Polls `check` until it says ok, says waiting cannot help (final), or the deadline passes;
   * then the last reason. A poll etcd did not answer moves the deadline by the time it took:
   * lb-sync cannot report while etcd is away, and its silence then says nothing of haproxy.
   */
  async function until(check: () => Promise<Awaited & { final?: boolean }>, deadlineMs: number, signal: AbortSignal): Promise<Awaited> {
    let deadline = options.now() + deadlineMs;
    let reason = 'etcd did not answer';
    for (;;) {
      const started = options.now();
      try {
        const { final, ...result } = await check();
        if (result.ok || final || options.now() > deadline) return result;
        if (!result.ok) reason = result.reason;
      } catch (error) {
        if (!isEtcdUnavailable(error)) throw error;
        deadline += options.now() - started + pollMs;
        if (options.now() > deadline) return { ok: false, reason };
      }
      await options.wait(pollMs, signal);
    }
  }

  return {
    backendId: (namespace, app, version) => `${namespace}.${app}.${version}`,
    versionOf(namespace, app, backend) {
      const prefix = `${namespace}.${app}.`;
      if (!backend?.startsWith(prefix)) return undefined;
      const version = backend.slice(prefix.length);
      return /^[1-9][0-9]*$/.test(version) ? Number(version) : undefined;
    },
    async register(id, servers: readonly BackendServer[], healthPath, fence) {
      await fencedPut(etcd, fence, backendKey(id), JSON.stringify({ servers, health: { path: healthPath } }), `register backend ${id}`);
    },
    async unregister(id, fence) {
      // IMPORTANT: the bake key first: left behind alone it would keep lb-sync polling fast.
      await fencedDelete(fence, bakeKey(id));
      await fencedDelete(fence, backendKey(id));
    },
    async bake(id, on, fence) {
      if (on) await fencedPut(etcd, fence, bakeKey(id), JSON.stringify({ since: options.now() }), `bake of ${id}`);
      else await fencedDelete(fence, bakeKey(id));
    },
    async traffic(id): Promise<TrafficReport | undefined> {
      const found = await json<TrafficStatus>(trafficStatusKey(id));
      if (!found) return undefined;
      const { worker, responses, http5xx, connectionErrors, responseErrors, serverDowns, down, at } = found.value;
      return { worker, responses, http5xx, connectionErrors, responseErrors, serverDowns, down, at, revision: found.revision };
    },
    async backends() {
      const keys = await etcdCall(`list ${BACKENDS_PREFIX}`, () => etcd.getAll().prefix(BACKENDS_PREFIX).keys());
      return keys.map((key) => key.slice(BACKENDS_PREFIX.length));
    },
    async frontend(host): Promise<Frontend> {
      const found = await json<{ backend?: string }>(frontendKey(host));
      return { backend: found?.value.backend, revision: found?.revision ?? 0 };
    },
    async switchFrontend(host, backend, expected, fence) {
      const key = frontendKey(host);
      const write = () => (backend === undefined ? etcd.delete().key(key) : etcd.put(key).value(JSON.stringify({ backend })));
      const txn = () => {
        const compare = etcd.if(key, 'Mod', '==', expected);
        return (fence ? compare.and(fence.key, 'Create', '==', fence.createRevision).and(fence.key, 'Lease', '==', fence.lease) : compare).then(write());
      };
      const result = await etcdCall(`switch ${host}`, () => txn().commit());
      if (result.succeeded) return Number(result.header.revision);
      // Which compare failed: a lost lock must stop the deployment, a moved key is the caller's to judge.
      if (fence) {
        const lock = await etcdCall(`read ${fence.key}`, () => etcd.get(fence.key).exec());
        const kv = lock.kvs[0];
        if (!kv || String(kv.create_revision) !== fence.createRevision || String(kv.lease) !== fence.lease) {
          throw new LockLostError(fence.key, `the switch of ${host} refused: another deployer holds the lock, or its lease expired`);
        }
      }
      return undefined;
    },
    serversUp: (id, deadlineMs, signal) => until(async () => {
      const [status, intent, config] = await Promise.all([json<BackendStatus>(backendStatusKey(id)), json<{ servers?: { name?: unknown }[] }>(backendKey(id)), json<ConfigStatus>(CONFIG_STATUS_KEY)]);
      // A config rendered after the registration that haproxy -c refused: haproxy keeps the
      // old one and will not load this backend; waiting longer cannot help.
      if (intent && config && !config.value.ok && config.revision > intent.revision) {
        return { ok: false, final: true, reason: `haproxy refused the configuration with backend ${id} (the old one keeps serving): ${config.value.error ?? 'no reason given'}` };
      }
      if (!status || !intent) return { ok: false, reason: `lb-sync has not reported backend ${id}` };
      if (status.value.error) return { ok: false, reason: status.value.error };
      if ((status.value.revision ?? 0) < intent.revision) return { ok: false, reason: `haproxy does not run backend ${id} as registered yet` };
      // The servers as registered, not as the pods are now: a pod replaced since is not waited for.
      const names = (intent.value.servers ?? []).map((s) => String(s.name));
      const down = names.filter((name) => status.value.servers[name] !== 'UP');
      return down.length === 0 ? { ok: true } : { ok: false, reason: `not UP in haproxy: ${down.map((n) => `${n} (${status.value.servers[n] ?? 'absent'})`).join(', ')}` };
    }, deadlineMs, signal),
    frontendApplied: (host, revision, deadlineMs, signal) => until(async () => {
      const status = await json<FrontendStatus>(frontendStatusKey(host));
      if (!status || status.value.revision < revision) return { ok: false, reason: `haproxy does not serve the switch of ${host} yet` };
      return status.value.error ? { ok: false, reason: status.value.error } : { ok: true };
    }, deadlineMs, signal),
  };
}
