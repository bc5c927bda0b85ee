// The deployer's records, logs, descriptors and per-app lock in etcd (layout: records.ts).
// Only the holder of an app's lock writes its records, and with a fence (lock.ts) it can
// prove it: such a write is a transaction that compares the lock key's create revision and
// lease, so a holder that lost the lock writes nothing (LockLostError). An etcd that does
// not answer is EtcdUnavailableError (etcd-errors.ts): the engine waits and tries again.

import { type Etcd3, EtcdAuthenticationFailedError, EtcdInvalidAuthTokenError, EtcdPermissionDeniedError, Range } from 'etcd3';
import type { Fence } from '../engine/ports.js';
import { LockLostError } from '../engine/errors.js';
import { etcdCall } from './etcd-errors.js';
import { acquireLock, type LockOptions, type LockResult } from './lock.js';
import {
  DESCRIPTORS_PREFIX, type DeploymentRecord, type LogLine, ROOT, deploymentKey, deploymentsPrefix, descriptorKey, lockKey, logKey, logPrefix,
} from './records.js';

export type { HeldLock, LockResult } from './lock.js';

export type StoreOptions = {
  readonly lockTtlSeconds: number;
  readonly historyLimit: number;
  /** Between keep-alives that etcd did not answer (default: a real timer). */
  readonly wait?: LockOptions['wait'];
  readonly onLockTrouble?: LockOptions['onTrouble'];
};

const timer = (ms: number, signal: AbortSignal) => new Promise<void>((resolve, reject) => {
  if (signal.aborted) return reject(signal.reason);
  const t = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); }, { once: true });
});

/** A put of `key` that succeeds only while `fence` holds; LockLostError otherwise. */
export async function fencedPut(etcd: Etcd3, fence: Fence | undefined, key: string, value: string, operation: string): Promise<void> {
  if (!fence) {
    await etcdCall(operation, () => etcd.put(key).value(value).exec());
    return;
  }
  const result = await etcdCall(operation, () => etcd.if(fence.key, 'Create', '==', fence.createRevision).and(fence.key, 'Lease', '==', fence.lease).then(etcd.put(key).value(value)).commit());
  if (!result.succeeded) throw new LockLostError(fence.key, `${operation} refused: another deployer holds the lock, or its lease expired`);
}

export class DeployerStore {
  readonly #sequence = new Map<string, number>();

  constructor(private readonly etcd: Etcd3, private readonly options: StoreOptions) {}

  acquire(namespace: string, app: string, id: string): Promise<LockResult> {
    return acquireLock(this.etcd, lockKey(namespace, app), id, {
      ttlSeconds: this.options.lockTtlSeconds, wait: this.options.wait ?? timer, ...(this.options.onLockTrouble ? { onTrouble: this.options.onLockTrouble } : {}),
    });
  }

  /** The id of the deployment holding an app's lock, if any. */
  async lockHolder(namespace: string, app: string): Promise<string | undefined> {
    return (await etcdCall(`read the lock of ${namespace}/${app}`, () => this.etcd.get(lockKey(namespace, app)).string())) ?? undefined;
  }

  /** With a fence, only while the fence holds (LockLostError otherwise). */
  async save(record: DeploymentRecord, fence?: Fence): Promise<void> {
    await fencedPut(this.etcd, fence, deploymentKey(record.namespace, record.app, record.id), JSON.stringify(record), `save deployment ${record.id}`);
  }

  /** Saves a new record (fenced, as save) and drops the app's oldest beyond the history limit, logs included. */
  async create(record: DeploymentRecord, fence?: Fence): Promise<void> {
    await this.save(record, fence);
    const prefix = deploymentsPrefix(record.namespace, record.app);
    const ids = (await etcdCall(`list ${prefix}`, () => this.etcd.getAll().prefix(prefix).keys())).map((key) => key.slice(prefix.length)).sort();
    for (const old of ids.slice(0, Math.max(0, ids.length - this.options.historyLimit))) {
      await etcdCall(`prune deployment ${old}`, async () => {
        await this.etcd.delete().key(deploymentKey(record.namespace, record.app, old));
        await this.etcd.delete().prefix(logPrefix(record.namespace, record.app, old));
      });
    }
  }

  async get(namespace: string, app: string, id: string): Promise<DeploymentRecord | undefined> {
    const text = await etcdCall(`read deployment ${id}`, () => this.etcd.get(deploymentKey(namespace, app, id)).string());
    return text === null ? undefined : (JSON.parse(text) as DeploymentRecord);
  }

  /** Records under a prefix (all, a namespace's, an app's), oldest first. */
  async list(namespace?: string, app?: string): Promise<DeploymentRecord[]> {
    const all = await etcdCall(`list ${deploymentsPrefix(namespace, app)}`, () => this.etcd.getAll().prefix(deploymentsPrefix(namespace, app)).strings());
    return Object.entries(all).sort(([a], [b]) => a.localeCompare(b)).map(([, text]) => JSON.parse(text) as DeploymentRecord);
  }

  /** Appends one line: a key of its own, so a log is never rewritten. With a fence, as save. */
  async log(record: Pick<DeploymentRecord, 'namespace' | 'app' | 'id'>, line: LogLine, fence?: Fence): Promise<void> {
    const at = `${record.namespace}/${record.app}/${record.id}`;
    let seq = this.#sequence.get(at);
    if (seq === undefined) {
      // A resumed deployment continues its log after the lines already there.
      const keys = await etcdCall(`read the log of ${record.id}`, () => this.etcd.getAll().prefix(logPrefix(record.namespace, record.app, record.id)).keys());
      seq = keys.length;
    }
    await fencedPut(this.etcd, fence, logKey(record.namespace, record.app, record.id, seq), JSON.stringify(line), `log of ${record.id}`);
    // Counted once written: a line etcd did not take is written again under the same number.
    this.#sequence.set(at, seq + 1);
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
    const text = await etcdCall(`read the descriptor of ${namespace}/${app}`, () => this.etcd.get(descriptorKey(namespace, app)).string());
    return text === null ? undefined : JSON.parse(text);
  }

  async descriptors(): Promise<unknown[]> {
    const all = await etcdCall(`list ${DESCRIPTORS_PREFIX}`, () => this.etcd.getAll().prefix(DESCRIPTORS_PREFIX).strings());
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
