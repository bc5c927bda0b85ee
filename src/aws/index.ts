// The AWS adapter: the Cloud port over the AWS SDK v3 (the Auto Scaling client, and the SDK's
// parts for EC2's DescribeInstances): the only place in the product that imports an AWS
// SDK; @aws-sdk/client-ec2 is for the tests only.
export { createCloud, type AwsCloud } from './cloud.js';
export type { AwsOptions, AwsCredentials } from './options.js';
export { AWS_OPERATIONS, type AwsOperation } from './failed-attempts.js';
