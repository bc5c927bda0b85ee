// The Kubernetes adapter: the Cluster port over @kubernetes/client-node 1.x. With src/aws,
// the only product code that imports an SDK.
export { type CreateClusterOptions, DEFAULT_BURST, DEFAULT_QPS, DEFAULT_REQUEST_TIMEOUT_MS, type KubeDeps, clusterOver, createCluster, createKubeDeps } from './cluster.js';
export { type KubeConfigEnvironment, KubeConfigError, type KubeConfigOptions, SERVICE_ACCOUNT_DIR, loadKubeConfig } from './config.js';
export { DEFAULT_RETRY, type RetryPolicy } from './call.js';
export { type Sleep, TokenBucket } from './rate-limiter.js';
// So the daemon and the CLI can hold a loaded configuration without importing client-node.
export type { KubeConfig } from '@kubernetes/client-node';
