// The classification table at the boundary, on the shapes the SDK throws (service errors
// with Code and $metadata, Node system errors, the SDK's own client-side errors).

import { describe, expect, it } from 'vitest';
import { classify, mayHaveActed, redact, toRemoteError } from '../../src/aws/errors.js';

const service = (Code: string, httpStatusCode: number, name = Code) => Object.assign(new Error('m'), { name, Code, $metadata: { httpStatusCode, requestId: 'r-1', attempts: 1 } });
const system = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code, $metadata: {} });

describe('classify', () => {
  it.each([
    ['Throttling', 400, true, 'throttled'],
    ['ThrottlingException', 400, true, 'throttled'],
    ['RequestLimitExceeded', 503, true, 'throttled'],
    ['ServiceUnavailable', 503, true, 'server'],
    ['InternalFailure', 500, true, 'server'],
    ['ScalingActivityInProgress', 400, true, 'conflict'],
    ['ResourceContention', 500, true, 'conflict'],
    ['RequestTimeout', 400, true, 'timeout'],
    ['ExpiredToken', 400, true, 'unauthorized'],
    ['SomethingNew', 502, true, 'server'],
    ['SomethingNew', 429, true, 'throttled'],
    ['ValidationError', 400, false, 'invalid'],
    ['InvalidInstanceID.NotFound', 400, false, 'not-found'],
    ['NotFound', 404, false, 'not-found'],
    ['UnauthorizedOperation', 403, false, 'forbidden'],
    ['AccessDenied', 403, false, 'forbidden'],
    ['AuthFailure', 401, false, 'unauthorized'],
    ['SignatureDoesNotMatch', 403, false, 'unauthorized'],
    ['SomethingNew', 409, false, 'conflict'],
    ['LimitExceeded', 400, false, 'invalid'],
  ])('%s (HTTP %i) → retryable %s, class %s', (code, status, retryable, errorClass) => {
    expect(classify(service(code, status))).toEqual({ reason: code, status, retryable, errorClass });
  });

  it('takes AWS\'s <Code> over the modelled exception name', () => {
    expect(classify(service('ResourceContention', 500, 'ResourceContentionFault')).reason).toBe('ResourceContention');
  });

  it('network errors and timeouts, with no answer, are retryable; an abort or missing credentials are not', () => {
    expect(classify(system('ECONNRESET'))).toEqual({ reason: 'ECONNRESET', status: undefined, retryable: true, errorClass: 'connection' });
    expect(classify(system('EAI_AGAIN'))).toMatchObject({ retryable: true, errorClass: 'connection' });
    expect(classify(Object.assign(new Error('timed out'), { name: 'TimeoutError', code: 'ETIMEDOUT' }))).toEqual({ reason: 'TimeoutError', status: undefined, retryable: true, errorClass: 'timeout' });
    expect(classify(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toMatchObject({ retryable: false, errorClass: 'other' });
    expect(classify(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }))).toEqual({
      reason: 'CredentialsProviderError',
      status: undefined,
      retryable: false,
      errorClass: 'unauthorized',
    });
    expect(classify('a string')).toEqual({ reason: 'UnknownError', status: undefined, retryable: false, errorClass: 'other' });
  });
});

describe('toRemoteError', () => {
  it('says what was attempted and what AWS said, with status and request id', () => {
    const error = toRemoteError('SetDesiredCapacity', 'set the desired capacity of group g to 9', Object.assign(service('ValidationError', 400), { message: 'New SetDesiredCapacity value 9 is above max value 6 for the AutoScalingGroup.' }));
    expect(error.code).toBe('SCALERD_ERR_AWS_CALL');
    expect(error.message).toBe('AWS SetDesiredCapacity failed to set the desired capacity of group g to 9: ValidationError: New SetDesiredCapacity value 9 is above max value 6 for the AutoScalingGroup. (HTTP 400, request id r-1)');
    expect(error.detail).toEqual({ operation: 'SetDesiredCapacity', status: 400, reason: 'ValidationError', retryable: false });
  });

  it('keeps key ids and signatures out of the message', () => {
    const said =
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. ' +
      'Credential=AKIAIOSFODNN7EXAMPLE/20260302/eu-west-1/autoscaling/aws4_request, Signature=0123abcd The Canonical String for this request should have been\nPOST\n/\nhost:x';
    const error = toRemoteError('DescribeAutoScalingGroups', 'describe groups g', Object.assign(service('SignatureDoesNotMatch', 403), { message: said }));
    expect(error.message).not.toMatch(/AKIA|0123abcd|Canonical|host:x/);
    expect(error.message).toContain('Check your AWS Secret Access Key and signing method.');
    expect(redact('key ASIAY34FZKBOKMUTVV7A in use')).toBe('key [key id] in use');
  });
});

describe('mayHaveActed: whether a failed call may still have been carried out', () => {
  it.each([
    ['InternalFailure', 500, true],
    ['ServiceUnavailable', 503, true],
    ['ResourceContention', 500, true],
    ['SomethingNew', 502, true],
    ['RequestLimitExceeded', 503, false],
    ['Throttling', 400, false],
    ['ScalingActivityInProgress', 400, false],
    ['ValidationError', 400, false],
  ])('an answer %s (HTTP %i) → %s', (code, status, acted) => {
    expect(mayHaveActed(classify(service(code, status)))).toBe(acted);
  });

  it('no answer after the request left may hide a done call; no connection at all cannot', () => {
    expect(mayHaveActed(classify(system('ECONNRESET')))).toBe(true);
    expect(mayHaveActed(classify(system('EPIPE')))).toBe(true);
    expect(mayHaveActed(classify(Object.assign(new Error('timed out'), { name: 'TimeoutError' })))).toBe(true);
    expect(mayHaveActed(classify(system('ECONNREFUSED')))).toBe(false);
    expect(mayHaveActed(classify(system('ENOTFOUND')))).toBe(false);
    expect(mayHaveActed(classify(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })))).toBe(false);
  });
});
