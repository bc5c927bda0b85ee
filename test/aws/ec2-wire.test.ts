// scalerd's EC2 client against @aws-sdk/client-ec2 (kept as a devDependency for this), on one
// capture server: the same DescribeInstances call from both, with the same credentials, clock
// and invocation id, must put the same bytes on the wire and carry the same SigV4 signature;
// the same answers must read the same.

import { readFileSync } from 'node:fs';
import { DescribeInstancesCommand, EC2Client, type DescribeInstancesCommandInput, type DescribeInstancesCommandOutput } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClients, type Clients } from '../../src/aws/clients.js';
import type { DescribeInstancesInput, DescribeInstancesOutput } from '../../src/aws/ec2-client.js';
import { toRemoteError } from '../../src/aws/errors.js';
import { resolveOptions } from '../../src/aws/options.js';
import { CREDENTIALS, errorXml, useCapture, type Seen } from './capture.js';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const INVOCATION_ID = '3f1c1d2e-8a7b-4c6d-9e0f-a1b2c3d4e5f6';
const REAL_SHAPED = readFileSync(new URL('./fixtures/describe-instances.xml', import.meta.url), 'utf8');

describe('DescribeInstances on the wire, scalerd vs @aws-sdk/client-ec2', () => {
  const capture = useCapture();
  let ours: Clients;
  let sdk: EC2Client;
  beforeEach(() => {
    // Only Date is faked: sockets and timers run as usual.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    // Both take the amz-sdk-invocation-id header from crypto.randomUUID.
    vi.spyOn(globalThis.crypto, 'randomUUID').mockReturnValue(INVOCATION_ID);
    ours = createClients(resolveOptions({ region: 'eu-west-1', endpoint: capture.endpoint, credentials: CREDENTIALS, version: '1.2.3', maxAttempts: 3 }));
    sdk = new EC2Client({
      region: 'eu-west-1',
      endpoint: capture.endpoint,
      credentials: CREDENTIALS,
      maxAttempts: 3,
      customUserAgent: [['scalerd', '1.2.3']],
      // x-amz-user-agent is signed and names the SDK's version: take the version scalerd's
      // client takes (the Auto Scaling client's), so that a client-ec2 of another release
      // does not change the signature.
      defaultUserAgentProvider: ours.autoscaling.config.defaultUserAgentProvider,
    });
  });
  afterEach(() => {
    ours.autoscaling.destroy();
    ours.ec2.destroy();
    sdk.destroy();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** The request each client sends for `input`, and what each made of the same answer. */
  async function both(input: DescribeInstancesInput) {
    const sdkOut = await sdk.send(new DescribeInstancesCommand(structuredClone(input) as DescribeInstancesCommandInput));
    const ourOut = await ours.ec2.describeInstances(input);
    expect(capture.seen).toHaveLength(2);
    const [fromSdk, fromUs] = capture.seen as [Seen, Seen];
    return { fromSdk, fromUs, sdkOut, ourOut };
  }

  it.each<[string, DescribeInstancesInput, Record<string, string>]>([
    [
      'the instance-id filter with paging (describeGroups)',
      { Filters: [{ Name: 'instance-id', Values: ['i-0598c7d356eba48d7', 'i-0b22a22eec53b9321'] }], MaxResults: 1000, NextToken: 'eyJ2IjoiMiJ9+/=' },
      {
        Action: 'DescribeInstances',
        Version: '2016-11-15',
        'Filter.1.Name': 'instance-id',
        'Filter.1.Value.1': 'i-0598c7d356eba48d7',
        'Filter.1.Value.2': 'i-0b22a22eec53b9321',
        NextToken: 'eyJ2IjoiMiJ9+/=',
        MaxResults: '1000',
      },
    ],
    ['instance ids (terminateInstance)', { InstanceIds: ['i-0598c7d356eba48d7'] }, { Action: 'DescribeInstances', Version: '2016-11-15', 'InstanceId.1': 'i-0598c7d356eba48d7' }],
    [
      'instance ids with a NextToken',
      { InstanceIds: ['i-0598c7d356eba48d7', 'i-0c33b33ffd64c0432'], NextToken: 'tok en' },
      { Action: 'DescribeInstances', Version: '2016-11-15', 'InstanceId.1': 'i-0598c7d356eba48d7', 'InstanceId.2': 'i-0c33b33ffd64c0432', NextToken: 'tok en' },
    ],
  ])('%s: the same form, headers and signature', async (_, input, form) => {
    const { fromSdk, fromUs } = await both(input);
    expect(Object.fromEntries(new URLSearchParams(fromUs.body))).toEqual(form);
    // Byte for byte: parameter order and percent-encoding included.
    expect(fromUs.body).toBe(fromSdk.body);
    expect([fromUs.method, fromUs.path]).toEqual([fromSdk.method, fromSdk.path]);

    const sdkAuth = authorization(fromSdk);
    const ourAuth = authorization(fromUs);
    expect(sdkAuth.credential).toBe('AKIDEXAMPLE/20260302/eu-west-1/ec2/aws4_request');
    expect(ourAuth.signedHeaders).toEqual(sdkAuth.signedHeaders);
    expect(ourAuth.signedHeaders).toEqual(['amz-sdk-invocation-id', 'amz-sdk-request', 'content-length', 'content-type', 'host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-user-agent']);
    for (const name of sdkAuth.signedHeaders) expect([name, fromUs.headers[name]]).toEqual([name, fromSdk.headers[name]]);
    expect(ourAuth).toEqual(sdkAuth);
    expect(fromUs.headers['x-amz-date']).toBe('20260302T090000Z');
  });

  it('reads a real-shaped answer as the SDK does: every field scalerd uses, and the next token', async () => {
    capture.answers = [{ status: 200, body: REAL_SHAPED, headers: { 'x-amzn-requestid': '8f7724cf-496f-496e-8fe3-4c5e6a2f1d07' } }];
    const { sdkOut, ourOut } = await both({ Filters: [{ Name: 'instance-id', Values: ['i-0598c7d356eba48d7'] }], MaxResults: 1000 });
    expect(used(ourOut)).toEqual(used(sdkOut));
    expect(ourOut.NextToken).toBe('eyJ2IjoiMiIsImMiOiJ3UkF0bGt3bSsvPSJ9');
    expect(ourOut.Reservations.map((r) => r.Instances.length)).toEqual([2, 1]);
    expect(ourOut.Reservations[1]!.Instances[0]).toEqual({ InstanceId: 'i-0c33b33ffd64c0432', PrivateDnsName: '', LaunchTime: new Date('2026-03-01T22:15:42.000Z'), State: { Name: 'terminated' } });
    expect(ourOut.$metadata).toEqual({ httpStatusCode: 200, requestId: sdkOut.$metadata.requestId, attempts: 1 });
  });

  it('reads an error answer as the SDK does, and errors.ts classifies both alike', async () => {
    capture.answers = [{ status: 400, body: errorXml('InvalidInstanceID.NotFound', "The instance ID 'i-0123456789abcdef0' does not exist") }];
    const sdkError = await sdk.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })).catch((e: unknown) => e as Record<string, unknown>);
    const ourError = await ours.ec2.describeInstances({ InstanceIds: ['i-0123456789abcdef0'] }).catch((e: unknown) => e as Record<string, unknown>);
    for (const e of [sdkError, ourError]) {
      expect(e).toMatchObject({ name: 'InvalidInstanceID.NotFound', Code: 'InvalidInstanceID.NotFound', message: "The instance ID 'i-0123456789abcdef0' does not exist" });
      expect(e.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1 });
    }
    // Not retried by either: one request each.
    expect(capture.seen).toHaveLength(2);
    const detail = (e: unknown) => toRemoteError('DescribeInstances', 'look up instance i-0123456789abcdef0 in EC2', e).detail;
    expect(detail(ourError)).toEqual(detail(sdkError));
    expect(detail(ourError)).toEqual({ operation: 'DescribeInstances', status: 400, reason: 'InvalidInstanceID.NotFound', retryable: false });
    // The SDK reads the request id from headers only; EC2's error document carries it too.
    expect((ourError.$metadata as { requestId?: string }).requestId).toBe('ea966190-f9aa-478e-9ede-cb5432daacc0');
  });
});

type Authorization = { credential: string; signedHeaders: string[]; signature: string };

function authorization(seen: Seen): Authorization {
  const match = /^AWS4-HMAC-SHA256 Credential=(\S+), SignedHeaders=(\S+), Signature=([0-9a-f]{64})$/.exec(seen.headers.authorization ?? '');
  if (!match) return expect.unreachable(`not a SigV4 Authorization header: ${seen.headers.authorization}`);
  return { credential: match[1]!, signedHeaders: match[2]!.split(';'), signature: match[3]! };
}

/** The fields describe.ts and terminate.ts read, from either client's output. */
function used(out: DescribeInstancesCommandOutput | DescribeInstancesOutput) {
  return {
    NextToken: out.NextToken,
    Reservations: (out.Reservations ?? []).map((r) =>
      (r.Instances ?? []).map((i) => ({ InstanceId: i.InstanceId, PrivateDnsName: i.PrivateDnsName, LaunchTime: i.LaunchTime, State: i.State?.Name })),
    ),
  };
}
