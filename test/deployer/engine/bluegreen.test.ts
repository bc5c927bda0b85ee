// The blue/green engine end to end on one machine: real etcd, real haproxy in
// master-worker mode with lb-sync, the simulated cluster running the test app as real
// processes on loopback pod IPs, and constant load through haproxy (keep-alive and new
// connections) while versions are deployed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployment, type EngineDeps } from '../../../src/deployer/engine/engine.js';
import { type DeploymentRecord, newDeploymentId } from '../../../src/deployer/state/records.js';
import { FAILS_HEALTH_FAST, HOST, helloDescriptor, startDeployerBed, type DeployerBed } from '../bed.js';
import { httpGet } from '../infra.js';
import { startLoad } from '../load.js';

let bed: DeployerBed;
let deps: EngineDeps;
let lbUrl = '';

beforeAll(async () => {
  bed = await startDeployerBed();
  lbUrl = bed.lbUrl;
  deps = { ...bed.engine, records: bed.store() };
}, 60_000);

afterAll(async () => bed?.stop());

async function deploy(version: number, env: Record<string, string> = {}, more: object = {}): Promise<DeploymentRecord> {
  const d = helloDescriptor(version, env, more);
  const live = await deps.lb.frontend(HOST);
  const now = Date.now();
  const record: DeploymentRecord = {
    id: newDeploymentId(now), namespace: d.namespace, app: d.appName, version, previousVersion: deps.lb.versionOf(d.namespace, d.appName, live.backend),
    frontends: d.frontends, phase: 'accepted', status: 'RUNNING', switched: false, createdAt: now, updatedAt: now, phases: [], descriptor: d,
  };
  return new Deployment(deps, record, d).run(new AbortController().signal);
}

const versionsPresent = async () => (await deps.cluster.listVersions('default', 'hello')).filter((v) => !v.terminating).map((v) => v.version);

describe('blue/green through haproxy, under load', () => {
  it('deploys v1, then v2 under load: zero failed requests, every answer after the switch from v2', async () => {
    expect(await deploy(1)).toMatchObject({ status: 'SUCCESS' });
    expect((await httpGet(lbUrl, HOST)).version).toBe('1');

    const load = startLoad({ url: lbUrl, host: HOST, maxDurationMs: 60_000 });
    const done = await deploy(2);
    const report = await load.stop();
    expect(done).toMatchObject({ status: 'SUCCESS' });
    expect(report.failed, JSON.stringify(report.failures.slice(0, 3))).toBe(0);
    // The load held its rate through the deploy (an open loop: a stall would show as late or failed requests).
    expect(report.ratePerS).toBeGreaterThan(150);
    // After the switch was acknowledged (verifying began), only v2 answers.
    const verifying = done.phases.find((p) => p.phase === 'verifying')!.at;
    expect(new Set(report.samples.filter((s) => s.sentAt >= verifying).map((s) => s.version))).toEqual(new Set(['2']));
    expect(report.byVersion['1']).toBeGreaterThan(0);
    expect(await versionsPresent()).toEqual([2]);
  }, 90_000);

  for (const [what, env, reason] of [
    ['unhealthy', { UNHEALTHY: '1' }, /not Ready after 2000 ms: hello-3-\S+: HTTP 503, healthy: false/],
    ['health endpoint hangs', { HEALTH_HANGS: '1' }, /not Ready after 2000 ms: hello-3-\S+: no answer within 500 ms/],
  ] as const) {
    it(`v3 ${what}: zero failed requests, all from v2, v3 removed, FAILURE with the reason`, async () => {
      const load = startLoad({ url: lbUrl, host: HOST, maxDurationMs: 60_000 });
      const done = await deploy(3, env, FAILS_HEALTH_FAST);
      const report = await load.stop();
      expect(done).toMatchObject({ status: 'FAILURE', switched: false });
      expect(done.reason).toMatch(reason);
      expect(report.failed, JSON.stringify(report.failures.slice(0, 3))).toBe(0);
      expect(Object.keys(report.byVersion)).toEqual(['2']);
      expect(await versionsPresent()).toEqual([2]);
    }, 90_000);
  }
});
