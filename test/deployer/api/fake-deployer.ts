// An in-memory Deployer for the API's tests: it records what it was asked, keeps records and
// logs in maps, and lets a test write log lines and end deployments (followers see both).
// The engine behind the real one is tested in test/deployer/engine.

import { EventEmitter } from 'node:events';
import type { Descriptor } from '../../../src/deployer/descriptor/index.js';
import type { AppState } from '../../../src/deployer/service/apps.js';
import { type Deployer, DeployerError } from '../../../src/deployer/service/types.js';
import type { DeploymentRecord, DeploymentStatus, LogLine } from '../../../src/deployer/state/records.js';

export const T0 = Date.parse('2026-11-26T06:15:00Z');

export class FakeDeployer implements Deployer {
  readonly descriptors = new Map<string, Descriptor>();
  readonly records = new Map<string, DeploymentRecord>();
  readonly #logs = new Map<string, LogLine[]>();
  readonly #changes = new EventEmitter();
  readonly calls: string[] = [];
  /** Thrown by the next call that changes something, then cleared. */
  refuse: Error | undefined;
  /** Called with every deployment started: a test scripts its log and its end here. */
  onStart: (record: DeploymentRecord) => void = () => undefined;
  /** Follows under way. */
  followers = 0;
  #now = T0;
  #seq = 0;

  /** An instant that moves on by 1 s a call. */
  now(): number {
    this.#now += 1_000;
    return this.#now;
  }

  /** What serves: the newest successful deployment's version on its hostnames (an undeploy: nothing). */
  async apps(): Promise<AppState[]> {
    const all = [...this.records.values()];
    const keys = [...new Set(all.map((r) => `${r.namespace}/${r.app}`))].sort();
    return keys.map((key) => {
      const mine = all.filter((r) => `${r.namespace}/${r.app}` === key);
      const serving = mine.filter((r) => r.status === 'SUCCESS').at(-1);
      const version = serving && serving.kind !== 'undeploy' ? serving.version : null;
      const last = mine.at(-1)!;
      return {
        namespace: last.namespace, app: last.app,
        frontends: last.frontends.map((host) => ({ host, version })),
        versions: version === null ? [] : [{ version, inCluster: true, terminating: false, inLoadBalancer: true }],
        running: mine.find((r) => r.status === 'RUNNING')?.id ?? null,
        last: { id: last.id, kind: last.kind ?? 'deploy', version: last.version, status: last.status, phase: last.phase, reason: last.reason, updatedAt: last.updatedAt },
      };
    });
  }

  async deploy(descriptor: Descriptor): Promise<DeploymentRecord> {
    this.calls.push(`deploy ${descriptor.namespace}/${descriptor.appName} ${descriptor.version} ${descriptor.podSpec.containers.map((c) => c.image).join(',')}`);
    this.#refusal();
    const history = await this.list(descriptor.namespace, descriptor.appName);
    const busy = history.find((r) => r.status === 'RUNNING');
    if (busy) throw new DeployerError('conflict', `${descriptor.namespace}/${descriptor.appName} has a deployment under way: ${busy.id}`, { running: busy.id });
    const previous = history.filter((r) => r.status === 'SUCCESS').at(-1);
    const version = descriptor.version === 'auto' ? (previous?.version ?? 0) + 1 : descriptor.version;
    this.descriptors.set(key(descriptor.namespace, descriptor.appName), descriptor);
    return this.#start(descriptor.namespace, descriptor.appName, version, previous?.version, descriptor);
  }

  async rollback(namespace: string, app: string, admit?: (descriptor: Descriptor) => void): Promise<DeploymentRecord> {
    this.calls.push(`rollback ${namespace}/${app}`);
    this.#refusal();
    const done = (await this.list(namespace, app)).filter((r) => r.status === 'SUCCESS');
    const previous = done.at(-2);
    if (!previous) throw new DeployerError('not-found', `${namespace}/${app} has no earlier successful deployment to return to`);
    admit?.(previous.descriptor as Descriptor);
    return this.deploy({ ...(previous.descriptor as Descriptor), version: 'auto' });
  }

