// Shared set-up for the AWS adapter's tests: a fresh simulator per test (scenarios/small.json
// unless told otherwise, manual clock) and the adapter pointed at it over HTTP, with the real
// SDK. Retry waits are scaled down so that no test sleeps for long.

import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect } from 'vitest';
import { createCloud, type AwsCloud, type AwsOptions } from '../../src/aws/index.js';
import { isRemoteError, type RemoteError } from '../../src/errors.js';
import { startSim, type Sim } from '../../src/sim/index.js';
import { loadScenarioFile } from '../../src/sim/scenario/load.js';
import type { Scenario } from '../../src/sim/scenario/types.js';

/** A fixed simulated start, so that nothing depends on the real date. */
const START = Date.parse('2026-03-02T09:00:00Z');

/** scenarios/small.json: one group, small-workers, of 3 (min 1, max 6) over three zones. */
export async function smallScenario(): Promise<Scenario> {
  const loaded = await loadScenarioFile(fileURLToPath(new URL('../../scenarios/small.json', import.meta.url)));
  if (!loaded.ok) throw new Error(`scenarios/small.json does not load: ${JSON.stringify(loaded.diagnostics)}`);
  return loaded.scenario;
}

/** Waits of the retry machinery at a thousandth: a throttled retry waits ≤ 1 ms, not ≤ 1 s. */
export const FAST = { retryDelayScale: 0.001 } as const;

export const GROUP = 'small-workers';

export function cloudFor(sim: Sim, options: Partial<AwsOptions> = {}): AwsCloud {
  return createCloud({ region: sim.region, endpoint: sim.awsEndpoint, credentials: sim.credentials, version: '0.0.0-test', ...FAST, ...options });
}

export type SimCloud = { sim: Sim; cloud: AwsCloud };

/** A fresh simulator and adapter for every test of the file; read the fields inside tests. */
export function useSimCloud(options: { scenario?: () => Promise<Scenario>; cloud?: Partial<AwsOptions> } = {}): SimCloud {
  const holder = {} as SimCloud;
  beforeEach(async () => {
    holder.sim = await startSim({ scenario: await (options.scenario ?? smallScenario)(), manualClock: true, startAt: START });
    holder.cloud = cloudFor(holder.sim, options.cloud);
  });
  afterEach(async () => {
    holder.cloud.destroy();
    await holder.sim.stop();
  });
  return holder;
}

/** The RemoteError a call fails with (the test fails if it succeeds or throws anything else). */
export async function remoteFailure(call: Promise<unknown>): Promise<RemoteError> {
  const error = await call.then(
    () => expect.unreachable('the call succeeded'),
    (e: unknown) => e,
  );
  if (!isRemoteError(error)) throw error;
  return error;
}

/** How many requests of this AWS action the simulator has answered (faults included). */
export const requests = (sim: Sim, action: string): number => sim.recorder.requests()[`aws ${action}`] ?? 0;
