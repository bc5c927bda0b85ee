// The engine's LoadBalancer over etcd: it writes the intents lb-sync serves through
// haproxy (src/deployer/lb/layout.ts) and reads what lb-sync reports back. A switch is a
// transaction comparing the frontend key's modification revision, so two writers can
// never both believe they switched a hostname.

import type { Etcd3 } from 'etcd3';
import type { Awaited, BackendServer, Frontend, LoadBalancer } from '../engine/ports.js';
import { type BackendStatus, CONFIG_STATUS_KEY, type ConfigStatus, type FrontendStatus, backendKey, backendStatusKey, frontendKey, frontendStatusKey } from '../lb/layout.js';

type Wait = (ms: number, signal: AbortSignal) => Promise<void>;

export function etcdLoadBalancer(etcd: Etcd3, options: { now: () => number; wait: Wait; pollMs?: number }): LoadBalancer {
  const pollMs = options.pollMs ?? 100;

  async function json<T>(key: string): Promise<{ value: T; revision: number } | undefined> {
    const answer = await etcd.get(key).exec();
    const kv = answer.kvs[0];
    return kv ? { value: JSON.parse(kv.value.toString()) as T, revision: Number(kv.mod_revision) } : undefined;
  }

  /** Polls `check` until it says ok, says waiting cannot help (final), or the deadline passes; then the last reason. */
  async function until(check: () => Promise<Awaited & { final?: boolean }>, deadlineMs: number, signal: AbortSignal): Promise<Awaited> {
    const deadline = options.now() + deadlineMs;
    for (;;) {
      const { final, ...result } = await check();
      if (result.ok || final || options.now() > deadline) return result;
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
    async register(id, servers: readonly BackendServer[], healthPath) {
      await etcd.put(backendKey(id)).value(JSON.stringify({ servers, health: { path: healthPath } }));
    },
    async unregister(id) {
      await etcd.delete().key(backendKey(id));
    },
    async frontend(host): Promise<Frontend> {
      const found = await json<{ backend?: string }>(frontendKey(host));
      return { backend: found?.value.backend, revision: found?.revision ?? 0 };
    },
    async switchFrontend(host, backend, expected) {
      const key = frontendKey(host);
      const write = backend === undefined ? etcd.delete().key(key) : etcd.put(key).value(JSON.stringify({ backend }));
      const result = await etcd.if(key, 'Mod', '==', expected).then(write).commit();
      if (!result.succeeded) return undefined;
      return Number(result.header.revision);
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
