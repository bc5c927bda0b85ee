// Classifying the REST layer's failures at the boundary, and the eviction answers that are
// outcomes: the tables of src/kube/failure.ts and src/kube/pods.ts, answer by answer.

import { describe, expect, it } from 'vitest';
import { createCaller } from '../../src/kube/call.js';
import { errorClass, isRetryable, retryHere, toFailure, toRemoteError } from '../../src/kube/failure.js';
import { evictionOutcome } from '../../src/kube/pods.js';
import { KubeConnectionError, KubeCredentialError, KubeResponseError, KubeTimeoutError, parseStatus } from '../../src/kube/rest-errors.js';
import { isRemoteError } from '../../src/errors.js';

/** What the REST layer throws for an error answer: the Status parsed from the body, Retry-After as sent. */
const apiError = (code: number, reason: string, message: string, extra: { causes?: object[]; retryAfter?: string } = {}) =>
  new KubeResponseError(code, parseStatus(JSON.stringify({
    kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code, ...(extra.causes ? { details: { causes: extra.causes } } : {}),
  })), extra.retryAfter);

const classify = (error: unknown) => {
  const failure = toFailure(error)!;
  return { here: retryHere(failure), later: isRetryable(failure), counted: errorClass(failure) };
};

describe('classifying a failure', () => {
  it.each([
    [429, 'TooManyRequests', true, true, 'throttled'],
    [500, 'InternalError', true, true, 'server'],
    [503, 'ServiceUnavailable', true, true, 'server'],
    [504, 'Timeout', true, true, 'server'],
    [409, 'Conflict', false, true, 'conflict'], // a fresh read may help; the same request will not
    [409, 'AlreadyExists', false, false, 'conflict'],
    [400, 'BadRequest', false, false, 'invalid'],
    [401, 'Unauthorized', false, false, 'unauthorized'],
    [403, 'Forbidden', false, false, 'forbidden'],
    [404, 'NotFound', false, false, 'not-found'],
    [410, 'Expired', false, false, 'not-found'],
    [422, 'Invalid', false, false, 'invalid'],
  ])('%i %s: retried here %s, retryable later %s, counted as %s', (code, reason, here, later, counted) => {
    expect(classify(apiError(code, reason, 'x'))).toEqual({ here, later, counted });
  });

  it('retries timeouts, connection failures and credentials that could not be had', () => {
    expect(classify(new KubeTimeoutError())).toEqual({ here: true, later: true, counted: 'timeout' });
    expect(toFailure(new KubeTimeoutError())).toEqual({ kind: 'timeout', message: 'the request timed out', causes: [] });
    const refused = new KubeConnectionError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1');
    expect(toFailure(refused)).toMatchObject({ kind: 'connection', message: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1' });
    expect(classify(refused)).toEqual({ here: true, later: true, counted: 'connection' });
    const plugin = new KubeCredentialError('the exec plugin aws of the user "eks" failed (exit 255)');
    expect(toFailure(plugin)).toMatchObject({ kind: 'credentials', message: plugin.message });
    expect(classify(plugin)).toEqual({ here: true, later: true, counted: 'unauthorized' });
    // A 2xx whose body is not JSON.
    expect(classify(new KubeResponseError(200, undefined, undefined, 'not JSON')).counted).toBe('other');
  });

  it('lets a bug, or the caller\'s own abort, through instead of dressing it as a remote failure', () => {
    expect(toFailure(new TypeError('x is undefined'))).toBeUndefined();
    expect(toFailure(new DOMException('This operation was aborted', 'AbortError'))).toBeUndefined();
  });

  it('reads the Status (reason, message, causes) and Retry-After in seconds', () => {
    const failure = toFailure(apiError(429, 'TooManyRequests', 'slow down', { retryAfter: '3', causes: [{ reason: 'X', message: 'y' }] }));
    expect(failure).toEqual({ kind: 'response', status: 429, reason: 'TooManyRequests', message: 'slow down', causes: [{ reason: 'X', message: 'y' }], retryAfterMs: 3_000 });
  });

  it('classifies an answer that is not a Status by its code (a 401 has no body; a proxy sends HTML)', () => {
    expect(toFailure(new KubeResponseError(401, parseStatus(''), undefined))).toMatchObject({ status: 401, message: expect.stringMatching(/Unauthorized/) });
    const html = toFailure(new KubeResponseError(502, parseStatus('<html>Bad Gateway</html>'), undefined))!;
    expect(html).toMatchObject({ status: 502, message: 'HTTP 502' });
    expect(retryHere(html)).toBe(true);
  });

  it('says in the RemoteError what was attempted, on what, and what the server said', () => {
    const error = toRemoteError({ operation: 'patch nodes', target: 'ip-10-0-1-1' }, toFailure(apiError(409, 'Conflict', 'the object has been modified'))!, { attempts: 5 });
    expect(isRemoteError(error)).toBe(true);
    expect(error.code).toBe('SCALERD_ERR_KUBE_CALL');
    expect(error.message).toBe('Kubernetes patch nodes ip-10-0-1-1 failed (after 5 attempts): 409 Conflict: the object has been modified');
    expect(error.detail).toEqual({ operation: 'patch nodes', status: 409, reason: 'Conflict', retryable: true });
  });
});

describe('the caller', () => {
  it('retries with capped full-jitter back-off, honours Retry-After, and gives up after the attempts', async () => {
    const delays: number[] = [];
    const call = createCaller({ policy: { attempts: 4, baseDelayMs: 100, maxDelayMs: 250 }, sleep: async (ms) => { delays.push(ms); }, random: () => 1 });
    let n = 0;
    const error = await call({ operation: 'list pods' }, async () => {
      n++;
      throw n === 2 ? apiError(429, 'TooManyRequests', 'wait', { retryAfter: '0.2' }) : apiError(503, 'ServiceUnavailable', 'down');
    }).catch((e: unknown) => e);
    expect(n).toBe(4);
    expect(delays).toEqual([100, 200, 250]); // 100·2⁰, Retry-After 0.2 s, then min(250, 400)
    expect(error).toMatchObject({ message: 'Kubernetes list pods failed (after 4 attempts): 503 ServiceUnavailable: down', detail: { retryable: true, status: 503 } });
  });

  it('does not retry a 4xx, and gives up at once on a Retry-After longer than its longest back-off', async () => {
    const call = createCaller({ policy: { attempts: 5, baseDelayMs: 1, maxDelayMs: 1_000 }, sleep: async () => {} });
    let n = 0;
    await expect(call({ operation: 'get pods', target: 'a/b' }, async () => { n++; throw apiError(422, 'Invalid', 'bad'); })).rejects.toMatchObject({ detail: { retryable: false, status: 422 } });
    expect(n).toBe(1);
    await expect(call({ operation: 'get pods' }, async () => { n++; throw apiError(429, 'TooManyRequests', 'later', { retryAfter: '60' }); })).rejects.toMatchObject({ detail: { retryable: true, status: 429 } });
    expect(n).toBe(2);
  });

  it('returns an outcome instead of retrying or failing', async () => {
    const call = createCaller({ policy: { attempts: 5, baseDelayMs: 1, maxDelayMs: 1 }, sleep: async () => {} });
    let n = 0;
    const value = await call({ operation: 'delete nodes' }, async (): Promise<string> => { n++; throw apiError(404, 'NotFound', 'gone'); }, (f) => (f.status === 404 ? 'gone' : undefined));
    expect([value, n]).toEqual(['gone', 1]);
  });
});

describe('an eviction\'s answers', () => {
  it.each([
    ['404 NotFound', apiError(404, 'NotFound', 'pods "web-1" not found'), { kind: 'gone' }],
    ['409 Conflict on the UID precondition', apiError(409, 'Conflict', 'Precondition failed: UID in precondition: a, UID in object meta: b'), { kind: 'gone' }],
    ['429 from a budget (no Retry-After)', apiError(429, 'TooManyRequests', 'Cannot evict pod as it would violate the pod\'s disruption budget.', { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }] }),
      { kind: 'blocked', retryAfterMs: 0, message: 'Cannot evict pod as it would violate the pod\'s disruption budget. (The disruption budget web needs 2 healthy pods and has 2 currently)' }],
    ['429 with Retry-After 10', apiError(429, 'TooManyRequests', 'not observed yet', { retryAfter: '10' }), { kind: 'blocked', retryAfterMs: 10_000, message: 'not observed yet' }],
    ['500 for two budgets', apiError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.'),
      { kind: 'multiple-budgets', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.' }],
    ['403 NamespaceTerminating', apiError(403, 'Forbidden', 'unable to create new content in namespace x because it is being terminated', { causes: [{ reason: 'NamespaceTerminating', message: 'namespace x is being terminated', field: 'metadata.namespace' }] }), { kind: 'namespace-terminating' }],
  ])('%s', (_, error, outcome) => {
    expect(evictionOutcome(toFailure(error)!)).toEqual(outcome);
  });

  it.each([
    ['another 500', apiError(500, 'InternalError', 'etcd is down')],
    ['a 403 without the cause (RBAC)', apiError(403, 'Forbidden', 'pods "web-1" is forbidden: User cannot create resource "pods/eviction"')],
    ['a 400', apiError(400, 'BadRequest', 'bad')],
  ])('%s is a failure, not an outcome', (_, error) => {
    expect(evictionOutcome(toFailure(error)!)).toBeUndefined();
  });
});
