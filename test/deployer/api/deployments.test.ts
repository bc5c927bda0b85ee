// /deployments and /apps over a FakeDeployer: 202 with Location, the deployer's refusals
// mapped (conflict 409 with details.running, precondition 412, invalid 422, not-found 404,
// anything else a generic 500), history per app, logs, and the log stream as Server-Sent
// Events: the lines, then `end` with the final record.

import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { SseParser } from '../../../src/http/sse.js';
import { DeployerError } from '../../../src/deployer/service/types.js';
import { checkDescriptorText } from '../../../src/deployer/descriptor/index.js';
import { descriptor, startApi, text, TOKEN } from './helpers.js';

describe('/deployments', () => {
  it('a descriptor starts a deployment: 202 with Location and the record', async () => {
    const api = await startApi();
    const started = await api.call('POST', '/deployments', { body: text(descriptor()) });
    expect(started.status).toBe(202);
    const { id } = started.body;
    expect(started.headers.get('location')).toBe(`/deployments/default/hello/${id}`);
    expect(started.body).toMatchObject({ namespace: 'default', app: 'hello', version: 1, status: 'RUNNING', descriptor: { appName: 'hello' } });
    expect(await api.call('GET', `/deployments/default/hello/${id}`)).toMatchObject({ status: 200, body: { id, descriptor: { appName: 'hello' } } });
    expect(api.deployer.calls).toEqual(['deploy default/hello auto scalerd/test-app:1']);
  });

  it('a second deploy while one runs is a 409 naming the running one', async () => {
    const api = await startApi();
    const first = await api.call('POST', '/deployments', { body: text(descriptor()) });
    const second = await api.call('POST', '/deployments', { body: text(descriptor()) });
    expect(second.status).toBe(409);
    expect(second.body.error).toEqual({ code: 'SCALERD_ERR_API_CONFLICT', message: expect.stringContaining(first.body.id), details: { running: first.body.id } });
  });

  it('refusals by kind: precondition 412, invalid 422, not-found 404; anything else a 500 that says nothing of it', async () => {
    const api = await startApi();
    const deploy = () => api.call('POST', '/deployments', { body: text(descriptor()) });
    api.deployer.refuse = new DeployerError('precondition', 'etcd cannot be reached (timeout); nothing was changed');
    expect(await deploy()).toMatchObject({ status: 412, body: { error: { code: 'SCALERD_ERR_API_PRECONDITION', message: 'etcd cannot be reached (timeout); nothing was changed' } } });
    api.deployer.refuse = new DeployerError('invalid', 'version 3 exists', { version: 3 });
    expect(await deploy()).toMatchObject({ status: 422, body: { error: { code: 'SCALERD_ERR_API_INVALID', details: { version: 3 } } } });
    api.deployer.refuse = new TypeError('cannot read properties of undefined (reading "lease") at /srv/secret/path.ts');
    const internal = await deploy();
    expect(internal.status).toBe(500);
    expect(JSON.stringify(internal.body)).not.toMatch(/lease|secret/);
    expect(api.logLines.find((l) => l.event === 'api-error')).toMatchObject({ level: 50, path: '/deployments', err: { message: expect.stringContaining('lease') } });
    expect(await api.call('POST', '/deployments', { body: text(descriptor({ replicas: -1 })) })).toMatchObject({ status: 422, body: { error: { details: { diagnostics: [expect.objectContaining({ pointer: '/replicas' })] } } } });
    expect(api.deployer.records.size).toBe(0);
  });

  it('lists all, a namespace, an app (oldest first, without descriptors); 404 for an unknown deployment', async () => {
    const api = await startApi();
    const one = (await api.call('POST', '/deployments', { body: text(descriptor()) })).body;
    api.deployer.finish(one.id, 'SUCCESS');
    const two = (await api.call('POST', '/deployments', { body: text(descriptor()) })).body;
    const other = (await api.call('POST', '/deployments', { body: text(descriptor({ namespace: 'shop', appName: 'web' })) })).body;
    const ids = (body: { id: string }[]) => body.map((r) => r.id);
    expect(ids((await api.call('GET', '/deployments')).body)).toEqual([one.id, two.id, other.id]);
    expect(ids((await api.call('GET', '/deployments?namespace=shop')).body)).toEqual([other.id]);
    expect(ids((await api.call('GET', '/deployments?namespace=default&app=hello')).body)).toEqual([one.id, two.id]);
    const history = (await api.call('GET', '/deployments/default/hello')).body;
    expect(ids(history)).toEqual([one.id, two.id]);
    expect(history[1]).toMatchObject({ version: 2, previousVersion: 1 });
    expect(history[0]).not.toHaveProperty('descriptor');
    expect((await api.call('GET', '/deployments?app=hello')).status).toBe(400);
    expect((await api.call('GET', '/deployments/default/hello/20990101T000000Z-beef')).status).toBe(404);
    expect((await api.call('GET', '/deployments/default/hello/20990101T000000Z-beef/logs')).status).toBe(404);
    expect((await api.call('GET', '/deployments/default/hello/20990101T000000Z-beef/logs/stream')).status).toBe(404);
  });

  it('logs as a JSON array', async () => {
    const api = await startApi();
    const { id } = (await api.call('POST', '/deployments', { body: text(descriptor()) })).body;
    api.deployer.write(id, 'creating hello-1');
    api.deployer.write(id, 'pod hello-1-a not ready', 'warn');
    const logs = await api.call('GET', `/deployments/default/hello/${id}/logs`);
    expect(logs.status).toBe(200);
    expect(logs.body).toEqual([
      { at: expect.any(Number), level: 'info', message: 'creating hello-1' },
      { at: expect.any(Number), level: 'warn', message: 'pod hello-1-a not ready' },
    ]);
  });
});

