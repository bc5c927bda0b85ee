// Issue 12 for what scale and drain print: a node another owner has marked, the owner's
// name (from the node's annotation, anyone's to write) holding ESC, CR/LF and U+202E. The
// plan and the drain's refusal show it escaped; -o json gives it exactly. The built CLI
// against the simulator, with --dry-run: nothing needs to move.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCALE_DOWN_ANNOTATION } from '../../src/plan/marks.js';
import { startSim, type Sim } from '../../src/sim/index.js';
import { kubeconfigFile, tempDir } from '../kube/helpers.js';
import { rawControls } from '../text/never-raw.js';
import { bin } from './bin.js';
import { ASG, threeNodes } from './engine-helpers.js';

const OWNER = 'other\x1b[31m\r\n\u202eowner\u0000';
const OWNER_SHOWN = 'other\\x1b[31m\\r\\n\\u202eowner\\x00';

let sim: Sim;
let connection: string[];
let node: string;

/** The CLI's AWS key, registered with the simulator, which refuses any other. */
const env = { AWS_ACCESS_KEY_ID: 'AKIDTERMINAL', AWS_SECRET_ACCESS_KEY: 'test' };

beforeEach(async () => {
  sim = await startSim({ scenario: threeNodes(), awsCredentials: [{ accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }] });
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  node = sim.store.list('nodes')[0]!.metadata.name;
  const current = await core.readNode({ name: node });
  const annotations = { ...current.metadata!.annotations, [SCALE_DOWN_ANNOTATION]: JSON.stringify({ owner: OWNER, phase: 'cordoned', startedAt: new Date().toISOString() }) };
  await core.replaceNode({ name: node, body: { ...current, metadata: { ...current.metadata, annotations } } });
  const schedule = join(tempDir('scalerd-terminal-'), 'schedule.json');
  writeFileSync(schedule, JSON.stringify({ version: 1, timezone: 'UTC', nodeGroups: { workers: { asg: ASG, min: 1, max: 5 } }, default: { capacity: { workers: 3 } } }));
  connection = ['--schedule', schedule, '--kubeconfig', kubeconfigFile(sim), '--aws-region', sim.region, '--aws-endpoint', sim.awsEndpoint];
});
afterEach(async () => {
  await sim.stop();
});

describe('scale and drain on a terminal', () => {
  it('scale --dry-run shows why a node is not chosen, the owner escaped; -o json exactly', async () => {
    const text = await bin(['scale', ...connection, '--group', 'workers', '--capacity', '2', '--dry-run'], env);
    expect(rawControls(text.out), text.out).toEqual([]);
    expect(rawControls(text.err), text.err).toEqual([]);
    expect(text.out).toMatch(new RegExp(`^  - workers/${node} \\(.*\\): being removed by ${OWNER_SHOWN.replace(/[\\[]/g, '\\$&')}$`, 'm'));

    const json = JSON.parse((await bin(['scale', ...connection, '--group', 'workers', '--capacity', '2', '--dry-run', '-o', 'json'], env)).out) as { plan: { notChosen: { node: string; reason: string }[] } };
    expect(json.plan.notChosen.find((n) => n.node === node)?.reason).toBe(`being removed by ${OWNER}`);
  });

  it('drain says why it does not remove the node, the owner escaped', async () => {
    const r = await bin(['drain', node, ...connection, '--dry-run'], env);
    expect(r.code).toBe(1);
    expect(rawControls(r.out), r.out).toEqual([]);
    expect(rawControls(r.err), r.err).toEqual([]);
    expect(r.err).toBe(`drain: ${node} is not removed: being removed by ${OWNER_SHOWN}\n`);
  });
});
