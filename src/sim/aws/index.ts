// The simulated AWS side: the model the rest of the simulator drives, and its query API.

export { AwsModel, type AwsModelOptions, type GroupUpdate, type TemplateUpdate } from './model.js';
export { createAwsHandler, type AwsHandler, type AwsHandlerOptions } from './query-api.js';
export { SERVICE_CLIENT } from './fleet.js';
export type { AwsFault, Result } from './errors.js';
export type { AwsCredentials } from './auth.js';
export type { ActivitySnapshot, GroupSnapshot, InstanceSnapshot, LifecycleState, ScalingProcess } from './records.js';
export { SCALING_PROCESSES } from './records.js';
export * from './types.js';
