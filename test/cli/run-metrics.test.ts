// `scalerd run` counts what fails, scraped from its /metrics as Prometheus would: at
// first every error series is there at 0; then, with faults injected into the simulator
// while the daemon scales the demo cluster down for the night (12 → 6 workers), every
// failed Kubernetes and AWS call attempt is counted, the ones a retry masked included,
// exactly as many as the simulator says it injected, and scalerd's own failures by kind.

import { freePort } from '../helpers.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { timerSleep } from '../../src/actuate/index.js';
import { runCli } from '../../src/cli/program.js';
import { systemClock } from '../../src/clock.js';
import { ERROR_KINDS } from '../../src/daemon/metrics.js';
import { clockTimers } from '../../src/daemon/triggers.js';
import type { Sim } from '../../src/sim/index.js';
import { startDemoSim, until } from '../daemon/helpers.js';
import { kubeconfigFile } from '../kube/helpers.js';

// Wednesday 2026-03-04, 23:00 in Amsterdam: weeknights, 6 workers.
const NIGHT = Date.parse('2026-03-04T22:00:00Z');
const GROUP = 'shop-prod-workers';

let sim: Sim | undefined;
let stop: AbortController | undefined;
let daemon: Promise<number> | undefined;
afterEach(async () => {
  stop?.abort();
  await daemon;
  vi.unstubAllEnvs();
  await sim?.stop();
  sim = undefined;
});


/** One sample of a scrape, by its name and labels as prom-client writes them; undefined when absent. */
function sample(scrape: string, series: string): number | undefined {
  const line = scrape.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const apiErrors = (api: string, operation: string, errorClass: string) => `scalerd_api_errors_total{api="${api}",operation="${operation}",class="${errorClass}"}`;

describe('scalerd run under injected faults', () => {
  it('exports every error series at 0 first, then counts each failed attempt as the simulator injected it', async () => {
    const s = await startDemoSim({ speed: 50, startAt: NIGHT, awsCredentials: [{ accessKeyId: 'AKIDRUNTEST', secretAccessKey: 'test' }] });
    sim = s;
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDRUNTEST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    const port = await freePort();
    stop = new AbortController();
    daemon = runCli(
      ['run', '--schedule', 'schedules/example.json', '--kubeconfig', kubeconfigFile(s), '--aws-region', s.region, '--aws-endpoint', s.awsEndpoint, '--listen', `127.0.0.1:${port}`, '--log-level', 'error', '--log-format', 'json'],
      { out: () => undefined, err: () => undefined, clock: s.clock, processClock: systemClock, processSleep: timerSleep, sleep: (ms, sig) => s.clock.sleep(ms, sig), timers: clockTimers(s.clock), signal: stop.signal },
    );
    const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    let first = '';
    await until('the first scrape', async () => {
      first = await scrape().catch(() => '');
      return first !== '';
    });

    // Nothing failed yet, and every series is already there.
    for (const kind of ERROR_KINDS) expect(sample(first, `scalerd_errors_total{kind="${kind}"}`), kind).toBe(0);
    for (const series of [
      apiErrors('kube', 'patch nodes', 'server'), apiErrors('kube', 'update leases', 'server'),
      apiErrors('aws', 'TerminateInstanceInAutoScalingGroup', 'throttled'), apiErrors('aws', 'DescribeInstances', 'throttled'),
    ]) expect(sample(first, series), series).toBe(0);

    // Counts, not rates: a rate may never fire in a short run (DescribeInstances at 0.4 did not,
    // once, beside two busy loops); a count fires on the first calls, whatever the machine.
    s.faults.addRequestFault({ api: 'kube', operation: 'patch nodes', error: 500, count: 3 });
    // One renewal's five attempts, all failed: one failed round of leader election.
    s.faults.addRequestFault({ api: 'kube', operation: 'update leases', error: 503, count: 5 });
    s.faults.addRequestFault({ api: 'aws', operation: 'DescribeInstances', error: 'RequestLimitExceeded', count: 2 });
    s.faults.addRequestFault({ api: 'aws', operation: 'TerminateInstanceInAutoScalingGroup', error: 'Throttling', count: 2 });
    await until('six workers, none marked', () =>
      s.aws.group(GROUP)!.desiredCapacity === 6 && s.store.list('nodes').length === 6
      && s.store.list('nodes').every((n) => (n.metadata.annotations ?? {})['scalerd.io/scale-down'] === undefined), 90_000);
    s.faults.clear();

    const fired = s.faults.fired();
    // Each fault fired (the counts below are not zeros that agree by default)…
    expect(fired).toMatchObject({ 'kube 503': 5, 'aws Throttling': 2, 'kube 500': 3, 'aws RequestLimitExceeded': 2 });
    // …and was counted once: the answer of the last one injected may still be on its way.
    const expected = {
      [apiErrors('kube', 'patch nodes', 'server')]: fired['kube 500'],
      [apiErrors('kube', 'update leases', 'server')]: 5,
      [apiErrors('aws', 'DescribeInstances', 'throttled')]: fired['aws RequestLimitExceeded'],
      [apiErrors('aws', 'TerminateInstanceInAutoScalingGroup', 'throttled')]: 2,
      'scalerd_errors_total{kind="lease"}': 1,
    };
    let last = '';
    const counted = () => Object.fromEntries(Object.keys(expected).map((series) => [series, sample(last, series)]));
    await until('the counts to catch up', async () => {
      last = await scrape();
      return JSON.stringify(counted()) === JSON.stringify(expected);
    }, 10_000).catch(() => undefined);
    expect(counted()).toEqual(expected);
  }, 120_000);
});
