// The REST layer on the wire, against a bare server on loopback: what a request carries,
// and each way it fails, as the table in src/kube/rest.ts has it.

import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { createRestClient } from '../../src/kube/rest.js';
import { KubeConnectionError, KubeResponseError, KubeTimeoutError } from '../../src/kube/rest-errors.js';
import { MERGE_PATCH } from '../../src/kube/transport.js';
import { failure } from './helpers.js';
import { type LocalServer, json, startServer, status, targetFor } from './local-server.js';

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const serve = async (...args: Parameters<typeof startServer>) => {
  const server = await startServer(...args);
  servers.push(server);
  return server;
};

const HEADERS = { 'User-Agent': 'scalerd/test', 'X-Scalerd-Client': 'rest-test' };
const client = (server: string, user = {}) => createRestClient(targetFor(server, user), { headers: HEADERS, clock: systemClock });

describe('a request', () => {
  it('carries the method, path, query, headers, token and JSON body, and returns the JSON answer', async () => {
    const server = await serve((req, res) => json(res, 200, { kind: 'Node', metadata: { name: 'n1' } }));
    const answer = await client(server.url, { token: 'sekret' }).request('PATCH', '/api/v1/nodes/n1', {
      query: { fieldSelector: 'spec.nodeName=a b', limit: 500, continue: undefined }, body: { spec: { unschedulable: true } }, contentType: MERGE_PATCH,
    });
    expect(answer).toEqual({ kind: 'Node', metadata: { name: 'n1' } });
    const [seen] = server.seen;
    expect(seen!.method).toBe('PATCH');
    expect(seen!.url.pathname).toBe('/api/v1/nodes/n1');
    expect(Object.fromEntries(seen!.url.searchParams)).toEqual({ fieldSelector: 'spec.nodeName=a b', limit: '500' });
    expect(seen!.headers).toMatchObject({
      'user-agent': 'scalerd/test', 'x-scalerd-client': 'rest-test', authorization: 'Bearer sekret',
      accept: 'application/json', 'content-type': MERGE_PATCH,
    });
    expect(JSON.parse(seen!.body)).toEqual({ spec: { unschedulable: true } });
  });

  it('sends no body and no content type when there is none, and keeps one connection alive across requests', async () => {
    const server = await serve((req, res) => json(res, 200, { kind: 'Status', status: 'Success' }));
    const rest = client(server.url);
    for (let i = 0; i < 5; i++) await rest.request('DELETE', '/api/v1/nodes/n1');
    expect(server.seen.map((s) => [s.body, s.headers['content-type'], s.headers.authorization])).toEqual(Array(5).fill(['', undefined, undefined]));
    expect(server.connections()).toBe(1);
  });
});

describe('a failed request', () => {
  it('throws the answer\'s status, its Status (reason, message, causes) and Retry-After', async () => {
    const server = await serve((req, res) => json(res, 429, status(429, 'TooManyRequests', 'Cannot evict pod', [{ reason: 'DisruptionBudget', message: 'needs 2' }]), { 'Retry-After': '10' }));
    const error = await failure(client(server.url).request('POST', '/api/v1/namespaces/shop/pods/web-1/eviction', { body: {} }));
    expect(error).toBeInstanceOf(KubeResponseError);
    expect(error).toMatchObject({ status: 429, retryAfter: '10', message: 'Cannot evict pod', apiStatus: { reason: 'TooManyRequests', message: 'Cannot evict pod', causes: [{ reason: 'DisruptionBudget', message: 'needs 2' }] } });
  });

  it('throws the status alone for an answer that is not a Status, and refuses a success that is not JSON', async () => {
    const server = await serve((req, res) => {
      res.writeHead(req.url === '/html' ? 502 : 200, { 'Content-Type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    });
    expect(await failure(client(server.url).request('GET', '/html'))).toMatchObject({ status: 502, apiStatus: undefined, message: 'HTTP 502' });
    expect(await failure(client(server.url).request('GET', '/ok'))).toMatchObject({ status: 200, message: 'the answer to GET /ok is not JSON' });
  });

  it('times out when the signal says, whether the answer has not started or has not finished', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/half') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"kind":');
      }
    });
    const rest = client(server.url);
    expect(await failure(rest.request('GET', '/never', { signal: AbortSignal.timeout(50) }))).toBeInstanceOf(KubeTimeoutError);
    expect(await failure(rest.request('GET', '/half', { signal: AbortSignal.timeout(50) }))).toBeInstanceOf(KubeTimeoutError);
  });

  it('lets the caller\'s own abort through as it is', async () => {
    const server = await serve(() => {});
    const controller = new AbortController();
    const pending = failure(client(server.url).request('GET', '/never', { signal: controller.signal }));
    controller.abort(new Error('stopping'));
    expect(await pending).toMatchObject({ message: 'stopping' });
  });

  it('names a refused connection by its code, and an answer cut short as a connection failure', async () => {
    const refused = await failure(client('http://127.0.0.1:1').request('GET', '/api/v1/nodes'));
    expect(refused).toBeInstanceOf(KubeConnectionError);
    expect(refused).toMatchObject({ code: 'ECONNREFUSED', message: expect.stringMatching(/^ECONNREFUSED: /) });

    const server = await serve((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"kind":', () => res.destroy());
    });
    expect(await failure(client(server.url).request('GET', '/cut'))).toBeInstanceOf(KubeConnectionError);
  });
});
