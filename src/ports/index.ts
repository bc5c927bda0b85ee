// The ports: what the functional core needs from the world, as interfaces and data.
export type * from './observation.js';
export { parseProviderId } from './observation.js';
export type * from './cloud.js';
export type * from './cluster.js';
