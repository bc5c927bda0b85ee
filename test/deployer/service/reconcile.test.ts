// The deployer's reconcile on the real bed: a version no record keeps is removed after the
// drain delay (and written to the app's history), the serving one is kept; a deployment left
// RUNNING by a deployer that died blocks a new deploy of its app (409) until a reconcile has
// completed or rolled it back.

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { versionManifests } from '../../../src/deployer/manifests/index.js';
import { DeployerService } from '../../../src/deployer/service/service.js';
import type { DeploymentRecord } from '../../../src/deployer/state/records.js';
import { helloDescriptor, sleep, startDeployerBed, type DeployerBed } from '../bed.js';

let bed: DeployerBed;

beforeAll(async () => {
  bed = await startDeployerBed();
}, 60_000);
afterAll(async () => bed?.stop());

const service = () => new DeployerService({ store: bed.store({ lockTtlSeconds: 15 }), engine: bed.engine, log: pino({ level: 'silent' }) });
const present = async () => (await bed.engine.cluster.listVersions('default', 'hello')).filter((v) => !v.terminating).map((v) => v.version);
const backends = async () => (await bed.engine.lb.backends()).filter((id) => id.startsWith('default.hello.')).sort();

describe('the reconcile', () => {
  it('removes a version no record keeps once it has been an orphan for the drain delay, keeps the serving one, and says so in the history', async () => {
    const s = service();
    const first = await s.deploy(helloDescriptor('auto'));
    await s.idle();
    // A version left behind: its Deployment, Service and backend, and no record of it.
    const leaked = helloDescriptor(9);
    const { deployment, service: svc } = versionManifests(leaked, 9);
    await bed.engine.cluster.createDeployment(deployment);
    await bed.engine.cluster.createService(svc);
    await bed.engine.lb.register('default.hello.9', [], '/health');
    expect(await present()).toEqual([first.version, 9]);

    const seen = await s.reconcile();
    expect(seen).toMatchObject({ removed: [], waiting: [{ namespace: 'default', app: 'hello', version: 9 }] });
    await sleep(leaked.drainDelayMs + 100);
    const done = await s.reconcile();
    expect(done).toMatchObject({ removed: [{ namespace: 'default', app: 'hello', version: 9 }], waiting: [], failed: [] });
    expect(await present()).toEqual([first.version]);
    expect(await backends()).toEqual([`default.hello.${first.version}`]);

    const history = await s.list('default', 'hello');
    const entry = history.find((r) => r.kind === 'reconcile')!;
    expect(entry).toMatchObject({ status: 'SUCCESS', version: 9, reason: 'reconcile: removed version 9, which no deployment record keeps' });
    expect((await s.logs('default', 'hello', entry.id)).map((l) => l.message)).toEqual([`version 9 removed: no deployment record keeps it (kept: serving ${first.version})`]);
    // Nothing more to do.
    expect(await s.reconcile()).toMatchObject({ resumed: [], removed: [], waiting: [] });
  }, 60_000);

  it('a deployment left RUNNING by a dead deployer: a new deploy gets 409 naming it until a reconcile has finished it', async () => {
    const s = service();
    const serving = Math.max(...(await present()));
    const now = Date.now();
    const stale: DeploymentRecord = {
      id: `20200101T000000000Z-dead`, namespace: 'default', app: 'hello', version: serving + 1, previousVersion: serving, frontends: helloDescriptor(1).frontends,
      phase: 'health-checking', status: 'RUNNING', switched: false, createdAt: now, updatedAt: now, phases: [{ phase: 'health-checking', at: now }], descriptor: helloDescriptor(serving + 1),
    };
    await bed.store().create(stale);
    await expect(s.deploy(helloDescriptor('auto'))).rejects.toMatchObject({ kind: 'conflict', detail: { running: stale.id } });
    expect(await s.reconcile()).toMatchObject({ resumed: [stale.id] });
    await s.idle();
    expect(await s.get('default', 'hello', stale.id)).toMatchObject({ status: 'FAILURE', phase: 'done', switched: false });
    // The 409 also asked for a pass a second later; let it pass first, so it holds no lock the next deploy needs.
    await sleep(1_500);
    const next = await s.deploy(helloDescriptor('auto'));
    await s.idle();
    expect(await s.get('default', 'hello', next.id)).toMatchObject({ status: 'SUCCESS' });
    expect(await present()).toEqual([next.version]);
  }, 60_000);
});
