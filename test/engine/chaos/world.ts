// The world the chaos test kills the engine in: the 20-node scenario in a simulator on
// this process's event loop, the files and flags a child `scalerd scale` needs to reach
// it, and read-only adapters to check the outcome with.
//
// Clock: the child runs the real engine on the system clock (Date.now(); its settle, polls
// and back-offs are real timers). The simulator therefore runs at speed 1 starting at the
// real now, so both agree on what "now" is. The engine compares its now with instants the
// simulator writes (a terminating pod's deletionTimestamp plus its grace period; the mark's
// startedAt is the engine's own). A simulator behind the engine would make a pod still
// terminating look past its grace, to be left on a node that is then terminated (a false
// "killed" verdict); one ahead (speed > 1) would drift further ahead with every second.
// At speed 1 the only skew is the gap between Date.now() and performance.now() (ms).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCloud, type AwsCloud } from '../../../src/aws/index.js';
import { createCluster, loadKubeConfig } from '../../../src/kube/index.js';
import type { Cluster } from '../../../src/ports/index.js';
import { startSim, type Sim } from '../../../src/sim/index.js';
import { ASG } from '../../actuate/helpers.js';
import { kubeconfigFile, tempDir } from '../../kube/helpers.js';
import { twentyNodes } from '../scenarios/helpers.js';


/** The engine's AWS identity: the recorder attributes its AWS mutations by access key id. */
export const ENGINE_ACCESS_KEY = 'AKIDSCALERDCHAOS';
const ENGINE_KEY = { accessKeyId: ENGINE_ACCESS_KEY, secretAccessKey: 'test-secret' };
const OBSERVER_KEY = { accessKeyId: 'AKIDCHAOSOBSERVER', secretAccessKey: 'test-secret' };

const STARTUP_SECONDS = 4;

export type ChaosWorld = {
  readonly sim: Sim;
  /** Adapters under identities of their own, for checks only. */
  readonly cloud: AwsCloud;
  readonly cluster: Cluster;
  /** argv of `scalerd scale` to 10 nodes against this simulator, JSON output. */
  readonly scaleArgs: readonly string[];
  readonly env: Record<string, string>;
  stop(): Promise<void>;
};

export async function startChaosWorld(target: number): Promise<ChaosWorld> {
  const base = twentyNodes();
  // The web Deployment's budget lets one pod go at a time, and each eviction waits for a
  // replacement to be Ready: pod start-up sets how long the scale-down lasts. At 4 s (1 s
  // in the scenario) it lasts about as long as 30 kills take (runs.ts paces them too).
  const scenario = { ...base, timings: { ...base.timings, podStartupSeconds: STARTUP_SECONDS } };
  const sim = await startSim({ scenario, speed: 1, startAt: Date.now(), awsCredentials: [ENGINE_KEY, OBSERVER_KEY] });
  const schedule = join(tempDir('scalerd-chaos-'), 'schedule.json');
  const group = scenario.nodeGroups[0]!;
  writeFileSync(schedule, JSON.stringify({
    version: 1,
    timezone: 'UTC',
    nodeGroups: { workers: { asg: ASG, min: group.min, max: group.max } },
    default: { capacity: { workers: group.desired } },
  }));
  const kubeconfig = kubeconfigFile(sim);
  const cluster = createCluster({ target: loadKubeConfig({ kubeconfig }), clientId: 'chaos-observer', clock: sim.clock });
  const cloud = createCloud({
    region: sim.region, endpoint: sim.awsEndpoint, credentials: OBSERVER_KEY,
    version: '0.0.0-test', retryDelayScale: 0.001,
  });
  return {
    sim, cloud, cluster,
    scaleArgs: [
      'scale', '--group', 'workers', '--capacity', String(target), '--schedule', schedule,
      '--kubeconfig', kubeconfig, '--aws-region', sim.region, '--aws-endpoint', sim.awsEndpoint, '-o', 'json', '--yes',
    ],
    env: { AWS_ACCESS_KEY_ID: ENGINE_KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: ENGINE_KEY.secretAccessKey },
    async stop() {
      cloud.destroy();
      await sim.stop();
    },
  };
}
