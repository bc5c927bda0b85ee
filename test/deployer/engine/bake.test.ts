// The bake on the real bed, under the open-loop load: a version that passes its checks, takes
// the traffic, and crashes 6 s after it started (the test app's CRASH_AFTER_SECONDS) is
// switched back within the detection time docs/deployer.md states (1 s from the crash to
// haproxy serving the old version again), recorded FAILURE with the numbers that breached,
// removed, and its webhook told; no request fails after the switch back.

import { createServer, type Server } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeployerMetrics } from '../../../src/deployer/metrics.js';
import { DeployerService } from '../../../src/deployer/service/service.js';
import type { DeploymentRecord } from '../../../src/deployer/state/records.js';
import { HOST, helloDescriptor, startDeployerBed, watchCrash, type DeployerBed } from '../bed.js';
import { httpGet } from '../infra.js';
import { startLoad } from '../load.js';

/** docs/deployer.md, "The bake": from the new version's failure to the old one serving again. */
const DETECTION_MS = 1_000;
const CRASH_AFTER_SECONDS = 6;

let bed: DeployerBed;
let hooks: Server;
let hookUrl = '';
const heard: { event: string; deployment: DeploymentRecord }[] = [];

beforeAll(async () => {
  bed = await startDeployerBed();
  hooks = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => {
      heard.push(JSON.parse(body) as { event: string; deployment: DeploymentRecord });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hooks.address() as { port: number }).port}/hook`;
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => hooks?.close(resolve));
  await bed?.stop();
});

describe('the bake', () => {
  it(`a version that crashes ${CRASH_AFTER_SECONDS} s after it started, after the switch: switched back within ${DETECTION_MS} ms, FAILURE with the numbers, removed, webhook told`, async () => {
    // The receiver is on loopback over http: allowed explicitly, as an operator would have to.
    const webhookPolicy = { allowHttp: true, allowedHosts: ['127.0.0.1'] };
    const metrics = createDeployerMetrics();
    const s = new DeployerService({ store: bed.store({ lockTtlSeconds: 15 }), engine: bed.engine, log: pino({ level: 'silent' }), webhooks: { policy: webhookPolicy }, metrics });
    const first = await s.deploy(helloDescriptor('auto'));
    await s.idle();
    expect(await s.get('default', 'hello', first.id)).toMatchObject({ status: 'SUCCESS' });

    const load = startLoad({ url: bed.lbUrl, host: HOST, maxDurationMs: 90_000 });
    const starts = watchCrash(bed.sim, first.version + 1, CRASH_AFTER_SECONDS);
    const deployed = await s.deploy(helloDescriptor('auto', { CRASH_AFTER_SECONDS: String(CRASH_AFTER_SECONDS) }, { bake: { durationMs: 20_000 }, webhooks: [{ url: hookUrl }] }))
      .then(async (r) => { await s.idle(); return { r }; }, (error: unknown) => ({ error }));
    starts.stop();
    const report = await load.stop();
    if ('error' in deployed) throw deployed.error;
    const record = deployed.r;
    const done = (await s.get('default', 'hello', record.id))!;

    expect(done).toMatchObject({ status: 'FAILURE', switched: true, bake: { verdict: 'breach' } });
    expect(done.reason).toMatch(/^bake failed after \d+\.\d s: .*(failed connections to its servers|servers went DOWN|responses were 5xx)/);
    const at = (phase: string) => done.phases.find((p) => p.phase === phase)!.at;
    const logs = await s.logs('default', 'hello', done.id);
    const backAt = logs.find((l) => /switched back to default\.hello\.1/.test(l.message))!.at;
    const crashAt = starts.crashAt()!;
    // The crash came after the switch, during the bake (else this tests the checks before it).
    expect(crashAt).toBeGreaterThan(at('baking'));
    expect(backAt - crashAt, `switched back ${backAt - crashAt} ms after the crash`).toBeLessThanOrEqual(DETECTION_MS);

    const failed = (x: { status: number }) => x.status < 200 || x.status > 299;
    const inBake = report.samples.filter((x) => x.sentAt >= at('switching') && x.sentAt < backAt);
    const afterBack = report.samples.filter((x) => x.sentAt >= backAt);
    console.log(`crash → breach seen ${at('rolling-back') - crashAt} ms, → old version serving again ${backAt - crashAt} ms; during the bake ${inBake.filter(failed).length} of ${inBake.length} requests failed (${JSON.stringify(done.bake?.figures)}); after the switch back ${afterBack.filter(failed).length} of ${afterBack.length}`);
    expect(afterBack.filter(failed)).toEqual([]);
    expect(report.failed).toBe(inBake.filter(failed).length);

    expect((await httpGet(bed.lbUrl, HOST)).version).toBe(String(first.version));
    expect((await bed.engine.cluster.listVersions('default', 'hello')).filter((v) => !v.terminating).map((v) => v.version)).toEqual([first.version]);
    expect(heard.map((h) => h.event)).toEqual(['started', 'rolled-back']);
    expect(heard[1]!.deployment).toMatchObject({ id: done.id, status: 'FAILURE', reason: done.reason, bake: { verdict: 'breach' } });

    // What a dashboard reads of the two: one succeeded, one rolled back after its bake's breach.
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^scalerd_deployer_deployments_total\{outcome="succeeded"\} 1$/m);
    expect(text).toMatch(/^scalerd_deployer_deployments_total\{outcome="rolled-back"\} 1$/m);
    expect(text).toMatch(/^scalerd_deployer_deployments_total\{outcome="failed"\} 0$/m);
    expect(text).toMatch(/^scalerd_deployer_switch_duration_seconds_count 2$/m);
    expect(text).toMatch(/^scalerd_deployer_bake_duration_seconds_count\{verdict="clean"\} 1$/m);
    expect(text).toMatch(/^scalerd_deployer_bake_duration_seconds_count\{verdict="breach"\} 1$/m);
    expect(Number(/^scalerd_deployer_bake_duration_seconds_sum\{verdict="breach"\} (\S+)$/m.exec(text)?.[1]) * 1000).toBeCloseTo(done.bake!.figures!.elapsedMs, 0);
    expect(text).toMatch(/^scalerd_deployer_deployments_in_progress 0$/m);
  }, 120_000);
});
