// scalerd's EC2 client under failure, on a capture server: the SDK's retry semantics through
// the strategy clients.ts builds (attempt headers, one invocation id, maxAttempts, what is
// not retried), clock-skew correction, and the errors errors.ts reads.

import { afterEach, describe, expect, it } from 'vitest';
import { createClients, type Clients } from '../../src/aws/clients.js';
import { classify } from '../../src/aws/errors.js';
import { resolveOptions, type AwsOptions } from '../../src/aws/options.js';
import { CREDENTIALS, describeInstancesXml, errorXml, useCapture } from './capture.js';
import { FAST } from './helpers.js';

const INPUT = { InstanceIds: ['i-0598c7d356eba48d7'] };

describe('the EC2 client', () => {
  const capture = useCapture();
  let clients: Clients | undefined;
  afterEach(() => {
    clients?.autoscaling.destroy();
    clients?.ec2.destroy();
    clients = undefined;
  });
  const ec2 = (options: Partial<AwsOptions> = {}) => {
    clients = createClients(resolveOptions({ region: 'eu-west-1', endpoint: capture.endpoint, credentials: CREDENTIALS, version: '1.2.3', maxAttempts: 3, ...FAST, ...options }));
    return clients.ec2;
  };
  const failure = (call: Promise<unknown>) => call.then(() => expect.unreachable('the call succeeded'), (e: unknown) => e as Error & { $metadata: Record<string, unknown> });

  it('retries throttling as the SDK does: attempt headers, one invocation id, then success', async () => {
    capture.answers = [
      { status: 503, body: errorXml('RequestLimitExceeded', 'Request limit exceeded.') },
      { status: 503, body: errorXml('RequestLimitExceeded', 'Request limit exceeded.') },
      { status: 200, body: describeInstancesXml([{ id: 'i-0598c7d356eba48d7', dns: 'ip-10-0-1-17', state: 'running', launched: '2026-03-02T08:41:07.000Z' }]) },
    ];
    const out = await ec2().describeInstances(INPUT);
    expect(out.Reservations[0]!.Instances[0]!.PrivateDnsName).toBe('ip-10-0-1-17');
    expect(out.$metadata.attempts).toBe(3);
    expect(capture.seen.map((s) => s.headers['amz-sdk-request'])).toEqual(['attempt=1; max=3', 'attempt=2; max=3', 'attempt=3; max=3']);
    expect(new Set(capture.seen.map((s) => s.headers['amz-sdk-invocation-id'])).size).toBe(1);
    // Signed anew each time: the attempt header is signed.
    expect(new Set(capture.seen.map((s) => s.headers.authorization)).size).toBe(3);
  });

  it('gives up after maxAttempts with the last error, its code, status, request id and attempts', async () => {
    capture.answers = [{ status: 503, body: errorXml('RequestLimitExceeded', 'Request limit exceeded.', 'req-9'), headers: { 'x-amzn-requestid': 'req-9' } }];
    const error = await failure(ec2().describeInstances(INPUT));
    expect(error).toMatchObject({ name: 'RequestLimitExceeded', Code: 'RequestLimitExceeded', message: 'Request limit exceeded.' });
    expect(error.$metadata).toMatchObject({ httpStatusCode: 503, requestId: 'req-9', attempts: 3 });
    expect(classify(error)).toEqual({ reason: 'RequestLimitExceeded', status: 503, retryable: true, errorClass: 'throttled' });
    expect(capture.seen).toHaveLength(3);
  });

  it('does not retry a client error, and retries a bare 5xx that is not EC2\'s', async () => {
    capture.answers = [{ status: 400, body: errorXml('InvalidInstanceID.Malformed', 'Invalid id: "i-nope"') }];
    const malformed = await failure(ec2().describeInstances({ InstanceIds: ['i-nope'] }));
    expect(malformed).toMatchObject({ name: 'InvalidInstanceID.Malformed', $metadata: { httpStatusCode: 400, attempts: 1 } });
    expect(capture.seen).toHaveLength(1);

    capture.answers = [{ status: 502, body: '<html>bad gateway</html>', headers: { 'content-type': 'text/html' } }];
    const gateway = await failure(ec2({ maxAttempts: 2 }).describeInstances(INPUT));
    expect(gateway).toMatchObject({ name: 'Unknown', message: 'EC2 answered HTTP 502 without an error code', $metadata: { httpStatusCode: 502, attempts: 2 } });
    expect(classify(gateway)).toEqual({ reason: 'Unknown', status: 502, retryable: true, errorClass: 'server' });
  });

  it('corrects its clock from an answer\'s Date and retries the failure the skew caused', async () => {
    const serverTime = new Date(Date.now() + 10 * 60_000);
    serverTime.setUTCMilliseconds(0);
    capture.answers = [
      // Not a code errors.ts retries by itself: the retry is the skew correction's.
      { status: 403, body: errorXml('SignatureDoesNotMatch', 'Signature expired'), headers: { date: serverTime.toUTCString() } },
      { status: 200, body: describeInstancesXml([]) },
    ];
    await ec2().describeInstances(INPUT);
    expect(capture.seen).toHaveLength(2);
    const signedAt = capture.seen.map((s) => Date.parse(String(s.headers['x-amz-date']).replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z')));
    expect(signedAt[1]! - signedAt[0]!).toBeGreaterThan(9 * 60_000);
    expect(Math.abs(signedAt[1]! - serverTime.getTime())).toBeLessThan(5_000);
  });

  it('keeps Node\'s code for a refused connection, and a request timeout is a TimeoutError', async () => {
    const refused = await failure(ec2({ endpoint: 'http://127.0.0.1:1', maxAttempts: 2 }).describeInstances(INPUT));
    expect(refused).toMatchObject({ code: 'ECONNREFUSED', $metadata: { attempts: 2 } });
    expect(classify(refused)).toEqual({ reason: 'ECONNREFUSED', status: undefined, retryable: true, errorClass: 'connection' });

    capture.answers = ['never'];
    const timedOut = await failure(ec2({ requestTimeoutMs: 100, maxAttempts: 1 }).describeInstances(INPUT));
    expect(classify(timedOut)).toEqual({ reason: 'TimeoutError', status: undefined, retryable: true, errorClass: 'timeout' });
  });

  it('sends scalerd/<version>, EC2 as the API and the adaptive retry mode; posts to the endpoint\'s path', async () => {
    await ec2({ endpoint: `${capture.endpoint}/proxy/ec2` }).describeInstances(INPUT);
    const [seen] = capture.seen;
    expect(seen!.path).toBe('/proxy/ec2/');
    expect(seen!.headers['x-amz-user-agent']).toMatch(/^aws-sdk-js\/\S+ scalerd\/1\.2\.3$/);
    expect(seen!.headers['user-agent']).toMatch(/^aws-sdk-js\/\S+ ua\/2\.1 os\/\S+ lang\/js md\/nodejs#\S+ api\/ec2 .*m\/F scalerd\/1\.2\.3$/);
    expect(seen!.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });
});
