// Every JSON output of the commands, through the built CLI against the simulator: no time
// as epoch milliseconds, every time RFC 3339 (issue 14). /status is walked in
// test/daemon/dry-run-logs.test.ts.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSim, type Sim } from '../../src/sim/index.js';
import { kubeconfigFile, tempDir } from '../kube/helpers.js';
import { epochMsFields } from '../json-times.js';
import { bin } from './bin.js';
import { ASG, threeNodes } from './engine-helpers.js';

let sim: Sim;
let connection: string[];
/** The CLI's AWS key, registered with the simulator, which refuses any other. */
const env = { USER: 'alice', AWS_ACCESS_KEY_ID: 'AKIDJSONTIMES', AWS_SECRET_ACCESS_KEY: 'test' };

beforeEach(async () => {
  sim = await startSim({ scenario: { ...threeNodes(), namespaces: ['scalerd'] }, awsCredentials: [{ accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }] });
  const schedule = join(tempDir('scalerd-json-times-'), 'schedule.json');
  writeFileSync(schedule, JSON.stringify({ version: 1, timezone: 'UTC', nodeGroups: { workers: { asg: ASG, min: 1, max: 5 } }, default: { capacity: { workers: 3 } } }));
  connection = ['--schedule', schedule, '--kubeconfig', kubeconfigFile(sim), '--aws-region', sim.region, '--aws-endpoint', sim.awsEndpoint];
});
afterEach(async () => {
  await sim.stop();
});

describe('times in JSON output', () => {
  it('status, override, scale, drain, history and plan -o json: RFC 3339, no epoch milliseconds', async () => {
    const json = async (...argv: string[]) => {
      const r = await bin([...argv, '-o', 'json'], env);
      expect(r.code, `${argv.join(' ')}: ${r.err}`).toBe(0);
      return JSON.parse(r.out) as unknown;
    };
    const node = (sim.store.list('nodes')[0] as { metadata: { name: string } }).metadata.name;
    const docs: Record<string, unknown> = {
      'override set': await json('override', 'set', ...connection.slice(0, 4), '--group', 'workers=4', '--for', '2h', '--reason', 'load test'),
      'override list': await json('override', 'list', ...connection.slice(0, 4)),
      status: await json('status', ...connection),
      'scale --dry-run': await json('scale', ...connection, '--group', 'workers', '--capacity', '2', '--dry-run'),
      'drain --dry-run': await json('drain', node, ...connection, '--dry-run'),
      scale: await json('scale', ...connection, '--group', 'workers', '--capacity', '2', '--yes'),
      history: await json('history', ...connection.slice(2, 4)),
      plan: await json('plan', 'schedules/example.json', '--from', '2026-11-26T00:00', '--days', '2'),
      'plan --at': await json('plan', 'schedules/example.json', '--at', '2026-11-26T12:00'),
    };
    // The walk has something to find: each of these carries times.
    expect(JSON.stringify(docs.status)).toMatch(/"until": ?"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/);
    expect(JSON.stringify(docs.scale)).toMatch(/"startedAt": ?"\d{4}-/);
    expect(JSON.stringify(docs['drain --dry-run'])).toMatch(/"at": ?"\d{4}-/);
    expect(JSON.stringify(docs.plan)).toMatch(/"at": ?"2026-11-26T06:00:00Z"/);
    expect(JSON.stringify(docs['plan --at'])).toMatch(/"at": ?"2026-11-26T11:00:00Z"/);
    for (const [command, doc] of Object.entries(docs)) expect(epochMsFields(doc), command).toEqual([]);
  }, 120_000); // nine CLI processes one after another: each starts in about a second of CPU, several on a loaded machine
});
