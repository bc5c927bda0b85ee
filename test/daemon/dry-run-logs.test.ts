// What an operator reads from the daemon: a dry run says "would" everywhere (logs,
// summary, the history entry it would record, /status) and moves no real-action metric;
// one line per step start and one per outcome, each naming the window behind it; and an
// idle daemon says nothing at info level at its resyncs.

import { afterEach, describe, expect, it } from 'vitest';
import { startDaemonBed, until, type DaemonBed } from './helpers.js';
import { epochMsFields } from '../json-times.js';
import { historyOf, wiring } from './wiring.js';

// Wednesday 2026-03-04, 23:00 in Amsterdam: weeknights, 12 → 6 workers, shop/web 6 → 3.
const NIGHT = Date.parse('2026-03-04T22:00:00Z');
// Wednesday 2026-03-04, 12:00 in Amsterdam: the default, 12 workers: what the demo has.
const NOON = Date.parse('2026-03-04T11:00:00Z');

let bed: DaemonBed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

const capacityOf = async (b: DaemonBed) => (await b.cloud.describeGroups(['shop-prod-workers']))[0]!.desiredCapacity;
const INFO = 30;

/** Every sample of a counter, as "name{labels} value" lines. */
async function samples(b: DaemonBed, name: string): Promise<string[]> {
  const text = await b.daemon.metrics.registry.getSingleMetricAsString(name);
  return text.split('\n').filter((l) => l.startsWith(name));
}

describe('the daemon\'s words', () => {
  it('a dry run says "would" in its logs, summary, history entry and /status, and no real-action metric moves', async () => {
    bed = await startDaemonBed(NIGHT, (sim) => ({ ...wiring(sim), dryRun: true, listen: '127.0.0.1:0' }));
    const b = bed;
    await until('the first reconcile done', () => b.daemon.status.last?.outcome === 'done' && !b.daemon.loop.running, 30_000);

    const status = await (await fetch(`http://127.0.0.1:${b.daemon.address!.port}/status`)).json() as {
      dryRun: boolean; last: { message: string }; wouldRecord: { dryRun: boolean; message: string; direction: string; reason: string } | null;
    };
    expect(status.dryRun).toBe(true);
    // Every time in it is RFC 3339: the window's end too, once epoch milliseconds.
    expect(epochMsFields(status)).toEqual([]);
    expect(JSON.stringify(status)).toMatch(/"until":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/);
    expect(status.last.message).toMatch(/^would do \d+ steps$/);
    expect(status.wouldRecord).toMatchObject({ dryRun: true, direction: 'down', reason: 'window weeknights', message: expect.stringMatching(/^would do/) });

    const lines = b.lines();
    const reconcileLines = lines.filter((l) => typeof l.event === 'string' && /^(step-|node$|reconciled$|history$)/.test(l.event));
    expect(reconcileLines.map((l) => l.event)).toEqual(expect.arrayContaining(['step-started', 'step-done', 'node', 'reconciled', 'history']));
    for (const line of reconcileLines) {
      expect(line.dryRun, JSON.stringify(line)).toBe(true);
      expect(line.msg, JSON.stringify(line)).toMatch(/\bwould\b/);
    }
    expect(lines.find((l) => l.event === 'node' && l.phase === 'removed')?.msg).toMatch(/^ip-[\w.-]+: would terminate i-\w+ and delete the Node$/);

    // Nothing changed, and nothing says it did.
    expect(await capacityOf(b)).toBe(12);
    expect(Object.keys(historyOf(b.sim))).toEqual([]);
    for (const name of ['scalerd_evictions_total', 'scalerd_scale_operations_total', 'scalerd_scale_operation_duration_seconds', 'scalerd_drain_duration_seconds']) {
      expect((await samples(b, name)).filter((l) => !l.endsWith(' 0')), name).toEqual([]);
    }
    expect(await samples(b, 'scalerd_dry_run_actions_total')).toEqual(expect.arrayContaining([expect.stringMatching(/^scalerd_dry_run_actions_total\{action="evict-pod"\} [1-9]\d*$/)]));
  });

  it('one line per step start and one per outcome, each workload step naming its window', async () => {
    bed = await startDaemonBed(NIGHT);
    const b = bed;
    await until('the group at 6', async () => (await capacityOf(b)) === 6 && b.daemon.status.last?.outcome === 'done' && !b.daemon.loop.running, 30_000);
    const lines = b.lines();
    expect(lines.some((l) => l.event === 'decision')).toBe(false);
    const started = lines.filter((l) => l.event === 'step-started');
    const ended = lines.filter((l) => typeof l.event === 'string' && /^step-(done|skipped|failed|stopped)$/.test(l.event));
    expect(started.length).toBeGreaterThan(0);
    // Each start has its outcome, once: same reconcile order, same index and step.
    expect(ended.map((l) => `${String(l.index)} ${String(l.step)}`).sort()).toEqual(started.map((l) => `${String(l.index)} ${String(l.step)}`).sort());
    const web = started.find((l) => l.step === 'scale-workload' && l.workload === 'shop/web');
    expect(web).toMatchObject({ window: 'weeknights', windowClass: 'recurring', desired: 'window weeknights' });
    expect(web!.msg).toMatch(/\(window weeknights\)$/);
    for (const l of started) expect(JSON.stringify(l).length, JSON.stringify(l)).toBeLessThan(600);
    // The counts in the summary are the steps that ran.
    const done = lines.filter((l) => l.event === 'reconciled' && l.outcome === 'done');
    for (const l of done) expect(l.msg).toMatch(/^reconcile done: (nothing to do|\d+ steps? done(, \d+ skipped)?)$/);
  });

  it('idle: a resync that finds nothing to do logs nothing at info level', async () => {
    bed = await startDaemonBed(NOON, { resyncMs: 5_000 });
    const b = bed;
    await until('the first reconcile', () => b.daemon.status.last !== undefined && !b.daemon.loop.running);
    const before = b.lines().length;
    const resyncs = () => b.lines().slice(before).filter((l) => l.event === 'reconciled').length;
    await until('three more reconciles', () => resyncs() >= 3);
    const after = b.lines().slice(before);
    expect(after.filter((l) => l.event === 'reconciled').map((l) => l.msg)).toContain('reconcile done: nothing to do');
    expect(after.filter((l) => (l.level as number) >= INFO)).toEqual([]);
  });
});
