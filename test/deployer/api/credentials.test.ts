// Credentials in webhook URLs never come back out: refused at validation without being
// repeated (a schema message quotes the value it refused: that quote is redacted too), and a
// descriptor stored before the policy refused them is shown redacted by GET /descriptors
// and by a deployment's GET. The grep is over every answer and every log line.

import { describe, expect, it } from 'vitest';
import type { Descriptor } from '../../../src/deployer/descriptor/index.js';
import { redactUrl, redactUrlsIn } from '../../../src/deployer/descriptor/policy/index.js';
import { descriptor, startApi, text } from './helpers.js';

const SECRET_WORD = 'hunter2-do-not-show';

describe('credentials in webhook URLs', () => {
  it('redactUrl masks user, password and credential-like query values; redactUrlsIn does so inside text', () => {
    expect(redactUrl(`https://bot:${SECRET_WORD}@hooks.example.com/x?channel=ops&api_key=${SECRET_WORD}`)).toBe('https://***:***@hooks.example.com/x?channel=ops&api_key=***');
    expect(redactUrl('https://hooks.example.com/x')).toBe('https://hooks.example.com/x');
    expect(redactUrlsIn(`expected an http:// or https:// URL, got "ftp://bot:${SECRET_WORD}@files.example.com/"`)).not.toContain(SECRET_WORD);
    // A value a message cut short, before its '@': the authority goes whole.
    expect(redactUrlsIn(`got "https://bot:${SECRET_WORD}..."`)).toBe('got "https://***"');
    // Nothing to hide: the text stays exactly as written.
    expect(redactUrlsIn('"https://hooks[1].example.com/deploys" is not a URL')).toBe('"https://hooks[1].example.com/deploys" is not a URL');
    expect(redactUrl('https://hooks.example.com')).toBe('https://hooks.example.com');
  });

  it('a URL the schema refuses is not quoted back with its password', async () => {
    const api = await startApi();
    const answer = await api.call('POST', '/descriptors/validate', { body: text(descriptor({ webhooks: [{ url: `ftp://bot:${SECRET_WORD}@files.example.com/` }] })) });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('SCALERD_ERR_API_INVALID');
    expect(answer.body.error.details.diagnostics[0]).toMatchObject({ pointer: '/webhooks/0/url', message: expect.stringContaining('ftp://***:***@files.example.com/') });
    expect(JSON.stringify([answer.body, api.logLines])).not.toContain(SECRET_WORD);
  });

  it('one stored before the policy is shown redacted by GET /descriptors and a deployment\'s GET', async () => {
    const api = await startApi();
    const created = await api.call('POST', '/descriptors', { body: text(descriptor({ webhooks: [{ url: 'https://hooks.example.com/deploys' }] })) });
    expect(created.status).toBe(201);
    // As an older deployer would have stored it.
    const stored = api.deployer.descriptors.get('default/hello')!;
    const leaky = { ...stored, webhooks: [{ url: `https://bot:${SECRET_WORD}@hooks.example.com/deploys?token=${SECRET_WORD}`, events: ['failed'] }] } as Descriptor;
    api.deployer.descriptors.set('default/hello', leaky);
    const record = await api.deployer.deploy(leaky);
    const answers = [
      await api.call('GET', '/descriptors'),
      await api.call('GET', '/descriptors/default/hello'),
      await api.call('GET', `/deployments/default/hello/${record.id}`),
      await api.call('GET', '/deployments'),
    ];
    for (const answer of answers) expect(answer.status).toBe(200);
    expect(answers[1]!.body.webhooks).toEqual([{ url: 'https://***:***@hooks.example.com/deploys?token=***', events: ['failed'] }]);
    expect(answers[2]!.body.descriptor.webhooks[0].url).toBe('https://***:***@hooks.example.com/deploys?token=***');
    expect(JSON.stringify([answers.map((a) => a.body), api.logLines])).not.toContain(SECRET_WORD);
    // What GET gives, PUT takes no more: the redacted user is still a user in the URL.
    const put = await api.call('PUT', '/descriptors/default/hello', { body: text(answers[1]!.body) });
    expect(put).toMatchObject({ status: 422, body: { error: { code: 'SCALERD_ERR_API_POLICY', details: { rule: 'webhook/credentials' } } } });
  });
});
