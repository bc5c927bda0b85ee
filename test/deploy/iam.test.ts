// Least privilege for AWS: every call the adapter makes, found by calling every method of
// the Cloud port against the simulator (which counts requests by action), must be
// exactly ACTIONS, and deploy/iam-policy.json must allow exactly those: reads on any
// resource, changes only to groups tagged scalerd.io/managed=true. The Helm chart carries
// the same policy for its users (charts/scalerd/files/iam-policy.json): the same checks.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloud, type AwsCloud } from '../../src/aws/index.js';
import type { Cloud } from '../../src/ports/index.js';
import { startSim, type Sim } from '../../src/sim/index.js';
import { loadScenarioFile } from '../../src/sim/scenario/load.js';
import { ROOT } from './render.js';

const ACTIONS = {
  read: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances', 'ec2:DescribeInstances'],
  change: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup', 'autoscaling:SuspendProcesses', 'autoscaling:ResumeProcesses'],
};
const MANAGED_TAG = { 'autoscaling:ResourceTag/scalerd.io/managed': 'true' };

type Statement = { Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string>> };

let sim: Sim;
let cloud: AwsCloud;

beforeAll(async () => {
  const loaded = await loadScenarioFile('scenarios/small.json');
  if (!loaded.ok) throw new Error('scenarios/small.json does not load');
  const key = { accessKeyId: 'AKIDIAMTEST', secretAccessKey: 'test' };
  sim = await startSim({ scenario: loaded.scenario, awsCredentials: [key] });
  cloud = createCloud({ region: sim.region, endpoint: sim.awsEndpoint, credentials: key, version: '0.0.0-test', retryDelayScale: 0.001 });
  sim.recorder.clear();
  const calls: { [M in keyof Cloud]: (c: Cloud) => Promise<unknown> } = {
    describeGroups: (c) => c.describeGroups(['small-workers']),
    setDesiredCapacity: (c) => c.setDesiredCapacity('small-workers', 4),
    suspendProcesses: (c) => c.suspendProcesses('small-workers', ['AZRebalance']),
    resumeProcesses: (c) => c.resumeProcesses('small-workers', ['AZRebalance']),
    terminateInstance: async (c) => {
      const [group] = await c.describeGroups(['small-workers']);
      await c.terminateInstance(group!.instances[0]!.id);
      // An instance in no group: the adapter asks EC2 whether it is still alive.
      await c.terminateInstance('i-0123456789abcdef0');
    },
  };
  for (const run of Object.values(calls)) await run(cloud);
  // Every method of the port, so a new one cannot slip past this test.
  expect(Object.keys(calls).sort()).toEqual(Object.getOwnPropertyNames(Object.getPrototypeOf(cloud)).filter((m) => m !== 'constructor' && m !== 'destroy').sort());
}, 60_000);

afterAll(async () => {
  cloud?.destroy();
  await sim?.stop();
});

describe('IAM: the AWS adapter\'s calls', () => {
  it('the adapter\'s calls are exactly ACTIONS', () => {
    const made = Object.keys(sim.recorder.requests()).filter((k) => k.startsWith('aws ')).map((k) => k.slice(4));
    const service = (action: string) => (action === 'DescribeInstances' ? 'ec2' : 'autoscaling');
    expect(made.map((a) => `${service(a)}:${a}`).sort()).toEqual([...ACTIONS.read, ...ACTIONS.change].sort());
  });
});

describe.each(['deploy/iam-policy.json', 'charts/scalerd/files/iam-policy.json'])('IAM: %s allows exactly the calls the AWS adapter makes', (file) => {
  it('reads are allowed on any resource, changes only on groups tagged scalerd.io/managed=true', async () => {
    const policy = JSON.parse(await readFile(join(ROOT, file), 'utf8')) as { Version: string; Statement: Statement[] };
    expect(policy.Version).toBe('2012-10-17');
    const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
    expect(policy.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
    const allowed = policy.Statement.flatMap((s) => list(s.Action));
    expect(allowed.sort()).toEqual([...ACTIONS.read, ...ACTIONS.change].sort());
    expect(allowed.some((a) => a.includes('*'))).toBe(false);
    for (const statement of policy.Statement) {
      const actions = list(statement.Action);
      if (actions.some((a) => ACTIONS.change.includes(a))) {
        expect(actions.every((a) => ACTIONS.change.includes(a)), 'changes share no statement with reads').toBe(true);
        expect(statement.Condition).toEqual({ StringEquals: MANAGED_TAG });
      } else {
        // Describe calls cannot be limited by resource or tag in IAM.
        expect(statement.Condition).toBeUndefined();
      }
    }
  });
});
