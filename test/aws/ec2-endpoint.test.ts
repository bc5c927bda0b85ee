// Where scalerd's EC2 client sends its requests: client-ec2's own endpoint rules for every
// partition, FIPS and dual-stack (compared with client-ec2's resolver), the endpoint option,
// and endpoints configured outside scalerd, as the SDK clients honour them.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { ec2Endpoint } from '../../src/aws/ec2-endpoint.js';
import { resolveOptions, type AwsOptions } from '../../src/aws/options.js';
import { CREDENTIALS } from './capture.js';

/** What the EC2 client of createClients resolves, for these options and the environment the test sets. */
async function ours(options: AwsOptions & { useFipsEndpoint?: boolean; useDualstackEndpoint?: boolean }): Promise<string> {
  const { useFipsEndpoint, useDualstackEndpoint, ...rest } = options;
  const clients = createClients(resolveOptions({ credentials: CREDENTIALS, ...rest }));
  // The endpoint flags have no scalerd option; the SDK reads them from the environment.
  if (useFipsEndpoint !== undefined) clients.autoscaling.config.useFipsEndpoint = async () => useFipsEndpoint;
  if (useDualstackEndpoint !== undefined) clients.autoscaling.config.useDualstackEndpoint = async () => useDualstackEndpoint;
  try {
    return (await ec2Endpoint(clients.autoscaling.config)).href;
  } finally {
    clients.autoscaling.destroy();
    clients.ec2.destroy();
  }
}

/** client-ec2's endpoint rules for the same parameters (its config.endpointProvider). */
function sdks(region: string, fips: boolean, dualStack: boolean): string {
  const client = new EC2Client({ region, credentials: CREDENTIALS });
  try {
    return client.config.endpointProvider({ Region: region, UseFIPS: fips, UseDualStack: dualStack }).url.href;
  } finally {
    client.destroy();
  }
}

const outcome = async (resolve: () => Promise<string> | string): Promise<string> => {
  try {
    return await resolve();
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
};

describe('the EC2 endpoint', () => {
  beforeEach(() => {
    // Nothing from the machine running the tests: no endpoint variables, no shared config.
    for (const name of ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_EC2', 'AWS_ENDPOINT_URL_AUTO_SCALING', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT', 'AWS_PROFILE']) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/scalerd-test/config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/scalerd-test/credentials');
  });
  afterEach(() => vi.unstubAllEnvs());

  const regions = ['eu-west-1', 'us-east-1', 'cn-north-1', 'cn-northwest-1', 'us-gov-west-1', 'us-iso-east-1', 'us-isob-east-1', 'eu-isoe-west-1', 'us-isof-south-1', 'eusc-de-east-1', 'xx-future-1'];
  const flags = [[false, false], [true, false], [false, true], [true, true]] as const;

  it.each(regions)('is client-ec2\'s in %s, with and without FIPS and dual-stack', async (region) => {
    for (const [fips, dualStack] of flags) {
      const expected = await outcome(() => sdks(region, fips, dualStack));
      expect([fips, dualStack, await outcome(() => ours({ region, useFipsEndpoint: fips, useDualstackEndpoint: dualStack }))]).toEqual([fips, dualStack, expected]);
    }
  });

  it('is AWS\'s regional endpoint by default, the .cn one in China', async () => {
    expect(await ours({ region: 'eu-west-1' })).toBe('https://ec2.eu-west-1.amazonaws.com/');
    expect(await ours({ region: 'cn-north-1' })).toBe('https://ec2.cn-north-1.amazonaws.com.cn/');
  });

  it('takes AWS_USE_FIPS_ENDPOINT and AWS_USE_DUALSTACK_ENDPOINT as the SDK clients do', async () => {
    vi.stubEnv('AWS_USE_FIPS_ENDPOINT', 'true');
    expect(await ours({ region: 'us-east-1' })).toBe('https://ec2-fips.us-east-1.amazonaws.com/');
    vi.stubEnv('AWS_USE_DUALSTACK_ENDPOINT', 'true');
    expect(await ours({ region: 'us-east-1' })).toBe('https://ec2-fips.us-east-1.api.aws/');
    expect(await ours({ region: 'us-gov-west-1' })).toBe('https://ec2-fips.us-gov-west-1.api.aws/');
    // Refused as client-ec2 (and the Auto Scaling client) refuse it.
    expect(await outcome(() => ours({ region: 'us-east-1', endpoint: 'http://127.0.0.1:4566' }))).toBe('error: Invalid Configuration: FIPS and custom endpoint are not supported');
  });

  it('is the endpoint option when given, whatever the environment says', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_EC2', 'http://ec2.example:4566');
    expect(await ours({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566' })).toBe('http://127.0.0.1:4566/');
  });

  it('honours AWS_ENDPOINT_URL_EC2, then AWS_ENDPOINT_URL, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_AUTO_SCALING', 'http://autoscaling.example:4566');
    expect(await ours({ region: 'eu-west-1' })).toBe('https://ec2.eu-west-1.amazonaws.com/');
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://all.example:4566');
    expect(await ours({ region: 'eu-west-1' })).toBe('http://all.example:4566/');
    vi.stubEnv('AWS_ENDPOINT_URL_EC2', 'http://ec2.example:4566/base');
    expect(await ours({ region: 'eu-west-1' })).toBe('http://ec2.example:4566/base');
    vi.stubEnv('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'true');
    expect(await ours({ region: 'eu-west-1' })).toBe('https://ec2.eu-west-1.amazonaws.com/');
  });

  it('honours the shared config file\'s services section for ec2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scalerd-ec2-endpoint-'));
    const file = join(dir, 'config');
    writeFileSync(file, '[default]\nservices = local\n\n[services local]\nec2 =\n  endpoint_url = http://from-config.example:4566\n');
    vi.stubEnv('AWS_CONFIG_FILE', file);
    expect(await ours({ region: 'eu-west-1' })).toBe('http://from-config.example:4566/');
  });
});
