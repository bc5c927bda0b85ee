// The body limit: a declared Content-Length over it is refused before a byte is read; a
// chunked upload that grows past it is refused as soon as it does, the rest left unread
// (the server reads at most one chunk past the limit of a 5 MiB upload), and the connection
// closes after the 413.

import { request } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { descriptor, startApi, text, TOKEN } from './helpers.js';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** POSTs `total` bytes, generated as they are pulled; resolves at the response (or the error that ended the upload). */
function upload(url: string, total: number, headers: Record<string, string>): Promise<{ status?: number; connection?: string; body?: string; error?: string }> {
  let pulled = 0;
  const body = new Readable({
    read() {
      if (pulled >= total) return void this.push(null);
      pulled += CHUNK;
      this.push(Buffer.alloc(CHUNK, 0x20));
    },
  });
  return new Promise((resolve) => {
    const req = request(`${url}/deployments`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection!, body: text }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    if (headers['content-length'] !== undefined) req.flushHeaders();
    else body.pipe(req);
  });
}

describe('the body limit', () => {
  it('a declared Content-Length over the limit: 413 before reading', async () => {
    const api = await startApi();
    const refused = await upload(api.url, 5 * MiB, { 'content-length': String(5 * MiB) });
    expect(refused).toMatchObject({ status: 413, connection: 'close' });
    expect(JSON.parse(refused.body!).error).toMatchObject({ code: 'SCALERD_ERR_API_BODY_TOO_LARGE', details: { limitBytes: MiB, readBytes: 0, declaredBytes: 5 * MiB } });
  });

  it('a 5 MiB chunked upload is cut at the limit: 413, at most one chunk read past it', async () => {
    const api = await startApi();
    const refused = await upload(api.url, 5 * MiB, { 'transfer-encoding': 'chunked' });
    expect(refused).toMatchObject({ status: 413, connection: 'close' });
    const logged = api.logLines.find((l) => l.event === 'api-body-too-large');
    expect(logged).toMatchObject({ level: 40, limitBytes: MiB });
    expect(logged!.readBytes as number).toBeGreaterThan(MiB);
    expect(logged!.readBytes as number).toBeLessThanOrEqual(MiB + CHUNK);
    expect(api.deployer.calls).toEqual([]);
    // The API goes on serving.
    expect((await api.call('GET', '/deployments')).status).toBe(200);
  });

  it('the limit is an option; a body within it is read whole', async () => {
    const api = await startApi({ maxBodyBytes: 2_000 });
    const body = text(descriptor());
    expect(Buffer.byteLength(body)).toBeLessThan(2_000);
    expect((await api.call('POST', '/deployments', { body })).status).toBe(202);
    const big = text(descriptor({ description: 'x'.repeat(2_000) }));
    expect(await api.call('POST', '/deployments', { body: big })).toMatchObject({ status: 413, body: { error: { details: { limitBytes: 2_000 } } } });
  });
});
