// The deployer's descriptor: loading and checking it, its defaults, and version resolution.
export { DESCRIPTOR_SCHEMA_URL, type DescriptorResult, checkDescriptorText, loadDescriptorFile } from './load.js';
export { type DeclaredPort, declaredPorts, trafficPort } from './ports.js';
export { newestVersion, resolveVersion } from './version.js';
export * from './types.js';
