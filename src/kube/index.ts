// The Kubernetes adapter: the Cluster port over the API server's REST interface, through a
// small client of its own (rest.ts): the generated clients of @kubernetes/client-node cost
// some 70 MB of memory for the dozen endpoints scalerd calls. With src/aws, the only
// product code that talks to the Kubernetes and AWS APIs (the deployer also talks to etcd,
// haproxy's sockets and its apps' health endpoints, in src/deployer).
export { type CreateClusterOptions, DEFAULT_BURST, DEFAULT_QPS, DEFAULT_REQUEST_TIMEOUT_MS, type KubeDeps, clusterOver, createCluster, createKubeDeps } from './cluster.js';
export { type KubeConfigEnvironment, KubeConfigError, type KubeConfigOptions, SERVICE_ACCOUNT_DIR, loadKubeConfig } from './config.js';
export type { KubeCluster, KubeTarget, KubeUser } from './target.js';
export { DEFAULT_RETRY, type RetryPolicy } from './call.js';
export { CLUSTER_OPERATIONS, DEPLOYER_OPERATIONS, type KubeOperation } from './operations.js';
export { type Sleep, TokenBucket } from './rate-limiter.js';
export { type DeployerDeps, createDeployerCluster } from './deployer.js';
export { createSecretReader } from './secrets.js';
