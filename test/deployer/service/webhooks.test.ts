// Descriptors' webhooks as the deployer calls them: signed with the value of their
// secretRef (read at send time through the SecretReader), never called unsigned when it
// cannot be read, held to the operator's rules again at send time (a stored URL with
// credentials, http://, an internal host), and refused when a public-looking name resolves
// to an internal address unless the host is allow-listed. Logs show URLs redacted.

import { createHmac } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/daemon/log.js';
import type { Webhook } from '../../../src/deployer/descriptor/index.js';
import { notify, type WebhookSenderOptions } from '../../../src/deployer/service/webhooks.js';
import type { DeploymentRecord } from '../../../src/deployer/state/records.js';
import type { SecretReader } from '../../../src/ports/secrets.js';

const NOW = Date.parse('2026-12-07T15:00:00Z');
const SIGNING = 'hook-signing-secret-0123456789';
const record = { id: 'd1', namespace: 'shop', app: 'web', version: 3, previousVersion: 2, frontends: ['shop.example.com'], phase: 'done', status: 'SUCCESS', switched: true, createdAt: NOW, updatedAt: NOW, phases: [], descriptor: {} } as DeploymentRecord;

let server: Server;
let port = 0;
const heard: { url: string; signature: string | undefined; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => {
      heard.push({ url: req.url ?? '', signature: req.headers['x-scalerd-signature'] as string | undefined, body });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => new Promise((resolve) => server.close(resolve)));

function sender(options: Partial<WebhookSenderOptions> = {}): WebhookSenderOptions & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({ write(chunk: Buffer, _e, done) { for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>); done(); } });
  return { log: createLogger({ level: 'debug', pretty: false, destination }), now: () => NOW, policy: { allowHttp: true, allowedHosts: ['127.0.0.1', 'hooks.test'] }, ...options, lines };
}

/** Every name resolves to loopback, as an attacker's DNS would answer. */
const toLoopback = ((_host: string, _options: unknown, callback: (e: Error | null, a: LookupAddress[]) => void) => callback(null, [{ address: '127.0.0.1', family: 4 }])) as unknown as WebhookSenderOptions['lookup'];

const secrets = (values: Record<string, string>): SecretReader & { reads: string[] } => {
  const reads: string[] = [];
  return { reads, readSecretKey: async (ns, name, key) => { reads.push(`${ns}/${name}/${key}`); return values[`${ns}/${name}/${key}`]; } };
};

describe('descriptors\' webhooks, as called', () => {
  it('a webhook with a secretRef is signed with the Secret\'s value, read from the deployment\'s namespace', async () => {
    heard.length = 0;
    const reader = secrets({ 'shop/hooks/signing': SIGNING });
    const hook: Webhook = { url: `http://127.0.0.1:${port}/signed`, events: ['succeeded'], secretRef: { name: 'hooks', key: 'signing' } };
    const o = sender({ secrets: reader });
    await notify([hook], 'succeeded', record, o);
    expect(reader.reads).toEqual(['shop/hooks/signing']);
    expect(heard).toHaveLength(1);
    const { signature, body } = heard[0]!;
    const t = NOW / 1000;
    expect(signature).toBe(`t=${t},v1=${createHmac('sha256', SIGNING).update(`${t}.${body}`).digest('hex')}`);
    expect(JSON.parse(body)).toMatchObject({ event: 'succeeded', deployment: { id: 'd1' } });
    expect(JSON.stringify(o.lines)).not.toContain(SIGNING);
  });

  it('a secretRef that cannot be read: not called at all, and the log says why', async () => {
    heard.length = 0;
    const hook: Webhook = { url: `http://127.0.0.1:${port}/unsigned`, events: [], secretRef: { name: 'missing', key: 'k' } };
    const o = sender({ secrets: secrets({}) });
    await notify([hook], 'failed', record, o);
    expect(heard).toEqual([]);
    expect(o.lines).toContainEqual(expect.objectContaining({ event: 'webhook-secret-missing', secret: 'shop/missing', key: 'k' }));
  });

  it('held to the rules at send time: a stored URL with credentials, http:// or an internal host is not called; its URL is logged redacted', async () => {
    heard.length = 0;
    const o = sender({ policy: { allowHttp: false, allowedHosts: [] } });
    const hooks: Webhook[] = [
      { url: `https://bot:hunter2-send@hooks.example.com/x`, events: [] },
      { url: `http://127.0.0.1:${port}/plain`, events: [] },
      { url: `https://10.1.2.3/admin`, events: [] },
    ];
    await notify(hooks, 'started', record, o);
    expect(heard).toEqual([]);
    const refused = o.lines.filter((l) => l.event === 'webhook-refused');
    expect(refused.map((l) => l.rules)).toEqual([['webhook/credentials'], ['webhook/https', 'webhook/internal-host'], ['webhook/internal-host']]);
    expect(refused[0]!.url).toBe('https://***:***@hooks.example.com/x');
    expect(JSON.stringify(o.lines)).not.toContain('hunter2');
  });

  it('a public-looking name that resolves to an internal address is refused as it connects, unless the host is allow-listed', async () => {
    heard.length = 0;
    const refused = sender({ lookup: toLoopback, policy: { allowHttp: true, allowedHosts: [] } });
    await notify([{ url: `http://rebind.example.com:${port}/x`, events: [] }], 'started', record, refused);
    expect(heard).toEqual([]);
    expect(refused.lines).toContainEqual(expect.objectContaining({ event: 'webhook-failed', reason: expect.stringContaining('resolves to an internal address (127.0.0.1)') }));

    const allowed = sender({ lookup: toLoopback, policy: { allowHttp: true, allowedHosts: ['*.example.com'] } });
    await notify([{ url: `http://rebind.example.com:${port}/allowed`, events: [] }], 'started', record, allowed);
    expect(heard.map((h) => h.url)).toEqual(['/allowed']);
  });

  it('a redirect is not followed', async () => {
    heard.length = 0;
    const redirector = createServer((_req, res) => { res.writeHead(307, { location: `http://127.0.0.1:${port}/followed` }); res.end(); });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    const o = sender();
    await notify([{ url: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/r`, events: [] }], 'started', record, o);
    await new Promise((resolve) => redirector.close(resolve));
    expect(heard).toEqual([]);
    expect(o.lines).toContainEqual(expect.objectContaining({ event: 'webhook-failed', status: 307 }));
  });
});
