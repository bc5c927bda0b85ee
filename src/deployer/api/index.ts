// The deployer's REST API (docs/deployer-api.md) and the client the CLI calls it with.
export { createDeployerApi, type DeployerApi, type DeployerApiOptions, type ListeningApi } from './api.js';
export { WEBHOOK_SECRET_HEADER, WEBHOOK_SIGNATURE_HEADER, sameSecret } from './auth.js';
export { DEFAULT_MAX_BODY_BYTES } from './body.js';
export { ApiError } from './reply.js';
export { imageRepository, parsePushes, retag, runsPushes, type RegistryPush } from './registry-push.js';
export { ApiCallError, DeployerClient, type ClientOptions, type DeploymentSummary, type FollowEvent, type RemoteError } from './client.js';
