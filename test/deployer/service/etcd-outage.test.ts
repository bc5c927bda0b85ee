// etcd SIGKILLed mid-deploy, on the real bed (etcd, haproxy + lb-sync, the simulated cluster
// running the test app) under the open-loop load: the deployment waits for etcd in the phase
// it is in, then completes or rolls back within 30 s of etcd's return; zero failed requests;
// afterwards exactly the recorded version runs (one Deployment, one backend, one haproxy
// backend), and a reconcile finds nothing to remove or resume.
//
// Which outages run: by default 8 s at switching and baking, the phases in which traffic moves
// (about 30 s; the suite has to stay under 8 minutes on two cores). With
// SCALERD_ETCD_OUTAGE_ALL=1, the whole matrix: 8 s and 45 s at each of
// health-checking, verifying, switching, baking and draining (about 8 minutes).
// test/deployer/engine/liveness.test.ts covers 45 s in every phase in simulated time.

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fence } from '../../../src/deployer/engine/ports.js';
import { DeployerService } from '../../../src/deployer/service/service.js';
import { DeployerStore } from '../../../src/deployer/state/etcd-store.js';
import type { DeploymentRecord, Phase } from '../../../src/deployer/state/records.js';
import { HOST, helloDescriptor, startDeployerBed, type DeployerBed } from '../bed.js';
import { httpGet, waitFor } from '../infra.js';
import { startLoad } from '../load.js';

const PHASES: Phase[] = ['health-checking', 'verifying', 'switching', 'baking', 'draining'];
const ALL = process.env.SCALERD_ETCD_OUTAGE_ALL === '1';
const SHORT: Phase[] = ALL ? PHASES : ['switching', 'baking'];
const LONG: Phase[] = ALL ? PHASES : [];
const CASES = [...SHORT.map((phase) => ({ phase, outageMs: 8_000 })), ...LONG.map((phase) => ({ phase, outageMs: 45_000 }))];
/** The acceptance bound: ended within this long of etcd's return. */
const AFTER_RETURN_MS = 30_000;

let bed: DeployerBed;
const quiet = pino({ level: 'silent' });

beforeAll(async () => {
  bed = await startDeployerBed();
}, 60_000);
afterAll(async () => bed?.stop());

type Outage = { phase: Phase; outageMs: number; fired?: boolean; back?: Promise<number> };

/** The product's store, which SIGKILLs etcd right after the outage's phase is recorded and starts it again `outageMs` later. */
class KillingStore extends DeployerStore {
  outage: Outage | undefined;

  override async save(record: DeploymentRecord, fence?: Fence): Promise<void> {
    await super.save(record, fence);
    const outage = this.outage;
    if (!outage || outage.fired || record.status !== 'RUNNING' || record.phase !== outage.phase) return;
    outage.fired = true;
    await bed.world.killEtcd();
    outage.back = new Promise((resolve, reject) => setTimeout(() => bed.world.startEtcdAgain().then(() => resolve(Date.now()), reject), outage.outageMs));
  }
}

const serving = async () => (await httpGet(bed.lbUrl, HOST)).version;

/** The app's versions as Kubernetes, etcd's backends and haproxy have them. */
async function running(): Promise<{ cluster: number[]; backends: string[]; haproxy: string[] }> {
  const cluster = (await bed.engine.cluster.listVersions('default', 'hello')).filter((v) => !v.terminating).map((v) => v.version);
  const backends = (await bed.engine.lb.backends()).filter((id) => id.startsWith('default.hello.'));
  const stat = await bed.world.haproxy.admin('show stat');
  const haproxy = [...new Set(stat.split('\n').map((line) => line.split(',')[0] ?? '').filter((px) => px.startsWith('be_default.hello.')))];
  return { cluster, backends, haproxy };
}

describe('etcd killed mid-deploy', () => {
  it('deploys version 1 first, without an outage', async () => {
    const s = new DeployerService({ store: bed.store({ lockTtlSeconds: 15 }), engine: bed.engine, log: quiet });
    const first = await s.deploy(helloDescriptor('auto', {}, { bake: { durationMs: 2_000 } }));
    await s.idle();
    expect(await s.get('default', 'hello', first.id)).toMatchObject({ status: 'SUCCESS' });
  }, 60_000);

  for (const outage of CASES) {
    it(`for ${outage.outageMs / 1000} s in ${outage.phase}: ends within ${AFTER_RETURN_MS / 1000} s of etcd's return, zero failed requests, exactly the recorded version runs`, async () => {
      const store = new KillingStore(bed.etcd, { lockTtlSeconds: 15, historyLimit: 50 });
      const s = new DeployerService({ store, engine: bed.engine, log: quiet });
      const before = Number(await serving());
      const load = startLoad({ url: bed.lbUrl, host: HOST, maxDurationMs: outage.outageMs + 90_000 });
      store.outage = { ...outage };
      const deployed = await s.deploy(helloDescriptor('auto', {}, { bake: { durationMs: 2_000 } }))
        .then(async (record) => { await s.idle(); return { record }; }, (error: unknown) => ({ error }));
      const report = await load.stop();
      if ('error' in deployed) throw deployed.error;
      expect(store.outage.fired, `the deployment never entered ${outage.phase}`).toBe(true);
      const back = await store.outage.back!;
      const done = (await s.get('default', 'hello', deployed.record.id))!;
      expect(done.phase, done.reason).toBe('done');
      expect(done.updatedAt - back, `ended ${done.updatedAt - back} ms after etcd's return`).toBeLessThanOrEqual(AFTER_RETURN_MS);
      expect(report.failed, JSON.stringify(report.failures.slice(0, 3))).toBe(0);
      const expected = done.status === 'SUCCESS' ? done.version : before;
      expect(Number(await serving())).toBe(expected);
      const want = { cluster: [expected], backends: [`default.hello.${expected}`], haproxy: [`be_default.hello.${expected}`] };
      await waitFor(`only version ${expected} in Kubernetes, etcd and haproxy`, async () => (JSON.stringify(await running()) === JSON.stringify(want) ? true : undefined), 20_000, 200)
        .catch(async (error: Error) => { throw new Error(`${error.message}: ${JSON.stringify(await running())}`); });
      // Nothing left for the safety net: liveness alone left the cluster as the records say.
      const reconciled = await s.reconcile();
      expect(reconciled).toMatchObject({ resumed: [], removed: [], waiting: [], failed: [] });
      console.log(`etcd down ${outage.outageMs / 1000} s in ${outage.phase}: ${done.status} ${done.updatedAt - back} ms after its return; ${report.total} requests, ${report.failed} failed`);
    }, outage.outageMs + 120_000);
  }
});
