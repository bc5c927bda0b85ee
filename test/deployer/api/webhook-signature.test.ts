// Signed registry webhooks: X-Scalerd-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">,
// checked against the signing secret within a tolerance window (default 300 s); the static
// secret mode still works beside it, and each mode's secret opens only its own mode.

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSignature, parseSignatureHeader, signatureHeader } from '../../../src/deployer/signing/index.js';
import { descriptor, SECRET, startApi, text, type Api } from './helpers.js';

const SIGNING = 'signing-secret-0123456789abcdef';
const NOW = Date.parse('2026-12-07T15:00:00Z');
const T = NOW / 1000;
const BODY = JSON.stringify({ repository: 'scalerd/test-app', tag: '7' });
/** Signed as a registry would, independently of the code under test. */
const hmac = (secret: string, t: number, body: string) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
const signed = (api: Api, header: string, body = BODY) => api.call('POST', '/webhooks/registry', { body, token: null, headers: { 'x-scalerd-signature': header } });

async function signedApi(options: Parameters<typeof startApi>[0] = {}): Promise<Api> {
  const api = await startApi({ webhookSecret: undefined, webhookSigningSecret: SIGNING, now: () => NOW, ...options });
  await api.call('POST', '/descriptors', { body: text(descriptor()) });
  return api;
}

describe('the signature format', () => {
  it('signs "<t>.<body>" with HMAC-SHA256, parses back, and checks within the window only', () => {
    const header = signatureHeader(SIGNING, NOW, BODY);
    expect(header).toBe(`t=${T},v1=${hmac(SIGNING, T, BODY)}`);
    expect(parseSignatureHeader(header)).toEqual({ timestamp: T, signatures: [hmac(SIGNING, T, BODY)] });
    expect(checkSignature(header, BODY, SIGNING, NOW + 300_000, 300)).toEqual({ ok: true });
    expect(checkSignature(header, BODY, SIGNING, NOW + 301_000, 300)).toMatchObject({ ok: false, problem: 'expired', message: expect.stringContaining('301 s old') });
    expect(checkSignature(header, BODY, SIGNING, NOW - 301_000, 300)).toMatchObject({ ok: false, problem: 'expired', message: expect.stringContaining('in the future') });
    expect(checkSignature(header, `${BODY} `, SIGNING, NOW, 300)).toMatchObject({ ok: false, problem: 'mismatch' });
    expect(checkSignature(header, BODY, `${SIGNING}x`, NOW, 300)).toMatchObject({ ok: false, problem: 'mismatch' });
    for (const bad of ['', 'v1=ab', `t=${T}`, `t=x,v1=${hmac(SIGNING, T, BODY)}`, `t=${T},v1=XYZ`, `t=${T},t=${T},v1=${hmac(SIGNING, T, BODY)}`]) {
      expect(parseSignatureHeader(bad), bad).toBeUndefined();
    }
    // A secret being rotated: either signature does.
    expect(checkSignature(`t=${T},v1=${hmac('old-secret-0123456789', T, BODY)},v1=${hmac(SIGNING, T, BODY)}`, BODY, SIGNING, NOW, 300)).toEqual({ ok: true });
  });
});

describe('POST /webhooks/registry, signed', () => {
  it('a right signature within the window deploys', async () => {
    const api = await signedApi();
    const answer = await signed(api, `t=${T - 299},v1=${hmac(SIGNING, T - 299, BODY)}`);
    expect(answer.status).toBe(202);
    expect(api.deployer.calls).toContain('deploy default/hello auto scalerd/test-app:7');
  });

  it('a wrong signature, another body, a stale or future timestamp, a malformed header: 401 and nothing deployed', async () => {
    const api = await signedApi();
    const cases: [string, string, RegExp][] = [
      ['wrong secret', `t=${T},v1=${hmac('not-the-secret-0123456789', T, BODY)}`, /no v1 signature matches/],
      ['another body', `t=${T},v1=${hmac(SIGNING, T, '{"repository":"scalerd/test-app","tag":"8"}')}`, /no v1 signature matches/],
      ['stale', `t=${T - 301},v1=${hmac(SIGNING, T - 301, BODY)}`, /301 s old, outside the 300 s window/],
      ['future', `t=${T + 600},v1=${hmac(SIGNING, T + 600, BODY)}`, /in the future/],
      ['malformed', `sha256=${hmac(SIGNING, T, BODY)}`, /malformed/],
    ];
    for (const [what, header, message] of cases) {
      const refused = await signed(api, header);
      expect(refused.status, what).toBe(401);
      expect(refused.body.error, what).toMatchObject({ code: 'SCALERD_ERR_API_WEBHOOK_SIGNATURE', message: expect.stringMatching(message) });
    }
    // No signature at all, where only signed calls are taken.
    const unsigned = await api.call('POST', '/webhooks/registry', { body: BODY, token: null });
    expect(unsigned).toMatchObject({ status: 401, body: { error: { code: 'SCALERD_ERR_API_WEBHOOK_SIGNATURE', message: expect.stringMatching(/is missing/) } } });
    expect(api.deployer.calls.filter((c) => c.startsWith('deploy'))).toEqual([]);
    expect(JSON.stringify(api.logLines)).not.toContain(SIGNING);
  });

  it('the tolerance is configurable', async () => {
    const api = await signedApi({ webhookToleranceSeconds: 30 });
    expect((await signed(api, `t=${T - 31},v1=${hmac(SIGNING, T - 31, BODY)}`)).status).toBe(401);
    expect((await signed(api, `t=${T - 29},v1=${hmac(SIGNING, T - 29, BODY)}`)).status).toBe(202);
  });

  it('a replay inside the window deploys nothing new (idempotent)', async () => {
    const api = await signedApi();
    const header = `t=${T},v1=${hmac(SIGNING, T, BODY)}`;
    expect((await signed(api, header)).status).toBe(202);
    expect((await signed(api, header)).status).toBe(200);
    expect(api.deployer.calls.filter((c) => c.startsWith('deploy'))).toHaveLength(1);
  });

  it('both modes side by side: the static secret still works, and neither secret stands in for the other', async () => {
    const api = await signedApi({ webhookSecret: SECRET });
    const staticMode = await api.call('POST', '/webhooks/registry', { body: BODY, token: null, headers: { 'x-scalerd-webhook-secret': SECRET } });
    expect(staticMode.status).toBe(202);
    const signingAsStatic = await api.call('POST', '/webhooks/registry', { body: BODY, token: null, headers: { 'x-scalerd-webhook-secret': SIGNING } });
    expect(signingAsStatic).toMatchObject({ status: 401, body: { error: { code: 'SCALERD_ERR_API_WEBHOOK_SECRET' } } });
    expect((await signed(api, `t=${T},v1=${hmac(SECRET, T, BODY)}`)).status).toBe(401);
  });

  it('a signature where only the static secret is configured is refused, saying so', async () => {
    const api = await startApi({ now: () => NOW });
    const answer = await signed(api, `t=${T},v1=${hmac(SIGNING, T, BODY)}`);
    expect(answer).toMatchObject({ status: 401, body: { error: { code: 'SCALERD_ERR_API_WEBHOOK_SIGNATURE', message: expect.stringContaining('without a webhook signing secret') } } });
  });
});
