// The health probe is bounded: it reads at most 64 KiB of an answer (then stops reading and
// fails, saying so), follows no redirect (a 3xx fails, naming where it pointed), and gives
// up on a slow answer at its timeout, body included. Against a real server on loopback.

import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpProbe, MAX_HEALTH_BODY_BYTES } from '../../../src/deployer/engine/health.js';

let server: Server;
let base = '';
const sockets = new Set<Socket>();
/** Bytes the endless route managed to hand to the socket before the probe hung up. */
let endlessWritten = 0;
let endlessClosed = false;

function endless(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(16 * 1024, 0x20);
  res.once('close', () => { endlessClosed = true; });
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk)) endlessWritten += chunk.length;
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/big') {
      // 1 MiB, declared: refused before a byte of it is read.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 * 1024) });
      res.end(Buffer.alloc(1024 * 1024, 0x20));
    } else if (req.url === '/endless') {
      // Chunked, never ending: only a read that stops can give a verdict.
      endless(res);
    } else if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
    } else if (req.url === '/slow') {
      // Headers at once, then a byte a second: the timeout covers the body too.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const timer = setInterval(() => res.write(' '), 1000);
      res.once('close', () => clearInterval(timer));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ healthy: true, version: '7', padding: 'x'.repeat(MAX_HEALTH_BODY_BYTES - 100) }));
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const signal = new AbortController().signal;

describe('httpProbe, bounded', () => {
  it('a body just under 64 KiB is read and judged', async () => {
    expect(await httpProbe('7')(`${base}/health`, 2000, signal)).toEqual({ ok: true });
  });

  it('a 1 MiB body fails, saying the limit, without reading it', async () => {
    expect(await httpProbe(undefined)(`${base}/big`, 2000, signal)).toEqual({ ok: false, reason: `HTTP 200 with a body over ${MAX_HEALTH_BODY_BYTES} bytes; reading stopped there` });
  });

  it('an endless body fails at the limit, well before the timeout: the read stops and the connection goes', async () => {
    const started = Date.now();
    const verdict = await httpProbe(undefined)(`${base}/endless`, 5000, signal);
    expect(verdict).toEqual({ ok: false, reason: `HTTP 200 with a body over ${MAX_HEALTH_BODY_BYTES} bytes; reading stopped there` });
    expect(Date.now() - started).toBeLessThan(4000);
    // The probe hung up: the server's writes end (what it wrote is socket buffers, not the probe's memory).
    for (let i = 0; i < 50 && !endlessClosed; i++) await new Promise((r) => setTimeout(r, 50));
    expect(endlessClosed).toBe(true);
    const written = endlessWritten;
    await new Promise((r) => setTimeout(r, 200));
    expect(endlessWritten).toBe(written);
  });

  it('a 302 fails, naming where it pointed; the redirect is not followed', async () => {
    expect(await httpProbe(undefined)(`${base}/redirect`, 2000, signal)).toEqual({
      ok: false, reason: 'HTTP 302, a redirect to http://169.254.169.254/latest/meta-data/: the health check follows none; check the path',
    });
  });

  it('a slow body fails at the timeout', async () => {
    const started = Date.now();
    expect(await httpProbe(undefined)(`${base}/slow`, 300, signal)).toEqual({ ok: false, reason: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
