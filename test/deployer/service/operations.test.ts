// Rollback to the previous version and undeploy, on the real bed.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeployerService } from '../../../src/deployer/service/service.js';
import { HOST, helloDescriptor, startDeployerBed, type DeployerBed } from '../bed.js';
import { httpGet } from '../infra.js';

let bed: DeployerBed;
beforeAll(async () => {
  bed = await startDeployerBed();
}, 60_000);
afterAll(async () => bed?.stop());

describe('rollback and undeploy', () => {
  it('rollback deploys the previous successful descriptor as a new version; undeploy removes every trace', async () => {
    // The receiver is on loopback over http: the operator allows exactly that.
    const webhookPolicy = { allowHttp: true, allowedHosts: ['127.0.0.1'] };
    const s = new DeployerService({ store: bed.store(), engine: bed.engine, log: pino({ level: 'silent' }), webhooks: { policy: webhookPolicy } });
    // A webhook receiver: what each deployment told it, in order.
    const heard: string[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => {
        const { event, deployment } = JSON.parse(body) as { event: string; deployment: { version: number } };
        heard.push(`${event} ${deployment.version}`);
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const webhooks = [{ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` }];
    const first = helloDescriptor('auto', {}, { replicas: 1, webhooks });
    const second = helloDescriptor('auto', { RESPONSE_DELAY_MS: '1' }, { replicas: 1, webhooks });
    await s.deploy(first);
    await s.idle();
    await s.deploy(second);
    await s.idle();
    expect((await httpGet(bed.lbUrl, HOST)).version).toBe('2');

    const back = await s.rollback('default', 'hello');
    await s.idle();
    const done = (await s.get('default', 'hello', back.id))!;
    expect(done).toMatchObject({ status: 'SUCCESS', version: 3, previousVersion: 2 });
    // Version 1's spec, under a new number.
    expect(done.descriptor).toMatchObject({ podSpec: first.podSpec, replicas: 1 });
    expect((await httpGet(bed.lbUrl, HOST)).version).toBe('3');
    // What serves, read from etcd and the cluster: version 3 on the hostname; 2 may still be draining.
    const [app] = await s.apps();
    expect(app).toMatchObject({ namespace: 'default', app: 'hello', frontends: [{ host: HOST, version: 3 }], running: null, last: { id: back.id, status: 'SUCCESS', version: 3 } });
    expect(app!.versions.filter((v) => !v.terminating).map((v) => v.version)).toEqual([3]);
    expect(app!.versions.find((v) => v.version === 3)).toEqual({ version: 3, inCluster: true, terminating: false, inLoadBalancer: true });

    const removed = await s.undeploy('default', 'hello');
    expect(removed).toMatchObject({ status: 'SUCCESS', reason: 'undeploy', phase: 'done' });
    expect(await bed.engine.lb.frontend(HOST)).toEqual({ backend: undefined, revision: 0 });
    expect((await bed.engine.cluster.listVersions('default', 'hello')).filter((v) => !v.terminating)).toEqual([]);
    expect(await s.getDescriptor('default', 'hello')).toBeUndefined();
    await expect(s.undeploy('default', 'hello')).rejects.toMatchObject({ kind: 'not-found' });
    expect(await s.apps()).toEqual([expect.objectContaining({ app: 'hello', frontends: [{ host: HOST, version: null }], last: expect.objectContaining({ kind: 'undeploy' }) })]);
    expect(heard).toEqual(['started 1', 'succeeded 1', 'started 2', 'succeeded 2', 'started 3', 'succeeded 3', 'undeployed 3']);
    receiver.close();
  }, 90_000);

  it('stop() halts a deployment between steps, keeps its phase, and the next deployer finishes it', async () => {
    const log = pino({ level: 'silent' });
    const first = new DeployerService({ store: bed.store({ lockTtlSeconds: 2 }), engine: bed.engine, log });
    const started = await first.deploy(helloDescriptor('auto', {}, { replicas: 1 }));
    // Stopped as soon as its pods are being waited for.
    for (let i = 0; i < 200 && (await first.get('default', 'hello', started.id))!.phase === 'accepted'; i++) await new Promise((r) => setTimeout(r, 10));
    await first.stop();
    const stopped = (await first.get('default', 'hello', started.id))!;
    expect(stopped.status).toBe('RUNNING');
    expect(stopped.phase).not.toBe('done');
    await expect(first.deploy(helloDescriptor('auto'))).rejects.toMatchObject({ kind: 'precondition' });

    const next = new DeployerService({ store: bed.store({ lockTtlSeconds: 2 }), engine: bed.engine, log });
    await next.resumeAll(new AbortController().signal);
    await next.idle();
    // Before its switch: rolled back, the app left as it was (undeployed above: no backend).
    expect((await next.get('default', 'hello', started.id))!).toMatchObject({ phase: 'done', status: 'FAILURE' });
    expect((await bed.engine.cluster.listVersions('default', 'hello')).filter((v) => !v.terminating)).toEqual([]);
  }, 60_000);
});
