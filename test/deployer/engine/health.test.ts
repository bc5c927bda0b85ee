import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { checkHealth, httpProbe, judgeHealth, type HealthVerdict } from '../../../src/deployer/engine/health.js';

describe('judgeHealth', () => {
  it('passes the seed\'s body and health+json pass/ok/up, with the version when asked', () => {
    expect(judgeHealth(200, '{"healthy":true,"version":"2"}', '2')).toEqual({ ok: true });
    expect(judgeHealth(200, '{"status":"pass","releaseId":"2"}', '2')).toEqual({ ok: true });
    expect(judgeHealth(200, '{"status":"UP"}', undefined)).toEqual({ ok: true });
  });

  it('fails unhealthy, wrong-status, non-JSON and wrong-version answers, saying why', () => {
    expect(judgeHealth(503, '{"healthy":false,"message":"db down"}', '2')).toEqual({ ok: false, reason: 'HTTP 503, healthy: false (db down)' });
    expect(judgeHealth(200, '{"status":"fail"}', undefined)).toEqual({ ok: false, reason: 'HTTP 200, status: "fail"' });
    expect(judgeHealth(200, '<html>ok</html>', undefined)).toMatchObject({ ok: false, reason: expect.stringMatching(/not JSON: <html>ok<\/html>/) });
    expect(judgeHealth(200, '{"healthy":true,"version":"1"}', '2')).toEqual({ ok: false, reason: 'reports version "1", expected 2' });
    expect(judgeHealth(200, '{"healthy":true}', '2')).toEqual({ ok: false, reason: 'reports version (none), expected 2' });
    // 200 alone is not enough: the body must say healthy.
    expect(judgeHealth(200, '{}', undefined)).toEqual({ ok: false, reason: 'HTTP 200, neither healthy nor status' });
  });
});

describe('checkHealth', () => {
  const fakeTime = () => {
    let t = 0;
    return { now: () => t, wait: async (ms: number) => { t += ms; } };
  };
  const options = { intervalMs: 1000, timeoutMs: 500, successes: 3, deadlineMs: 10_000 };

  it('needs the passes in a row from every pod: a failure starts the count again', async () => {
    const script: Record<string, boolean[]> = { a: [true, true, true], b: [true, false, true, true, true] };
    const calls: Record<string, number> = { a: 0, b: 0 };
    const probe = async (url: string): Promise<HealthVerdict> => (script[url]![calls[url]!++] ? { ok: true } : { ok: false, reason: 'flap' });
    const time = fakeTime();
    const result = await checkHealth([{ pod: 'a', url: 'a' }, { pod: 'b', url: 'b' }], options, probe, time.wait, time.now, new AbortController().signal);
    expect(result).toEqual({ ok: true });
    expect(calls).toEqual({ a: 3, b: 5 });
  });

  it('fails at the deadline naming each pod short of its passes and its last failure', async () => {
    const probe = async (url: string): Promise<HealthVerdict> => (url === 'good' ? { ok: true } : { ok: false, reason: 'HTTP 503, healthy: false' });
    const time = fakeTime();
    const result = await checkHealth([{ pod: 'web-1', url: 'good' }, { pod: 'web-2', url: 'bad' }], options, probe, time.wait, time.now, new AbortController().signal);
    expect(result).toEqual({ ok: false, reason: 'health check failed within 10000 ms: web-2: HTTP 503, healthy: false', lastFailures: { 'web-2': 'HTTP 503, healthy: false' } });
    expect(time.now()).toBeLessThanOrEqual(options.deadlineMs);
  });
});

describe('httpProbe (a real server on loopback)', () => {
  let server: Server;
  let base = '';
  const open = new Set<import('node:net').Socket>();
  afterAll(async () => {
    for (const socket of open) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('judges answers, and turns a hanging endpoint or a refused connection into failures', async () => {
    server = createServer((req, res) => {
      if (req.url === '/hang') return; // never answers
      res.writeHead(req.url === '/health' ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url === '/health' ? { healthy: true, version: '7' } : { healthy: false }));
    });
    server.on('connection', (socket) => open.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const signal = new AbortController().signal;
    expect(await httpProbe('7')(`${base}/health`, 1000, signal)).toEqual({ ok: true });
    expect(await httpProbe('8')(`${base}/health`, 1000, signal)).toEqual({ ok: false, reason: 'reports version "7", expected 8' });
    expect(await httpProbe(undefined)(`${base}/sick`, 1000, signal)).toEqual({ ok: false, reason: 'HTTP 503, healthy: false' });
    const started = Date.now();
    expect(await httpProbe(undefined)(`${base}/hang`, 200, signal)).toEqual({ ok: false, reason: 'no answer within 200 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await httpProbe(undefined)(`http://127.0.0.1:${port}/health`, 1000, signal)).toEqual({ ok: false, reason: 'ECONNREFUSED' });
  });
});
