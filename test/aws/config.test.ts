// createCloud: options validated at once, naming what to set (nothing touches the network);
// then what its clients put on the wire, seen by a bare HTTP server on loopback: the
// User-Agent, the adaptive retry mode, maxAttempts; and a 5xx whose body is not AWS's.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCloud, type AwsOptions } from '../../src/aws/index.js';
import { isScalerdError, type ScalerdError } from '../../src/errors.js';
import { FAST, remoteFailure } from './helpers.js';

function configFailure(options: AwsOptions): ScalerdError {
  try {
    createCloud(options).destroy();
  } catch (error) {
    if (isScalerdError(error) && error.code === 'SCALERD_ERR_AWS_CONFIG') return error;
    throw error;
  }
  return expect.unreachable('createCloud accepted the options');
}

describe('createCloud options', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('needs a region: the option, AWS_REGION or AWS_DEFAULT_REGION', () => {
    vi.stubEnv('AWS_REGION', '');
    vi.stubEnv('AWS_DEFAULT_REGION', '');
    expect(configFailure({}).message).toBe('no AWS region: pass --aws-region or set AWS_REGION (or AWS_DEFAULT_REGION)');
    vi.stubEnv('AWS_DEFAULT_REGION', 'eu-central-1');
    expect(createCloud({}).region).toBe('eu-central-1');
    vi.stubEnv('AWS_REGION', 'us-gov-west-1');
    expect(createCloud({}).region).toBe('us-gov-west-1');
    expect(createCloud({ region: 'cn-north-1' }).region).toBe('cn-north-1');
  });

  it('refuses a region that is not a region name, saying where it came from', () => {
    expect(configFailure({ region: 'Ireland' }).message).toBe('AWS region "Ireland" (from the region option) is not a region name like eu-west-1: pass --aws-region or set AWS_REGION (or AWS_DEFAULT_REGION)');
    vi.stubEnv('AWS_REGION', 'eu west 1');
    expect(configFailure({}).message).toContain('(from AWS_REGION)');
  });

  it('refuses an endpoint that is not an http(s) URL, and never echoes one with credentials', () => {
    expect(configFailure({ region: 'eu-west-1', endpoint: 'localhost:4566' }).message).toMatch(/^AWS endpoint "localhost:4566" is not http or https: pass --aws-endpoint/);
    expect(configFailure({ region: 'eu-west-1', endpoint: 'not a url' }).message).toMatch(/^AWS endpoint "not a url" is not a URL: pass --aws-endpoint/);
    expect(configFailure({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:1/?x=1' }).message).toContain('must not have a query');
    const withSecret = configFailure({ region: 'eu-west-1', endpoint: 'https://AKIDEXAMPLE:s3cr3t@example.com' });
    expect(withSecret.message).toContain('must not carry a user name or password');
    expect(withSecret.message).not.toMatch(/AKIDEXAMPLE|s3cr3t/);
    expect(createCloud({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566' }).region).toBe('eu-west-1');
  });

  it('refuses half-given credentials without echoing them', () => {
    const error = configFailure({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: ' ' } });
    expect(error.message).toMatch(/^AWS credentials given without secretAccessKey: give both, or leave credentials out/);
    expect(error.message).not.toContain('AKIDEXAMPLE');
  });

  it('refuses numbers out of range', () => {
    expect(configFailure({ region: 'eu-west-1', maxAttempts: 0 }).message).toBe('AWS option maxAttempts must be a whole number from 1 to 20, not 0');
    expect(configFailure({ region: 'eu-west-1', maxAttempts: 2.5 }).message).toContain('maxAttempts');
    expect(configFailure({ region: 'eu-west-1', requestTimeoutMs: -1 }).message).toContain('requestTimeoutMs');
    expect(configFailure({ region: 'eu-west-1', retryDelayScale: 0 }).message).toBe('AWS option retryDelayScale must be above 0 and at most 10, not 0');
  });
});

describe('the clients on the wire', () => {
  const seen: IncomingHttpHeaders[] = [];
  let server: Server;
  let endpoint: string;
  beforeEach(async () => {
    seen.length = 0;
    server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => res.writeHead(503, { 'content-type': 'text/html' }).end('<html>upstream gone</html>'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('send scalerd/<version>, adaptive mode and maxAttempts; a bare 503 is retryable', async () => {
    const cloud = createCloud({ region: 'eu-west-1', endpoint, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, version: '1.2.3', maxAttempts: 3, ...FAST });
    try {
      const error = await remoteFailure(cloud.setDesiredCapacity('g', 2));
      expect(error.detail).toMatchObject({ operation: 'SetDesiredCapacity', status: 503, retryable: true });
      expect(error.message).not.toContain('secret');
    } finally {
      cloud.destroy();
    }
    expect(seen).toHaveLength(3);
    expect(seen.map((h) => h['amz-sdk-request'])).toEqual(['attempt=1; max=3', 'attempt=2; max=3', 'attempt=3; max=3']);
    const agent = `${seen[0]!['user-agent']} ${seen[0]!['x-amz-user-agent'] ?? ''}`;
    expect(agent).toContain('scalerd/1.2.3');
    // The SDK's feature letters: F is RETRY_MODE_ADAPTIVE.
    expect(agent).toMatch(/ m\/(?:[A-Za-z0-9]+,)*F(?:,| |$)/);
  });
});
