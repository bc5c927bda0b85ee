// Shared set-up for the simulated-AWS tests: a model on a manual clock with a fixed random
// source, an observer that remembers what it was told, and the query API on a loopback port.

import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach } from 'vitest';
import type { AddressInfo } from 'node:net';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { Faults } from '../../../src/sim/faults.js';
import { Recorder } from '../../../src/sim/recorder.js';
import { SimClock } from '../../../src/sim/sim-clock.js';
import { AwsModel, createAwsHandler, type AwsHandlerOptions, type GroupSpec, type InstanceInfo, type InstanceObserver, type TerminationReason } from '../../../src/sim/aws/index.js';
import { seeded } from '../../seeded.js';

export const START = Date.parse('2026-03-02T09:00:00Z');

export const TIMINGS = { launchDelayMs: 40_000, terminateDelayMs: 30_000, terminatedVisibleMs: 3_600_000 };


export class SpyObserver implements InstanceObserver {
  readonly running: InstanceInfo[] = [];
  readonly stopping: { instance: InstanceInfo; reason: TerminationReason }[] = [];
  instanceRunning(instance: InstanceInfo): void {
    this.running.push(instance);
  }
  instanceStopping(instance: InstanceInfo, reason: TerminationReason): void {
    this.stopping.push({ instance, reason });
  }
}

export function spec(overrides: Partial<GroupSpec> = {}): GroupSpec {
  return {
    name: 'workers',
    availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    minSize: 1,
    maxSize: 10,
    desiredCapacity: 3,
    instanceType: 'm5.large',
    launchTemplate: { id: 'lt-0abc1234def567890', name: 'workers', version: '3' },
    tags: { Name: 'workers', 'k8s.io/cluster-autoscaler/enabled': 'true' },
    ...overrides,
  };
}

export function world(options: { region?: string } = {}) {
  const clock = new SimClock({ manual: true, start: START });
  const recorder = new Recorder();
  const observer = new SpyObserver();
  const faults = new Faults(() => 0);
  const model = new AwsModel({ clock, faults, recorder, observer, region: options.region ?? 'eu-west-1', timings: TIMINGS, random: seeded() });
  return { clock, recorder, observer, faults, model };
}

export type World = ReturnType<typeof world>;

/** Zone → count of the group's live (Pending or InService) instances. */
export function liveByZone(w: World, group = 'workers'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of w.model.group(group)?.instances ?? []) {
    if (i.lifecycleState === 'Pending' || i.lifecycleState === 'InService') out[i.availabilityZone] = (out[i.availabilityZone] ?? 0) + 1;
  }
  return out;
}

export const states = (w: World, group = 'workers'): string[] => (w.model.group(group)?.instances ?? []).map((i) => i.lifecycleState);

/** The one key pair the served world accepts; the recorder names its calls AKIDSIM. */
export const KEY = { accessKeyId: 'AKIDSIM', secretAccessKey: 'secret' } as const;

/** The query API on 127.0.0.1 and a free port, as a shared simulator server would host it. */
export async function serve(w: World, options: Partial<Pick<AwsHandlerOptions, 'credentials' | 'realNow'>> = {}): Promise<{ endpoint: string; server: Server; close: () => Promise<void> }> {
  const handler = createAwsHandler(w.model, { faults: w.faults, recorder: w.recorder, credentials: [KEY], ...options });
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => void handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets (fetch's, an abandoned "timeout" request's) would hold close() for seconds.
        server.closeAllConnections();
      }),
  };
}

export function clients(endpoint: string) {
  const config = { endpoint, region: 'eu-west-1', credentials: KEY, maxAttempts: 1 };
  return { autoscaling: new AutoScalingClient(config), ec2: new EC2Client(config) };
}

export type Served = { w: World; endpoint: string; autoscaling: AutoScalingClient; ec2: EC2Client };

/**
 * Registers hooks that give every test of the file a fresh world, set up by `seed`, with the
 * query API served on loopback and SDK clients pointed at it; read the fields inside tests.
 */
export function servedWorld(seed: (w: World) => void): Served {
  const served = {} as Served;
  let close: () => Promise<void> = async () => {};
  beforeEach(async () => {
    served.w = world();
    seed(served.w);
    const server = await serve(served.w);
    close = server.close;
    served.endpoint = server.endpoint;
    Object.assign(served, clients(server.endpoint));
  });
  afterEach(async () => {
    served.autoscaling.destroy();
    served.ec2.destroy();
    await close();
  });
  return served;
}