describe('/apps', () => {
  it('undeploy answers with the finished record (200), rollback with a new deployment (202); 404 when there is nothing', async () => {
    const api = await startApi();
    expect(await api.call('POST', '/apps/default/hello/undeploy')).toMatchObject({ status: 404, body: { error: { code: 'SCALERD_ERR_API_NOT_FOUND' } } });
    expect((await api.call('POST', '/apps/default/hello/rollback')).status).toBe(404);
    for (const image of ['scalerd/test-app:1', 'scalerd/test-app:2']) {
      const started = await api.call('POST', '/deployments', { body: text(descriptor({ podSpec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }] }] } })) });
      api.deployer.finish(started.body.id, 'SUCCESS');
    }
    const rollback = await api.call('POST', '/apps/default/hello/rollback');
    expect(rollback).toMatchObject({ status: 202, body: { version: 3, previousVersion: 2, status: 'RUNNING' } });
    expect(rollback.headers.get('location')).toBe(`/deployments/default/hello/${rollback.body.id}`);
    expect(api.deployer.calls.at(-1)).toBe('deploy default/hello auto scalerd/test-app:1');
    api.deployer.finish(rollback.body.id, 'SUCCESS');
    expect(await api.call('POST', '/apps/default/hello/undeploy')).toMatchObject({ status: 200, body: { status: 'SUCCESS' } });
    expect((await api.call('GET', '/apps/default/hello/undeploy')).headers.get('allow')).toBe('POST');
  });

  it('GET /apps: each app with what serves each hostname, the versions present and the deployment under way', async () => {
    const api = await startApi();
    expect((await api.call('GET', '/apps')).body).toEqual([]);
    const started = await api.call('POST', '/deployments', { body: text(descriptor()) });
    expect((await api.call('GET', '/apps')).body).toEqual([expect.objectContaining({ namespace: 'default', app: 'hello', running: started.body.id, frontends: [{ host: 'hello.example.com', version: null }] })]);
    api.deployer.finish(started.body.id, 'SUCCESS');
    expect((await api.call('GET', '/apps')).body).toEqual([expect.objectContaining({ running: null, frontends: [{ host: 'hello.example.com', version: 1 }], last: expect.objectContaining({ status: 'SUCCESS', version: 1 }) })]);
    expect((await api.call('GET', '/apps', { token: null })).status).toBe(401);
  });

  it('rollback to a descriptor today\'s policy refuses: 422 naming the rule, nothing deployed', async () => {
    // Deployed before the operator's policy refused privileged pods (straight to the deployer, past the API).
    const api = await startApi();
    const privileged = descriptor({ podSpec: { containers: [{ name: 'app', image: 'scalerd/test-app:1', ports: [{ containerPort: 8080 }], securityContext: { privileged: true } }] } });
    for (const document of [privileged, descriptor()]) {
      const checked = checkDescriptorText(text(document), 'inline');
      if (!checked.ok) throw new Error(JSON.stringify(checked.diagnostics));
      api.deployer.finish((await api.deployer.deploy(checked.descriptor)).id, 'SUCCESS');
    }
    const before = api.deployer.calls.length;
    const refused = await api.call('POST', '/apps/default/hello/rollback');
    expect(refused).toMatchObject({ status: 422, body: { error: { code: 'SCALERD_ERR_API_POLICY', details: { rule: 'baseline/privileged' } } } });
    expect(api.deployer.calls.slice(before)).toEqual(['rollback default/hello']);
  });
});

