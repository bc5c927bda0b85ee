// The deployer's records, logs, descriptors and per-app lock in etcd (layout: records.ts).
// Writes of a record are plain puts: only the holder of the app's lock writes its records.
// The lock is a key on a lease (as etcd3's Lock) whose value is the running deployment's
// id, so a second deploy learns whom it waits for; a deployer that dies loses its lease
// after `lockTtlSeconds`, and the lock with it.

import { type Etcd3, EtcdAuthenticationFailedError, EtcdInvalidAuthTokenError, EtcdPermissionDeniedError, type Lease, Range } from 'etcd3';
import {
  DESCRIPTORS_PREFIX, type DeploymentRecord, type LogLine, ROOT, deploymentKey, deploymentsPrefix, descriptorKey, lockKey, logKey, logPrefix,
} from './records.js';

export type LockResult = { readonly ok: true; readonly lock: HeldLock } | { readonly ok: false; readonly holder: string };

export type HeldLock = {
  /** Aborts when the lease is lost (etcd unreachable for longer than the TTL). */
  readonly lost: AbortSignal;
  release(): Promise<void>;
};

export class DeployerStore {
  readonly #sequence = new Map<string, number>();

  constructor(private readonly etcd: Etcd3, private readonly options: { lockTtlSeconds: number; historyLimit: number }) {}

  async acquire(namespace: string, app: string, id: string): Promise<LockResult> {
    const key = lockKey(namespace, app);
    const lease: Lease = this.etcd.lease(this.options.lockTtlSeconds, { autoKeepAlive: true });
    const lost = new AbortController();
    lease.on('lost', (error) => lost.abort(error));
    try {
      const leaseId = await lease.grant();
      const result = await this.etcd.if(key, 'Create', '==', 0).then(this.etcd.put(key).value(id).lease(leaseId)).else(this.etcd.get(key)).commit();
      if (result.succeeded) return { ok: true, lock: { lost: lost.signal, release: () => lease.revoke().then(() => undefined) } };
      const holder = result.responses[0]?.response_range?.kvs[0]?.value.toString() ?? '';
      await lease.revoke();
      return { ok: false, holder };
    } catch (error) {
      await lease.revoke().catch(() => undefined);
      throw error;
    }
  }

  /** The id of the deployment holding an app's lock, if any. */
  async lockHolder(namespace: string, app: string): Promise<string | undefined> {
    return (await this.etcd.get(lockKey(namespace, app)).string()) ?? undefined;
  }

  async save(record: DeploymentRecord): Promise<void> {
    await this.etcd.put(deploymentKey(record.namespace, record.app, record.id)).value(JSON.stringify(record));
  }

  /** Saves a new record and drops the app's oldest beyond the history limit, logs included. */
  async create(record: DeploymentRecord): Promise<void> {
    await this.save(record);
    const prefix = deploymentsPrefix(record.namespace, record.app);
    const ids = (await this.etcd.getAll().prefix(prefix).keys()).map((key) => key.slice(prefix.length)).sort();
    for (const old of ids.slice(0, Math.max(0, ids.length - this.options.historyLimit))) {
      await this.etcd.delete().key(deploymentKey(record.namespace, record.app, old));
      await this.etcd.delete().prefix(logPrefix(record.namespace, record.app, old));
    }
  }

  async get(namespace: string, app: string, id: string): Promise<DeploymentRecord | undefined> {
    const text = await this.etcd.get(deploymentKey(namespace, app, id)).string();
    return text === null ? undefined : (JSON.parse(text) as DeploymentRecord);
  }

  /** Records under a prefix (all, a namespace's, an app's), oldest first. */
  async list(namespace?: string, app?: string): Promise<DeploymentRecord[]> {
    const all = await this.etcd.getAll().prefix(deploymentsPrefix(namespace, app)).strings();
    return Object.entries(all).sort(([a], [b]) => a.localeCompare(b)).map(([, text]) => JSON.parse(text) as DeploymentRecord);
  }

  /** Appends one line: a key of its own, so a log is never rewritten. */
  async log(record: Pick<DeploymentRecord, 'namespace' | 'app' | 'id'>, line: LogLine): Promise<void> {
    const at = `${record.namespace}/${record.app}/${record.id}`;
    let seq = this.#sequence.get(at);
    if (seq === undefined) {
      // A resumed deployment continues its log after the lines already there.
      const keys = await this.etcd.getAll().prefix(logPrefix(record.namespace, record.app, record.id)).keys();
      seq = keys.length;
    }
    this.#sequence.set(at, seq + 1);
    await this.etcd.put(logKey(record.namespace, record.app, record.id, seq)).value(JSON.stringify(line));
  }

  /** The log from line `from` (0: all), so a follower reads only what is new. */
  async logs(namespace: string, app: string, id: string, from = 0): Promise<LogLine[]> {
    const range = new Range(logKey(namespace, app, id, from), Range.prefix(logPrefix(namespace, app, id)).end);
    const all = await this.etcd.getAll().inRange(range).strings();
    return Object.entries(all).sort(([a], [b]) => a.localeCompare(b)).map(([, text]) => JSON.parse(text) as LogLine);
  }

  async saveDescriptor(namespace: string, app: string, descriptor: unknown): Promise<void> {
    await this.etcd.put(descriptorKey(namespace, app)).value(JSON.stringify(descriptor));
  }

  async descriptor(namespace: string, app: string): Promise<unknown> {
    const text = await this.etcd.get(descriptorKey(namespace, app)).string();
    return text === null ? undefined : JSON.parse(text);
  }

  async descriptors(): Promise<unknown[]> {
    const all = await this.etcd.getAll().prefix(DESCRIPTORS_PREFIX).strings();
    return Object.entries(all).sort(([a], [b]) => a.localeCompare(b)).map(([, text]) => JSON.parse(text));
  }

  /** False when there was none. */
  async deleteDescriptor(namespace: string, app: string): Promise<boolean> {
    const result = await this.etcd.delete().key(descriptorKey(namespace, app)).exec();
    return Number(result.deleted) > 0;
  }

  /**
   * Whether etcd answers with a leader within `timeoutMs` and lets the deployer read its
   * prefix; when not, why, and whether etcd refused it (credentials, permissions) rather
   * than could not be reached.
   */
  async reachable(timeoutMs: number): Promise<{ ok: true } | { ok: false; refused: boolean; reason: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ ok: false; refused: false; reason: string }>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, refused: false, reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
    });
    const probe = async (): Promise<{ ok: true } | { ok: false; refused: boolean; reason: string }> => {
      const status = await this.etcd.maintenance.status();
      if (!status.leader || status.leader === '0') return { ok: false, refused: false, reason: 'etcd has no leader' };
      // Read access to its own prefix: a role without it fails here, before anything is written.
      await this.etcd.getAll().prefix(`${ROOT}/`).limit(1).keys();
      return { ok: true };
    };
    try {
      return await Promise.race([probe(), timeout]);
    } catch (error) {
      const refused = error instanceof EtcdAuthenticationFailedError || error instanceof EtcdPermissionDeniedError || error instanceof EtcdInvalidAuthTokenError;
      return { ok: false, refused, reason: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }
}
