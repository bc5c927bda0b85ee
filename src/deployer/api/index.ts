// The deployer's REST API (docs/deployer-api.md) and the client the CLI calls it with.
export { createDeployerApi, type DeployerApi, type DeployerApiOptions, type ListeningApi } from './api.js';
export { WEBHOOK_SECRET_HEADER, sameSecret } from './auth.js';
export { DEFAULT_MAX_BODY_BYTES } from './body.js';
export { ApiError } from './reply.js';
export { imageRepository, parsePushes, retag, type RegistryPush } from './webhook.js';
export { ApiCallError, DeployerClient, type ClientOptions, type DeploymentSummary, type FollowEvent, type RemoteError } from './client.js';
