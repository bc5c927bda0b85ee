// What createCloud accepts, and its eager validation: a bad option fails at start-up with
// SCALERD_ERR_AWS_CONFIG naming the flag or variable to fix, never at the first API call.
// Nothing here touches the network; credentials from the SDK's chain resolve at the first call.

import { readFileSync } from 'node:fs';
import { ScalerdError } from '../errors.js';
import type { ApiCallObserver } from '../ports/api-errors.js';

/** Static credentials, or a function that returns them (refreshed when `expiration` nears). */
export type AwsCredentials =
  | { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }
  | (() => Promise<{ readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string; readonly expiration?: Date }>);

export type AwsOptions = {
  /** e.g. "eu-west-1". Default: AWS_REGION, then AWS_DEFAULT_REGION; one of the three is required. */
  readonly region?: string;
  /** An http(s) URL for both Auto Scaling and EC2 (the simulator, a VPC endpoint). Default: AWS's, per service. */
  readonly endpoint?: string;
  /**
   * Default: the SDK's standard chain — environment, shared config and credentials files,
   * web identity (IRSA), container credentials (EKS Pod Identity, ECS), then IMDS.
   */
  readonly credentials?: AwsCredentials;
  /** Attempts per API call, the first included (default 5), in the SDK's adaptive retry mode. */
  readonly maxAttempts?: number;
  /** Longest a single attempt may take, connection included, before it fails as a timeout (default 30 000). */
  readonly requestTimeoutMs?: number;
  /**
   * Multiplies every wait of the retry machinery: the jittered backoff (SDK: 50 ms × 2ⁿ,
   * 1 s × 2ⁿ when throttled, at most 20 s) and the adaptive rate limiter's slowest pace
   * (0.5 requests/s). Default 1; tests make it small so that nothing sleeps for long.
   */
  readonly retryDelayScale?: number;
  /** scalerd's version, sent as `scalerd/<version>` in the User-Agent. Default: package.json's. */
  readonly version?: string;
  /** Told of every failed attempt, retried or not (the daemon counts them); default: nobody. */
  readonly onApiCall?: ApiCallObserver;
};

export type ResolvedOptions = {
  readonly region: string;
  readonly endpoint: string | undefined;
  readonly credentials: AwsCredentials | undefined;
  readonly maxAttempts: number;
  readonly requestTimeoutMs: number;
  readonly retryDelayScale: number;
  readonly version: string;
  readonly onApiCall: ApiCallObserver | undefined;
};

export const DEFAULTS = { maxAttempts: 5, requestTimeoutMs: 30_000, retryDelayScale: 1 } as const;

/** The flag and variables the messages point at; the CLI's flags must carry these names. */
const REGION_HINT = 'pass --aws-region or set AWS_REGION (or AWS_DEFAULT_REGION)';
const ENDPOINT_HINT = 'pass --aws-endpoint an http(s) URL such as https://autoscaling.eu-west-1.amazonaws.com, or leave it out';

/** Checks everything it can without a network call; throws ScalerdError SCALERD_ERR_AWS_CONFIG. */
export function resolveOptions(options: AwsOptions, env: NodeJS.ProcessEnv = process.env): ResolvedOptions {
  return {
    region: regionOf(options.region, env),
    endpoint: options.endpoint === undefined ? undefined : endpointOf(options.endpoint),
    credentials: credentialsOf(options.credentials),
    maxAttempts: integerOf('maxAttempts', options.maxAttempts ?? DEFAULTS.maxAttempts, 1, 20),
    requestTimeoutMs: integerOf('requestTimeoutMs', options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs, 1, 600_000),
    retryDelayScale: scaleOf(options.retryDelayScale ?? DEFAULTS.retryDelayScale),
    version: options.version ?? packageVersion(),
    onApiCall: options.onApiCall,
  };
}

function configError(message: string): ScalerdError {
  return new ScalerdError('SCALERD_ERR_AWS_CONFIG', message);
}

function regionOf(given: string | undefined, env: NodeJS.ProcessEnv): string {
  const [source, region] =
    given !== undefined ? ['the region option', given]
    : env.AWS_REGION ? ['AWS_REGION', env.AWS_REGION]
    : env.AWS_DEFAULT_REGION ? ['AWS_DEFAULT_REGION', env.AWS_DEFAULT_REGION]
    : [undefined, undefined];
  if (source === undefined || region === undefined) throw configError(`no AWS region: ${REGION_HINT}`);
  // Lower-case words and a number: eu-west-1, us-gov-west-1, cn-north-1, il-central-1.
  if (!/^[a-z]{2,}(-[a-z0-9]+)+$/.test(region)) throw configError(`AWS region ${JSON.stringify(region)} (from ${source}) is not a region name like eu-west-1: ${REGION_HINT}`);
  return region;
}

function endpointOf(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw configError(`AWS endpoint ${JSON.stringify(endpoint)} is not a URL: ${ENDPOINT_HINT}`);
  }
  // Never echo a URL that carries credentials.
  if (url.username !== '' || url.password !== '') throw configError(`the AWS endpoint must not carry a user name or password: ${ENDPOINT_HINT}`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw configError(`AWS endpoint ${JSON.stringify(endpoint)} is not http or https: ${ENDPOINT_HINT}`);
  if (url.search !== '' || url.hash !== '') throw configError(`AWS endpoint ${JSON.stringify(endpoint)} must not have a query or fragment: ${ENDPOINT_HINT}`);
  return endpoint;
}

function credentialsOf(credentials: AwsCredentials | undefined): AwsCredentials | undefined {
  if (credentials === undefined || typeof credentials === 'function') return credentials;
  // The values themselves never appear in a message.
  const blank = (['accessKeyId', 'secretAccessKey'] as const).filter((k) => typeof credentials[k] !== 'string' || credentials[k].trim() === '');
  if (blank.length > 0) throw configError(`AWS credentials given without ${blank.join(' and ')}: give both, or leave credentials out to use the standard chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, IRSA, Pod Identity, IMDS)`);
  return credentials;
}

function integerOf(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw configError(`AWS option ${name} must be a whole number from ${min} to ${max}, not ${value}`);
  return value;
}

function scaleOf(value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > 10) throw configError(`AWS option retryDelayScale must be above 0 and at most 10, not ${value}`);
  return value;
}

function packageVersion(): string {
  // src/aws/ and dist/aws/ are both two levels below the package root.
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
