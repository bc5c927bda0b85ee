// npm run demo:deploy — the blue/green deployer on one machine: etcd, haproxy (master-
// worker) with lb-sync, the simulated cluster running the test app as real processes,
// and the deployer. It deploys v1, then v2 under constant load, then an unhealthy v3 that
// is rolled back, and prints what happened with the request counts. Everything listens on
// 127.0.0.1 and stops by itself (Ctrl-C stops it early). With `--keep` (npm run demo:deploy
// -- --keep) the stack stays up afterwards with the deployer's REST API on 127.0.0.1, and
// it prints what to try, until Ctrl-C.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createDeployerApi } from '../src/deployer/api/index.js';
import { DeployerService } from '../src/deployer/service/service.js';
import type { DeploymentRecord } from '../src/deployer/state/records.js';
import { HOST, helloDescriptor, helloDocument, startDeployerBed } from '../test/deployer/bed.js';
import { startLoad, type LoadReport } from '../test/deployer/load.js';

const keep = process.argv.includes('--keep');
const say = (text: string) => process.stdout.write(`${text}\n`);
const counts = (r: LoadReport) => `${r.total} requests (${r.ratePerS}/s), ${r.failed} failed, p99 ${r.latencyMs.p99} ms; by version: ${Object.entries(r.byVersion).map(([v, n]) => `v${v} ${n}`).join(', ') || 'none'}`;

say('starting etcd, haproxy + lb-sync, the simulated cluster (3 nodes) on 127.0.0.1 …');
const bed = await startDeployerBed();
const dir = mkdtempSync(join(tmpdir(), 'scalerd-demo-deploy-'));
let closeApi = async (): Promise<void> => undefined;
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  try {
    await closeApi();
    await bed.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  }
};
// `on`, not `once`: the simulator's process table stands aside only while another listener
// remains (src/sim/process/child.ts); with `once` it would re-raise the signal and end the
// demo before the stack is stopped and the temp files removed.
process.on('SIGINT', () => void stop(130));
process.on('SIGTERM', () => void stop(143));
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
  if (keep) await serveUntilStopped();
} finally {
  if (!keep) await stop(0);
}

/** --keep: the deployer's API on 127.0.0.1 and what to try with it; everything stops on Ctrl-C. */
async function serveUntilStopped(): Promise<void> {
  const token = `demo-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const api = await createDeployerApi({ deployer, token, log: pino({ level: 'silent' }) }).listen('127.0.0.1', 0);
  closeApi = () => api.close();
  const tokenFile = join(dir, 'token');
  const descriptorFile = join(dir, 'hello-v4.json');
  writeFileSync(tokenFile, token, { mode: 0o600 });
  writeFileSync(descriptorFile, `${JSON.stringify(helloDocument(4), null, 2)}\n`);
  say(`
The stack stays up (Ctrl-C stops it and removes ${dir}). Try:

  curl -H 'Host: ${HOST}' ${bed.lbUrl}/
  npx scalerd deploy -f ${descriptorFile} --api ${api.url} --token-file ${tokenFile} --follow
  npx scalerd deployments default/hello --api ${api.url} --token-file ${tokenFile}
  curl -H "Authorization: Bearer $(cat ${tokenFile})" ${api.url}/deployments/default/hello
  kubectl --kubeconfig ${bed.kubeconfig} get deploy,pods -n default`);
  await new Promise(() => undefined); // until SIGINT or SIGTERM
}
