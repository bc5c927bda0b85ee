// The simulator's SigV4 arithmetic against AWS's published signature test suite (credentials
// AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service "service"), and its reading of the
// Authorization header as AWS's parser words what is missing.

import { describe, expect, it } from 'vitest';
import { canonicalRequest, parseAuthorization, signatureOf, stringToSign, type SignedRequest } from '../../../src/sim/aws/sigv4.js';

const SCOPE = ['20150830', 'us-east-1', 'service', 'aws4_request'];
const DATE = '20150830T123600Z';

function signature(request: Omit<SignedRequest, 'headers'> & { headers?: Record<string, string> }, signed: string[]): string {
  const full = { ...request, headers: { host: 'example.amazonaws.com', 'x-amz-date': DATE, ...request.headers } };
  return signatureOf('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', SCOPE, stringToSign(DATE, SCOPE, canonicalRequest(full, signed)));
}

describe('SigV4 as AWS computes it', () => {
  it.each([
    ['get-vanilla', { method: 'GET', url: '/', body: '' }, ['host', 'x-amz-date'], '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
    ['get-vanilla-query-order-key-case', { method: 'GET', url: '/?Param2=value2&Param1=value1', body: '' }, ['host', 'x-amz-date'], 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500'],
    ['get-relative-relative', { method: 'GET', url: '/example1/example2/../..', body: '' }, ['host', 'x-amz-date'], '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
    ['get-unreserved', { method: 'GET', url: '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', body: '' }, ['host', 'x-amz-date'], '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f'],
    ['post-vanilla', { method: 'POST', url: '/', body: '' }, ['host', 'x-amz-date'], '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'],
    [
      'post-x-www-form-urlencoded',
      { method: 'POST', url: '/', body: 'Param1=value1', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      ['content-type', 'host', 'x-amz-date'],
      'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
    ],
  ] as const)('%s gives the published signature', (_name, request, signed, expected) => {
    expect(signature(request, [...signed])).toBe(expected);
  });

  it('reads the Authorization header into key, scope, signed headers and signature', () => {
    const header = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa0';
    expect(parseAuthorization(header, true)).toEqual({
      ok: true,
      value: { accessKeyId: 'AKIDEXAMPLE', scope: SCOPE, signedHeaders: ['host', 'x-amz-date'], signature: '5fa0' },
    });
  });

  it('names every part that is missing, as AWS does', () => {
    expect(parseAuthorization('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request', false)).toEqual({
      ok: false,
      problem:
        "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request",
    });
    expect(parseAuthorization('Bearer abc', true)).toMatchObject({ ok: false, problem: expect.stringMatching(/^Authorization header requires 'Credential' parameter\. .* Authorization=Bearer abc$/) });
    expect(parseAuthorization('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, host;x-amz-date, Signature=ab', true)).toEqual({
      ok: false,
      problem: "'host;x-amz-date' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, host;x-amz-date, Signature=ab'.",
    });
  });
});