/** The raw event stream until the server ends it. */
function stream(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string | undefined; raw: string }> {
  return new Promise((resolve, reject) => {
    request(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}`, ...headers } }, (res) => {
      let raw = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { raw += chunk; }).on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], raw }));
    }).on('error', reject).end();
  });
}

describe('the log stream', () => {
  it('sends the lines written so far and those to come as `log` events, then `end` with the final record', async () => {
    const api = await startApi();
    const { id } = (await api.call('POST', '/deployments', { body: text(descriptor()) })).body;
    api.deployer.write(id, 'deploying default/hello version 1');
    const streamed = stream(api.url, `/deployments/default/hello/${id}/logs/stream`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    api.deployer.write(id, 'every pod Ready');
    api.deployer.write(id, 'health check failed: 500\nsecond line', 'error');
    api.deployer.finish(id, 'FAILURE', 'health check failed');
    const { status, type, raw } = await streamed;
    expect({ status, type }).toEqual({ status: 200, type: 'text/event-stream; charset=utf-8' });
    const events = new SseParser().push(raw);
    expect(events.map((e) => [e.event, e.id])).toEqual([['log', '1'], ['log', '2'], ['log', '3'], ['end', '3']]);
    expect(JSON.parse(events[2]!.data)).toMatchObject({ level: 'error', message: 'health check failed: 500\nsecond line' });
    expect(JSON.parse(events[3]!.data)).toMatchObject({ id, status: 'FAILURE', reason: 'health check failed', phase: 'done' });
    // The framing itself: one field a line, a blank line after each event.
    expect(raw).toMatch(/^: log of deployment \S+\n\nid: 1\nevent: log\ndata: \{"at":\d+,"level":"info","message":"deploying default\/hello version 1"\}\n\n/);
    expect(raw.endsWith('\n\n')).toBe(true);
  });

  it('after Last-Event-ID, only the later lines', async () => {
    const api = await startApi();
    const { id } = (await api.call('POST', '/deployments', { body: text(descriptor()) })).body;
    for (const message of ['one', 'two', 'three']) api.deployer.write(id, message);
    api.deployer.finish(id, 'SUCCESS');
    const events = new SseParser().push((await stream(api.url, `/deployments/default/hello/${id}/logs/stream`, { 'last-event-id': '2' })).raw);
    expect(events.map((e) => (e.event === 'log' ? (JSON.parse(e.data) as { message: string }).message : e.event))).toEqual(['three', 'end']);
  });

  it('a client that goes away stops the follow; the deployment goes on', async () => {
    const api = await startApi();
    const { id } = (await api.call('POST', '/deployments', { body: text(descriptor()) })).body;
    const abort = new AbortController();
    const response = await fetch(`${api.url}/deployments/default/hello/${id}/logs/stream`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: abort.signal });
    expect(response.status).toBe(200);
    abort.abort();
    await expect.poll(() => api.deployer.followers).toBe(0);
    expect((await api.call('GET', `/deployments/default/hello/${id}`)).body.status).toBe('RUNNING');
  });
});
