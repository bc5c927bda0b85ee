// The load generator itself: a request whose reused keep-alive connection is closed under it
// before any answer is sent once more on a new connection (counted), as HTTP clients do; any
// other failure, and a second one, is counted as failed.

import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoad } from './load.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => { s.closeAllConnections(); s.close(resolve); })));
});

/** Answers the first request on each connection; `second` decides what happens to the next on it. */
async function serve(second: 'reset' | 'answer', everyRequest: 'answer' | 'reset' = 'answer'): Promise<string> {
  const server = createServer((req, res) => {
    const count = ((req.socket as unknown as { served?: number }).served = ((req.socket as unknown as { served?: number }).served ?? 0) + 1);
    if (everyRequest === 'reset' || (count > 1 && second === 'reset')) return req.socket.destroy();
    res.setHeader('x-version', '1');
    res.end('ok');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** Until `n` requests have ended (the load stops sending by itself at maxRequests). */
async function sent(load: { count(): number }, n: number): Promise<void> {
  for (let i = 0; i < 1000 && load.count() < n; i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('the load generator', () => {
  it('sends a request again when its reused connection is closed under it before any answer, and counts it', async () => {
    const url = await serve('reset');
    // One request every 100 ms on kept-alive connections: each after the first reuses one, which the server closes.
    const load = startLoad({ url, host: 'x', ratePerS: 10, maxRequests: 5, newConnectionEvery: 1000 });
    await sent(load, 5);
    const report = await load.stop();
    expect(report.total).toBe(5);
    expect(report.failed).toBe(0);
    expect(report.retried).toBeGreaterThan(0);
    expect(report.samples.filter((s) => s.retried).every((s) => s.status === 200)).toBe(true);
  });

  it('counts a request as failed when the server resets it on a new connection, and never retries twice', async () => {
    const url = await serve('answer', 'reset');
    const load = startLoad({ url, host: 'x', ratePerS: 10, maxRequests: 3, newConnectionEvery: 1000 });
    await sent(load, 3);
    const report = await load.stop();
    expect(report.total).toBe(3);
    expect(report.failed).toBe(3);
    expect(report.failures.every((f) => f.status === 0 && /ECONNRESET|socket hang up/.test(f.error ?? ''))).toBe(true);
  });
});
