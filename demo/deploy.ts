// npm run demo:deploy — the blue/green deployer on one machine: etcd, haproxy (master-
// worker) with lb-sync, the simulated cluster running the test app as real processes,
// and the deployer. It deploys v1, then v2 under constant load, then an unhealthy v3 that
// is rolled back, and prints what happened with the request counts. Everything listens on
// 127.0.0.1 and stops by itself (Ctrl-C stops it early).

import pino from 'pino';
import { DeployerService } from '../src/deployer/service/service.js';
import type { DeploymentRecord } from '../src/deployer/state/records.js';
import { HOST, helloDescriptor, startDeployerBed } from '../test/deployer/bed.js';
import { startLoad, type LoadReport } from '../test/deployer/load.js';

const say = (text: string) => process.stdout.write(`${text}\n`);
const counts = (r: LoadReport) => `${r.total} requests (${r.ratePerS}/s), ${r.failed} failed, p99 ${r.latencyMs.p99} ms; by version: ${Object.entries(r.byVersion).map(([v, n]) => `v${v} ${n}`).join(', ') || 'none'}`;

say('starting etcd, haproxy + lb-sync, the simulated cluster (3 nodes) on 127.0.0.1 …');
const bed = await startDeployerBed();
const stop = async () => { await bed.stop(); process.exit(130); };
process.once('SIGINT', () => void stop());
say(`haproxy serves ${HOST} at ${bed.lbUrl} (try: curl -H 'Host: ${HOST}' ${bed.lbUrl}/)`);

const deployer = new DeployerService({ store: bed.store(), engine: bed.engine, log: pino({ level: 'silent' }) });

async function deploy(label: string, version: number, env: Record<string, string> = {}): Promise<DeploymentRecord> {
  const started = Date.now();
  const record = await deployer.deploy(helloDescriptor(version, env));
  say(`\n== ${label}: deployment ${record.id}`);
  const done = await deployer.follow(record.namespace, record.app, record.id, (line) => say(`   ${new Date(line.at).toISOString().slice(11, 23)}  ${line.message}`), new AbortController().signal);
  await deployer.idle();
  const final = (await deployer.get(record.namespace, record.app, record.id)) ?? done!;
  say(`   → ${final.status}${final.reason ? `: ${final.reason}` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return final;
}

try {
  await deploy('v1, the first version', 1);
  const load = startLoad({ url: bed.lbUrl, host: HOST, maxDurationMs: 120_000 });
  const v2 = await deploy('v2 under load', 2);
  const during2 = await load.stop();
  say(`   load during v2: ${counts(during2)}`);
  const switchedAt = v2.phases.find((p) => p.phase === 'verifying')?.at ?? Infinity;
  say(`   answers sent after the switch: ${during2.samples.filter((s) => s.sentAt >= switchedAt && s.version !== '2').length} not from v2`);

  const load3 = startLoad({ url: bed.lbUrl, host: HOST, maxDurationMs: 120_000 });
  await deploy('v3, unhealthy', 3, { UNHEALTHY: '1' });
  const during3 = await load3.stop();
  say(`   load during v3: ${counts(during3)}`);
  say(`\n${HOST} is served by v2; ${during2.failed + during3.failed} of ${during2.total + during3.total} requests failed.`);
} finally {
  await bed.stop();
}
