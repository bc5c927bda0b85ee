// The CLI's client of the log stream: a stream that drops is taken up after the last line
// seen (Last-Event-ID), and gives up after its reconnects; the SSE parser to the spec.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DeployerClient, type FollowEvent } from '../../../src/deployer/api/index.js';
import { formatEvent, SseParser } from '../../../src/http/sse.js';

const line = (message: string) => JSON.stringify({ at: 1, level: 'info', message });
const ref = { namespace: 'default', app: 'hello', id: 'd1' };

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

/** Serves the stream: each connection gets what `answer` writes for its Last-Event-ID, then is cut. */
async function serve(answer: (lastEventId: string | undefined, connection: number) => string): Promise<{ url: string; seen: (string | undefined)[] }> {
  const seen: (string | undefined)[] = [];
  server = createServer((req, res) => {
    const last = req.headers['last-event-id'] as string | undefined;
    seen.push(last);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(answer(last, seen.length));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

async function collect(client: DeployerClient): Promise<FollowEvent[]> {
  const events: FollowEvent[] = [];
  for await (const event of client.follow(ref)) events.push(event);
  return events;
}

describe('following a log stream', () => {
  it('takes a dropped stream up after the last line seen', async () => {
    const { url, seen } = await serve((last) => (last === undefined
      ? formatEvent({ event: 'log', id: '1', data: line('one') }) + formatEvent({ event: 'log', id: '2', data: line('two') })
      : formatEvent({ event: 'log', id: '3', data: line('three') }) + formatEvent({ event: 'end', data: JSON.stringify({ ...ref, status: 'SUCCESS' }) })));
    const waits: number[] = [];
    const events = await collect(new DeployerClient({ baseUrl: url, token: 't', sleep: async (ms) => void waits.push(ms) }));
    expect(events.map((e) => (e.kind === 'log' ? e.line.message : e.record.status))).toEqual(['one', 'two', 'three', 'SUCCESS']);
    expect(seen).toEqual([undefined, '2']);
    expect(waits).toEqual([1_000]);
  });

  it('gives up after its reconnects, saying the deployment goes on', async () => {
    const { url, seen } = await serve(() => ': nothing\n\n');
    await expect(collect(new DeployerClient({ baseUrl: url, token: 't', sleep: async () => undefined, reconnects: 2 })))
      .rejects.toMatchObject({ code: 'SCALERD_ERR_API_CALL', message: expect.stringContaining('dropped 3 times') });
    expect(seen).toHaveLength(3);
  });

  it('an error event ends it with the error the API sent', async () => {
    const { url } = await serve(() => formatEvent({ event: 'error', data: JSON.stringify({ error: { code: 'SCALERD_ERR_API_INTERNAL', message: 'boom' } }) }));
    await expect(collect(new DeployerClient({ baseUrl: url, token: 't', sleep: async () => undefined })))
      .rejects.toMatchObject({ remote: { code: 'SCALERD_ERR_API_INTERNAL', message: 'boom' } });
  });
});

describe('SseParser', () => {
  it('joins data lines, skips comments, takes CRLF and chunks split anywhere', () => {
    const parser = new SseParser();
    const stream = ': hello\r\n\r\nid: 7\r\nevent: log\r\ndata: a\r\ndata:b\r\n\r\ndata: plain\n\n';
    const events = [...stream].flatMap((char) => parser.push(char));
    expect(events).toEqual([{ event: 'log', data: 'a\nb', id: '7' }, { event: 'message', data: 'plain', id: '7' }]);
  });
});
