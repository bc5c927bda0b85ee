export * from './records.js';
export { DeployerStore, type HeldLock, type LockResult } from './etcd-store.js';
