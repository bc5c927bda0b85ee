// Every Kubernetes call the adapter makes, by the name the simulator's faults, the API
// server's audit log and scalerd_api_errors_total give it: "<verb> <resource>[/<subresource>]".
// A CallSite's operation is typed as one of these, so a call this list does not name does
// not compile, and the daemon can show each operation's failure count at 0 from its first
// scrape (a series that appears only with its first failure hides that failure from rate()).

/** Behind the Cluster, Lease, ConfigMap and Event ports: the calls of the daemon and the one-shot commands. */
export const CLUSTER_OPERATIONS = [
  'list nodes', 'get nodes', 'patch nodes', 'delete nodes',
  'list pods', 'get pods', 'delete pods', 'create pods/eviction',
  'list deployments', 'list statefulsets', 'list horizontalpodautoscalers', 'list poddisruptionbudgets',
  'patch deployments', 'patch statefulsets', 'patch deployments/scale', 'patch statefulsets/scale', 'patch horizontalpodautoscalers',
  'get leases', 'create leases', 'update leases',
  'get configmaps', 'list configmaps', 'watch configmaps', 'create configmaps', 'update configmaps',
  'create events', 'get events', 'patch events',
] as const;

/** Behind the DeployerCluster port (deployer.ts) and the SecretReader (secrets.ts). */
export const DEPLOYER_OPERATIONS = [
  'get deployments', 'create deployments', 'delete deployments', 'list deployments',
  'get services', 'create services', 'delete services', 'list services',
  'list pods', 'get secrets',
] as const;

export type KubeOperation = (typeof CLUSTER_OPERATIONS)[number] | (typeof DEPLOYER_OPERATIONS)[number];
