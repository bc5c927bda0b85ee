// Signature checking over HTTP: requests signed by the SDK's own signer and then spoiled one way
// each — no signature, an unknown key, a wrong secret, a body changed after signing, another
// region or service, a date outside the allowed skew, a header the parser cannot read — get
// the code, HTTP status and words each service answers, and change nothing. The real time the
// service compares with is fixed here; the model's (simulated) clock is another one entirely.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEY, serve, spec, world, type World } from './helpers.js';
import { send, type Answer, type Signing } from './signing.js';

const NOW = Date.parse('2026-05-17T21:30:00Z');
const TEMPORARY = { accessKeyId: 'ASIASIMTEMP', secretAccessKey: 'temp-secret', sessionToken: 'session-token' };

const SET_DESIRED = 'Action=SetDesiredCapacity&Version=2011-01-01&AutoScalingGroupName=workers&DesiredCapacity=5';
const DESCRIBE_INSTANCES = 'Action=DescribeInstances&Version=2016-11-15';

let w: World;
let endpoint: string;
let close: () => Promise<void>;

beforeEach(async () => {
  w = world();
  w.model.addGroup(spec(), { startInService: true });
  ({ endpoint, close } = await serve(w, { credentials: [KEY, TEMPORARY], realNow: () => NOW }));
});
afterEach(() => close());

const autoscaling = (change: Partial<Signing> = {}): Signing => ({ key: KEY, region: 'eu-west-1', service: 'autoscaling', at: new Date(NOW), ...change });
const ec2 = (change: Partial<Signing> = {}): Signing => autoscaling({ service: 'ec2', ...change });

