// The registry webhook is idempotent: the same notification sent again (a registry's retry,
// or a replay) deploys nothing new while the app runs or is deploying that image; it
// answers 200 with the deployment that has it. A new tag, a new digest for a tag, or an
// app that has since been rolled back to another image, deploys again.

import { describe, expect, it } from 'vitest';
import { descriptor, SECRET, startApi, text, type Api } from './helpers.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const hook = (api: Api, body: unknown) => api.call('POST', '/webhooks/registry', { body: JSON.stringify(body), token: null, headers: { 'x-scalerd-webhook-secret': SECRET } });
const deploys = (api: Api) => api.deployer.calls.filter((c) => c.startsWith('deploy'));
const envelope = (tag: string, digest = DIGEST) => ({ events: [{ action: 'push', target: { repository: 'scalerd/test-app', tag, digest }, request: { host: 'registry.example.com' } }] });

describe('POST /webhooks/registry, sent again', () => {
  it('three identical notifications are one deployment: the 2nd and 3rd answer 200 with the first\'s', async () => {
    const api = await startApi();
    await api.call('POST', '/descriptors', { body: text(descriptor()) });
    const first = await hook(api, envelope('7'));
    expect(first.status).toBe(202);
    const [started] = first.body.started;
    expect(started).toMatchObject({ namespace: 'default', app: 'hello', status: 'RUNNING' });
    // While it runs, and after it succeeded: the same answer.
    const second = await hook(api, envelope('7'));
    expect(second).toMatchObject({ status: 200, body: { started: [], failed: [], existing: [expect.objectContaining({ id: started.id, status: 'RUNNING' })] } });
    api.deployer.finish(started.id, 'SUCCESS');
    const third = await hook(api, envelope('7'));
    expect(third).toMatchObject({ status: 200, body: { started: [], existing: [expect.objectContaining({ id: started.id, status: 'SUCCESS' })] } });
    expect(third.body.message).toMatch(/already deployed or deploying/);
    expect(deploys(api)).toEqual([`deploy default/hello auto scalerd/test-app:7@${DIGEST}`]);
    expect(api.logLines.filter((l) => l.event === 'webhook-duplicate')).toHaveLength(2);
  });

  it('copies arriving together are one deployment too', async () => {
    const api = await startApi();
    await api.call('POST', '/descriptors', { body: text(descriptor()) });
    const answers = await Promise.all([hook(api, envelope('8')), hook(api, envelope('8')), hook(api, envelope('8'))]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 202]);
    expect(deploys(api)).toHaveLength(1);
    const id = answers.find((a) => a.status === 202)!.body.started[0].id;
    for (const a of answers.filter((x) => x.status === 200)) expect(a.body.existing[0].id).toBe(id);
  });

  it('a new tag, the same tag with a new digest, or a push whose deployment failed, deploys again', async () => {
    const api = await startApi();
    await api.call('POST', '/descriptors', { body: text(descriptor()) });
    const seven = (await hook(api, { repository: 'scalerd/test-app', tag: '7' })).body.started[0];
    api.deployer.finish(seven.id, 'SUCCESS');
    const eight = await hook(api, { repository: 'scalerd/test-app', tag: '8' });
    expect(eight.status).toBe(202);
    api.deployer.finish(eight.body.started[0].id, 'FAILURE', 'health check failed');
    // 8 failed: 7 still serves, and a retried notification of 8 is tried again.
    expect((await hook(api, { repository: 'scalerd/test-app', tag: '8' })).status).toBe(202);
    const repushed = await hook(api, { repository: 'scalerd/test-app', tag: '8', digest: DIGEST });
    expect(repushed.status).toBe(409); // the retry of 8 is still running
    expect(deploys(api)).toEqual([
      'deploy default/hello auto scalerd/test-app:7',
      'deploy default/hello auto scalerd/test-app:8',
      'deploy default/hello auto scalerd/test-app:8',
      `deploy default/hello auto scalerd/test-app:8@${DIGEST}`,
    ]);
  });

  it('an app since deployed with another image takes the push again', async () => {
    const api = await startApi();
    await api.call('POST', '/descriptors', { body: text(descriptor()) });
    const seven = (await hook(api, { repository: 'scalerd/test-app', tag: '7' })).body.started[0];
    api.deployer.finish(seven.id, 'SUCCESS');
    // Someone deployed 6 again by hand: 7 no longer serves.
    await api.call('PUT', '/descriptors/default/hello', { body: text(descriptor({ podSpec: { containers: [{ name: 'app', image: 'scalerd/test-app:6', ports: [{ containerPort: 8080 }] }] } })) });
    const six = (await api.call('POST', '/deployments', { body: text(descriptor({ podSpec: { containers: [{ name: 'app', image: 'scalerd/test-app:6', ports: [{ containerPort: 8080 }] }] } })) })).body;
    api.deployer.finish(six.id, 'SUCCESS');
    expect((await hook(api, { repository: 'scalerd/test-app', tag: '7' })).status).toBe(202);
  });
});
