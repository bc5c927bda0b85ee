// The AWS adapter: the Cloud port over the AWS SDK v3 (Auto Scaling and EC2). With src/kube,
// the only place in the product that imports an AWS SDK.
export { createCloud, type AwsCloud } from './cloud.js';
export type { AwsOptions, AwsCredentials } from './options.js';