/** The error document's code and message, with the HTTP status. */
function refusal(answer: Answer): { status: number; code: string | undefined; message: string | undefined } {
  const code = /<Code>([^<]*)<\/Code>/.exec(answer.text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(answer.text)?.[1]?.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  return { status: answer.status, code, message };
}

/** Nothing was done: the group kept its size and no mutation was recorded. */
function unchanged(): void {
  expect(w.model.group('workers')?.desiredCapacity).toBe(3);
  expect(w.recorder.facts('mutation').filter((f) => f.api === 'aws')).toEqual([]);
}

const MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

describe('a request signed with a registered key', () => {
  it('is served and recorded under its access key id', async () => {
    expect((await send(endpoint, { body: SET_DESIRED }, autoscaling())).status).toBe(200);
    expect(w.model.group('workers')?.desiredCapacity).toBe(5);
    expect(w.recorder.facts('mutation').filter((f) => f.operation === 'SetDesiredCapacity').map((f) => f.client)).toEqual([KEY.accessKeyId]);
  });

  it('with temporary credentials, needs the session token it was issued with', async () => {
    expect((await send(endpoint, { body: SET_DESIRED }, autoscaling({ key: TEMPORARY }))).status).toBe(200);
    const withoutToken = autoscaling({ key: { accessKeyId: TEMPORARY.accessKeyId, secretAccessKey: TEMPORARY.secretAccessKey } });
    expect(refusal(await send(endpoint, { body: SET_DESIRED }, withoutToken))).toEqual({ status: 403, code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' });
  });
});

describe('Auto Scaling refuses', () => {
  it('an unsigned request: 403 MissingAuthenticationToken, in its ErrorResponse', async () => {
    const answer = await send(endpoint, { body: SET_DESIRED });
    expect(answer.status).toBe(403);
    expect(answer.text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><Error><Type>Sender</Type>' +
        `<Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message></Error><RequestId>${answer.headers['x-amzn-requestid']}</RequestId></ErrorResponse>`,
    );
    unchanged();
  });

  it('an unknown access key: 403 InvalidClientTokenId', async () => {
    const answer = await send(endpoint, { body: SET_DESIRED }, autoscaling({ key: { accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'secret' } }));
    expect(refusal(answer)).toEqual({ status: 403, code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' });
    unchanged();
  });

  it('a wrong secret: 403 SignatureDoesNotMatch', async () => {
    const answer = await send(endpoint, { body: SET_DESIRED }, autoscaling({ key: { accessKeyId: KEY.accessKeyId, secretAccessKey: 'not-the-secret' } }));
    expect(refusal(answer)).toEqual({ status: 403, code: 'SignatureDoesNotMatch', message: MISMATCH });
    unchanged();
  });

  it('a body changed after signing', async () => {
    const answer = await send(endpoint, { body: SET_DESIRED }, autoscaling({ tamper: (r) => (r.body = r.body.replace('DesiredCapacity=5', 'DesiredCapacity=9')) }));
    expect(refusal(answer)).toEqual({ status: 403, code: 'SignatureDoesNotMatch', message: MISMATCH });
    unchanged();
  });

  it('a signature scoped to another region or service, in the words of each', async () => {
    expect(refusal(await send(endpoint, { body: SET_DESIRED }, autoscaling({ region: 'us-east-1' }))))
      .toEqual({ status: 403, code: 'SignatureDoesNotMatch', message: "Credential should be scoped to a valid region, not 'us-east-1'. " });
    expect(refusal(await send(endpoint, { body: SET_DESIRED }, autoscaling({ service: 'ec2' }))))
      .toEqual({ status: 403, code: 'SignatureDoesNotMatch', message: "Credential should be scoped to correct service: 'autoscaling'. " });
    unchanged();
  });

  it('a signature more than 5 minutes off the real time, either way', async () => {
    expect(refusal(await send(endpoint, { body: SET_DESIRED }, autoscaling({ at: new Date(NOW - 301_000) })))).toEqual({
      status: 403, code: 'SignatureDoesNotMatch', message: 'Signature expired: 20260517T212459Z is now earlier than 20260517T212500Z (20260517T213000Z - 5 min.)',
    });
    expect(refusal(await send(endpoint, { body: SET_DESIRED }, autoscaling({ at: new Date(NOW + 301_000) })))).toEqual({
      status: 403, code: 'SignatureDoesNotMatch', message: 'Signature not yet current: 20260517T213501Z is still later than 20260517T213500Z (20260517T213000Z + 5 min.)',
    });
    unchanged();
    expect((await send(endpoint, { body: SET_DESIRED }, autoscaling({ at: new Date(NOW - 299_000) }))).status).toBe(200);
  });

  it('an Authorization header it cannot read: 400 IncompleteSignature naming what is missing', async () => {
    const noSignature = autoscaling({ tamper: (r) => (r.headers.authorization = r.headers.authorization!.replace(/, Signature=[0-9a-f]+$/, '')) });
    const answer = refusal(await send(endpoint, { body: SET_DESIRED }, noSignature));
    expect(answer).toMatchObject({ status: 400, code: 'IncompleteSignature' });
    expect(answer.message).toMatch(/^Authorization header requires 'Signature' parameter\. Authorization=AWS4-HMAC-SHA256 Credential=AKIDSIM\/20260517\/eu-west-1\/autoscaling\/aws4_request, SignedHeaders=\S+$/);

    const hostUnsigned = autoscaling({ tamper: (r) => (r.headers.authorization = r.headers.authorization!.replace('host;', '')) });
    expect(refusal(await send(endpoint, { body: SET_DESIRED }, hostUnsigned)))
      .toEqual({ status: 400, code: 'IncompleteSignature', message: "'Host' must be a 'SignedHeader' in the AWS Authorization." });
    unchanged();
  });
});

describe('EC2 refuses, in its own dialect', () => {
  it('an unsigned request: 400 MissingParameter AWSAccessKeyId, in its Response/Errors', async () => {
    const answer = await send(endpoint, { body: DESCRIBE_INSTANCES });
    expect(answer.status).toBe(400);
    expect(answer.text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>MissingParameter</Code><Message>The request must contain the parameter AWSAccessKeyId</Message>' +
        `</Error></Errors><RequestID>${answer.headers['x-amzn-requestid']}</RequestID></Response>`,
    );
  });

  it('an unknown key, a wrong secret or a wrong scope alike: 401 AuthFailure', async () => {
    const authFailure = { status: 401, code: 'AuthFailure', message: 'AWS was not able to validate the provided access credentials' };
    expect(refusal(await send(endpoint, { body: DESCRIBE_INSTANCES }, ec2({ key: { accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'secret' } })))).toEqual(authFailure);
    expect(refusal(await send(endpoint, { body: DESCRIBE_INSTANCES }, ec2({ key: { accessKeyId: KEY.accessKeyId, secretAccessKey: 'nope' } })))).toEqual(authFailure);
    expect(refusal(await send(endpoint, { body: DESCRIBE_INSTANCES }, ec2({ region: 'us-east-1' })))).toEqual(authFailure);
    expect(refusal(await send(endpoint, { body: DESCRIBE_INSTANCES }, ec2({ service: 'autoscaling' })))).toEqual(authFailure);
  });

  it('a signature more than 15 minutes off: 400 RequestExpired', async () => {
    expect((await send(endpoint, { body: DESCRIBE_INSTANCES }, ec2({ at: new Date(NOW - 14 * 60_000) }))).status).toBe(200);
    expect(refusal(await send(endpoint, { body: DESCRIBE_INSTANCES }, ec2({ at: new Date(NOW - 15 * 60_000 - 1_000) }))))
      .toEqual({ status: 400, code: 'RequestExpired', message: 'Request has expired.' });
    expect(refusal(await send(endpoint, { body: DESCRIBE_INSTANCES }, ec2({ at: new Date(NOW + 15 * 60_000 + 1_000) }))))
      .toEqual({ status: 400, code: 'RequestExpired', message: 'Request has expired.' });
  });
});
