// Shared set-up for the commands that act (scale, drain): a simulator on accelerated time,
// a schedule whose node group is the scenario's ASG, and runCli in-process on the
// simulator's clock, with the connection flags pointing at it.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';
import { CLI_CLIENT_ID } from '../../src/cli/engine-options.js';
import { runCli } from '../../src/cli/program.js';
import { startSim, type Sim } from '../../src/sim/index.js';
import type { Scenario } from '../../src/sim/scenario/types.js';
import { invariants } from '../actuate/helpers.js';
import { kubeconfigFile, tempDir } from '../kube/helpers.js';

export const ASG = 'small-workers';
export const ACCESS_KEY = 'AKIDSCALERDCLI';
const SECRET = 'test-secret';
const START = Date.parse('2026-03-02T20:00:00Z');

/** Three nodes over three zones, every pod replicated and free to move: any node may leave. */
export function threeNodes(): Scenario {
  return {
    name: 'three',
    region: 'eu-west-1',
    timings: { launchSeconds: 4, joinSeconds: 2, readySeconds: 1, terminateSeconds: 3, nodeRemovalSeconds: 5, podStartupSeconds: 1, podExitSeconds: 0.5 },
    nodeGroups: [{
      name: 'workers', asg: ASG, zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], min: 1, max: 6, desired: 3,
      allocatable: { cpu: '4', memory: '16Gi', pods: 29 }, suspendedProcesses: ['AZRebalance'],
    }],
    workloads: [
      { namespace: 'shop', name: 'web', kind: 'Deployment', replicas: 3, requests: { cpu: '200m', memory: '256Mi' }, pdb: { minAvailable: 2 } },
      { namespace: 'shop', name: 'search', kind: 'StatefulSet', replicas: 2, requests: { cpu: '250m', memory: '512Mi' }, pdb: { maxUnavailable: 1 } },
    ],
    daemonSets: [{ namespace: 'kube-system', name: 'kube-proxy', requests: { cpu: '50m', memory: '32Mi' }, tolerateAll: true }],
  };
}

export type CliBed = {
  sim: Sim;
  schedule: string;
  /** The connection flags for this simulator. */
  connection: string[];
  run(...argv: string[]): Promise<{ code: number; out: string; err: string }>;
  /** Lines a person at the "terminal" types, one per question (none left: ''); each question is written to out. */
  answers: (string | (() => string))[];
  /** run, with the interrupt signal main.ts wires to Ctrl-C. */
  runUntil(signal: AbortSignal, ...argv: string[]): Promise<{ code: number; out: string; err: string }>;
};

export function useCliBed(scenario: () => Scenario = threeNodes, isTTY = false): CliBed {
  const bed = {} as CliBed;
  beforeEach(async () => {
    const sim = await startSim({ scenario: scenario(), speed: 100, startAt: START, awsCredentials: [{ accessKeyId: ACCESS_KEY, secretAccessKey: SECRET }] });
    vi.stubEnv('AWS_ACCESS_KEY_ID', ACCESS_KEY);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', SECRET);
    const dir = tempDir('scalerd-cli-');
    const schedule = join(dir, 'schedule.json');
    writeFileSync(schedule, JSON.stringify({
      version: 1,
      timezone: 'UTC',
      nodeGroups: { workers: { asg: ASG, min: 2, max: 5 } },
      default: { capacity: { workers: 3 } },
    }));
    const connection = ['--kubeconfig', kubeconfigFile(sim), '--aws-region', sim.region, '--aws-endpoint', sim.awsEndpoint];
    const answers: (string | (() => string))[] = [];
    const runUntil = async (signal: AbortSignal | undefined, ...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const ask = async (question: string) => {
        out.push(question);
        const answer = answers.shift() ?? '';
        return typeof answer === 'string' ? answer : answer();
      };
      const code = await runCli(argv, {
        out: (t) => out.push(t), err: (t) => err.push(t),
        clock: sim.clock, sleep: (ms: number, s?: AbortSignal) => sim.clock.sleep(ms, s), isTTY,
        ...(isTTY ? { ask } : {}),
        ...(signal ? { signal } : {}),
      });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    Object.assign(bed, { sim, schedule, connection, answers, runUntil, run: (...argv: string[]) => runUntil(undefined, ...argv) });
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await bed.sim.stop();
  });
  return bed;
}

/** Mutations the CLI made (Kubernetes by client id, AWS by access key). */
export function cliMutations(sim: Sim) {
  return sim.recorder.facts('mutation').filter((f) => f.client === CLI_CLIENT_ID || f.client === ACCESS_KEY);
}

export { invariants };
