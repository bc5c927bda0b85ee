// lb-sync: serves the load-balancer intents kept in etcd (/scalerd/lb/) through haproxy.
// docs/deployer-lb.md describes the key layout and the config it renders.

export * from './layout.js';
export { desiredFrom, type Backend, type Desired, type Frontend, type Server, type Snapshot } from './desired.js';
export { renderConfig, type RenderOptions } from './render.js';
export { mapEntries, renderMap } from './routes.js';
export { createEtcdStore, type EtcdStoreOptions, type LbStore } from './store.js';
export { lbFiles } from './files.js';
export { LbSync, type LbSyncOptions } from './sync.js';
export { checkConfigDir, haproxyPath, parseBind, parseTls } from './options.js';
export { readCertificates, type TlsOptions } from './tls.js';
