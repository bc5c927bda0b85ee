// haproxy refuses the configuration that carries the new version (here by lb-sync's test
// hook: `haproxy -c` fails on it): no reload, the old configuration keeps serving, and
// the deployment fails at once with haproxy's words, under load with zero failed requests.

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeployerService } from '../../../src/deployer/service/service.js';
import { HOST, helloDescriptor, startDeployerBed, type DeployerBed } from '../bed.js';
import { haproxyCommand, refusingHaproxy, tempDir } from '../infra.js';
import { startLoad } from '../load.js';

let bed: DeployerBed;

beforeAll(async () => {
  // haproxy -c refuses any config that loads version 2's backend.
  bed = await startDeployerBed({ sync: { haproxyBin: await refusingHaproxy(await tempDir('haproxy-bin'), 'default.hello.2') } });
}, 60_000);
afterAll(async () => bed?.stop());

describe('a configuration haproxy refuses', () => {
  it('is never loaded: v1 keeps serving, v2 fails with the check\'s error and is removed, zero failed requests', async () => {
    const deployer = new DeployerService({ store: bed.store(), engine: bed.engine, log: pino({ level: 'silent' }) });
    const v1 = await deployer.deploy(helloDescriptor(1));
    await deployer.idle();
    expect((await deployer.get('default', 'hello', v1.id))!.status).toBe('SUCCESS');
    const workers = await haproxyCommand(bed.world.haproxy.masterSocket, 'show proc');

    const load = startLoad({ url: bed.lbUrl, host: HOST, maxDurationMs: 60_000 });
    const started = Date.now();
    const v2 = await deployer.deploy(helloDescriptor(2));
    await deployer.idle();
    const report = await load.stop();
    const done = (await deployer.get('default', 'hello', v2.id))!;
    expect(done).toMatchObject({ status: 'FAILURE', switched: false });
    expect(done.reason).toMatch(/haproxy refused the configuration with backend default\.hello\.2 \(the old one keeps serving\)/);
    // Failed at once, not at the load balancer's deadline.
    expect(Date.now() - started).toBeLessThan(bed.engine.timings.lbDeadlineMs);
    expect(report.failed, JSON.stringify(report.failures.slice(0, 3))).toBe(0);
    expect(Object.keys(report.byVersion)).toEqual(['1']);
    // No reload happened: the same worker serves.
    const pids = (text: string) => text.split('\n').filter((l) => /\bworker\b/.test(l)).map((l) => l.trim().split(/\s+/)[0]);
    expect(pids(workers).length).toBeGreaterThan(0);
    expect(pids(await haproxyCommand(bed.world.haproxy.masterSocket, 'show proc'))).toEqual(pids(workers));
    expect((await bed.engine.cluster.listVersions('default', 'hello')).filter((v) => !v.terminating).map((v) => v.version)).toEqual([1]);
  }, 90_000);
});
