// /descriptors: create (201, 409 when stored), list, get (404), replace (the path and the
// body must agree), delete, validate (200 or 422 with line:column diagnostics); malformed
// JSON is a 400 naming the position; unknown routes 404, wrong methods 405 with Allow.

import { describe, expect, it } from 'vitest';
import { descriptor, startApi, text } from './helpers.js';

describe('/descriptors', () => {
  it('create, get, list, replace, delete', async () => {
    const api = await startApi();
    const created = await api.call('POST', '/descriptors', { body: text(descriptor()) });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/descriptors/default/hello');
    expect(created.body).toMatchObject({ namespace: 'default', appName: 'hello', replicas: 1, healthCheck: { path: '/health', port: 8080 } });
    const again = await api.call('POST', '/descriptors', { body: text(descriptor()) });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'SCALERD_ERR_API_CONFLICT' } } });

    expect(await api.call('GET', '/descriptors/default/hello')).toMatchObject({ status: 200, body: { appName: 'hello' } });
    expect((await api.call('GET', '/descriptors')).body).toHaveLength(1);

    const replaced = await api.call('PUT', '/descriptors/default/hello', { body: text(descriptor({ replicas: 3 })) });
    expect(replaced).toMatchObject({ status: 200, body: { replicas: 3 } });
    // What GET gives, PUT takes.
    const got = (await api.call('GET', '/descriptors/default/hello')).body;
    expect(await api.call('PUT', '/descriptors/default/hello', { body: text(got) })).toMatchObject({ status: 200, body: got });
    const elsewhere = await api.call('PUT', '/descriptors/default/other', { body: text(descriptor()) });
    expect(elsewhere).toMatchObject({ status: 400, body: { error: { code: 'SCALERD_ERR_API_REQUEST', message: expect.stringContaining('default/hello') } } });

    expect((await api.call('DELETE', '/descriptors/default/hello')).status).toBe(204);
    expect(await api.call('GET', '/descriptors/default/hello')).toMatchObject({ status: 404, body: { error: { code: 'SCALERD_ERR_API_NOT_FOUND' } } });
    expect((await api.call('DELETE', '/descriptors/default/hello')).status).toBe(404);
    expect((await api.call('PUT', '/descriptors/default/hello', { body: text(descriptor()) })).status).toBe(404);
  });

  it('validate: 200 with the warnings, or 422 with every diagnostic at line:column', async () => {
    const api = await startApi();
    expect(await api.call('POST', '/descriptors/validate', { body: text(descriptor()) })).toMatchObject({ status: 200, body: { valid: true, warnings: [] } });
    const invalid = await api.call('POST', '/descriptors/validate', { body: text(descriptor({ replicas: 0, namespace: 'Not_A_Label' })) });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('SCALERD_ERR_API_INVALID');
    expect(invalid.body.error.message).toMatch(/^the descriptor is invalid: 2 errors, the first at request body:2:16: /);
    expect(invalid.body.error.details.diagnostics).toEqual([
      expect.objectContaining({ code: 'SCALERD_ERR_DESCRIPTOR_SCHEMA', file: 'request body', line: 2, column: 16, pointer: '/namespace', hint: expect.any(String) }),
      expect.objectContaining({ code: 'SCALERD_ERR_DESCRIPTOR_SCHEMA', line: 21, column: 15, pointer: '/replicas', message: expect.stringContaining('got 0') }),
    ]);
    // A create with the same body is refused the same way, and nothing is stored.
    expect((await api.call('POST', '/descriptors', { body: text(descriptor({ replicas: 0 })) })).status).toBe(422);
    expect(api.deployer.descriptors.size).toBe(0);
  });

  it('malformed JSON is a 400 naming line and column', async () => {
    const api = await startApi();
    const bad = await api.call('POST', '/descriptors', { body: '{\n  "namespace": "default",\n  "appName": "hello"\n  "version": 3\n}' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      code: 'SCALERD_ERR_API_JSON',
      message: 'request body:4:3: invalid JSON: a comma is missing',
      details: { diagnostics: [expect.objectContaining({ line: 4, column: 3, hint: expect.any(String) })] },
    });
    expect((await api.call('POST', '/descriptors/validate', { body: '' })).body.error.message).toMatch(/^request body:1:1: /);
    expect((await api.call('POST', '/descriptors', { body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) })).status).toBe(400);
  });

  it('unknown routes 404, wrong methods 405 with Allow, bad names 400', async () => {
    const api = await startApi();
    expect(await api.call('GET', '/nope')).toMatchObject({ status: 404, body: { error: { code: 'SCALERD_ERR_API_ROUTE' } } });
    expect((await api.call('GET', '/descriptors/default')).status).toBe(404);
    const wrong = await api.call('PATCH', '/descriptors/default/hello');
    expect(wrong).toMatchObject({ status: 405, body: { error: { code: 'SCALERD_ERR_API_METHOD' } } });
    expect(wrong.headers.get('allow')).toBe('GET, PUT, DELETE');
    expect((await api.call('DELETE', '/descriptors')).headers.get('allow')).toBe('GET, POST');
    expect(await api.call('GET', '/descriptors/default/..%2Fetc')).toMatchObject({ status: 400, body: { error: { code: 'SCALERD_ERR_API_REQUEST' } } });
    expect((await api.call('GET', '/descriptors/Default/hello')).status).toBe(400);
  });
});