  async undeploy(namespace: string, app: string): Promise<DeploymentRecord> {
    this.calls.push(`undeploy ${namespace}/${app}`);
    this.#refusal();
    const last = (await this.list(namespace, app)).at(-1);
    if (!last) throw new DeployerError('not-found', `${namespace}/${app} is not deployed`);
    const record = this.#start(namespace, app, last.version, undefined, last.descriptor);
    return this.finish(record.id, 'SUCCESS');
  }

  async get(namespace: string, app: string, id: string): Promise<DeploymentRecord | undefined> {
    const record = this.records.get(id);
    return record?.namespace === namespace && record.app === app ? record : undefined;
  }

  async list(namespace?: string, app?: string): Promise<DeploymentRecord[]> {
    return [...this.records.values()].filter((r) => (namespace === undefined || r.namespace === namespace) && (app === undefined || r.app === app));
  }

  async logs(_namespace: string, _app: string, id: string): Promise<LogLine[]> {
    return [...(this.#logs.get(id) ?? [])];
  }

  async follow(namespace: string, app: string, id: string, onLine: (line: LogLine) => void, signal: AbortSignal): Promise<DeploymentRecord | undefined> {
    let seen = 0;
    const catchUp = (): void => {
      const lines = this.#logs.get(id) ?? [];
      for (const line of lines.slice(seen)) onLine(line);
      seen = lines.length;
    };
    this.followers += 1;
    try {
      for (;;) {
        catchUp();
        const record = await this.get(namespace, app, id);
        if (!record || record.status !== 'RUNNING' || signal.aborted) return record;
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            this.#changes.off(id, wake);
            signal.removeEventListener('abort', wake);
            resolve();
          };
          this.#changes.on(id, wake);
          signal.addEventListener('abort', wake, { once: true });
        });
      }
    } finally {
      this.followers -= 1;
    }
  }

  async putDescriptor(descriptor: Descriptor): Promise<void> {
    this.calls.push(`putDescriptor ${descriptor.namespace}/${descriptor.appName}`);
    this.#refusal();
    this.descriptors.set(key(descriptor.namespace, descriptor.appName), descriptor);
  }

  async getDescriptor(namespace: string, app: string): Promise<Descriptor | undefined> {
    return this.descriptors.get(key(namespace, app));
  }

  async listDescriptors(): Promise<Descriptor[]> {
    return [...this.descriptors.values()];
  }

  async deleteDescriptor(namespace: string, app: string): Promise<boolean> {
    this.#refusal();
    return this.descriptors.delete(key(namespace, app));
  }

  /** Appends a log line; followers get it. */
  write(id: string, message: string, level: LogLine['level'] = 'info'): void {
    this.#logs.set(id, [...(this.#logs.get(id) ?? []), { at: this.now(), level, message }]);
    this.#changes.emit(id);
  }

  /** Ends a deployment; followers get the record. */
  finish(id: string, status: Exclude<DeploymentStatus, 'RUNNING'>, reason?: string): DeploymentRecord {
    const record = this.records.get(id)!;
    const at = this.now();
    const done: DeploymentRecord = { ...record, status, phase: 'done', updatedAt: at, phases: [...record.phases, { phase: 'done', at }], ...(reason ? { reason } : {}) };
    this.records.set(id, done);
    this.#changes.emit(id);
    return done;
  }

  #start(namespace: string, app: string, version: number, previousVersion: number | undefined, descriptor: unknown): DeploymentRecord {
    const at = this.now();
    this.#seq += 1;
    const id = `20261126T0615${String(this.#seq).padStart(2, '0')}Z-${(0xa000 + this.#seq).toString(16)}`;
    const record: DeploymentRecord = {
      id, namespace, app, version, previousVersion, frontends: ['hello.example.com'], phase: 'accepted', status: 'RUNNING',
      switched: false, createdAt: at, updatedAt: at, phases: [{ phase: 'accepted', at }], descriptor,
    };
    this.records.set(id, record);
    this.onStart(record);
    return record;
  }

  #refusal(): void {
    const error = this.refuse;
    this.refuse = undefined;
    if (error) throw error;
  }
}

const key = (namespace: string, app: string): string => `${namespace}/${app}`;
