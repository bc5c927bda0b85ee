// How fast is the preview of a schedule? Two schedules:
//
// - the example, 90 days: timeline() against what a naive preview does (desiredAt every
//   15 minutes, diffed); both must find the same changes.
// - a large schedule (bench/fixtures/large-schedule.json: 24 windows, 6 node groups, 16
//   workloads, cron windows with durations, date lists, two zones): the streamed timeline
//   over 3, 6, 12 and 24 months (it must grow linearly; targets for 24 months: < 1 s, and
//   a process reading it < 150 MB at its peak), desiredAt plus the next change at an
//   instant (what `plan --at`, `status` and `override --until-next-window` ask), `plan
//   --at` (target < 100 ms of CPU beyond start-up) and a 2-year `plan -o json` as
//   processes. Its baseline, in the same run: desiredAt at every minute of 30 days, diffed
//   (the naive evaluator), which must find the same changes as the timeline.

import { readFileSync } from 'node:fs';
import { checkScheduleText, desiredAt, timeline, timelineStream, type Schedule } from '../src/schedule/index.js';
import { buildDist, cliProcess, median, nodeProcess, type CliUsage } from './processes.js';
import type { BenchResult } from './run.js';

const DAY = 86_400_000;
const MINUTE = 60_000;
const LARGE = 'bench/fixtures/large-schedule.json';
const FROM = Date.parse('2027-01-01T00:00Z');
const TIMELINE_TARGET_MS = 1_000;
const RSS_TARGET_MB = 150;
const PLAN_AT_TARGET_MS = 100;

function time(fn: () => unknown, runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

function load(path: string, now: number): Schedule {
  const checked = checkScheduleText(readFileSync(new URL(`../${path}`, import.meta.url), 'utf8'), { file: path, now });
  if (!checked.ok) throw new Error(`${path} is invalid`);
  return checked.schedule;
}

/** Changes found by evaluating the state every `step` and diffing: the naive preview. */
function sampledChanges(schedule: Schedule, from: number, to: number, step: number): number {
  let changes = 0;
  let previous = JSON.stringify(desiredAt(schedule, from).state);
  for (let t = from + step; t < to; t += step) {
    const state = JSON.stringify(desiredAt(schedule, t).state);
    if (state !== previous) changes++;
    previous = state;
  }
  return changes;
}

function streamedCount(schedule: Schedule, from: number, to: number): number {
  let n = 0;
  for (const _ of timelineStream(schedule, from, to).transitions) n++;
  return n;
}

function example(): { timelineMs: number; baselineMs: number; transitions: number } {
  const from = Date.parse('2026-11-23T00:00Z');
  const schedule = load('schedules/example.json', from);
  const to = from + 90 * DAY;
  const transitions = timeline(schedule, from, to).transitions.length;
  const sampled = sampledChanges(schedule, from, to, 15 * MINUTE);
  if (sampled !== transitions) throw new Error(`baseline found ${sampled} changes, timeline ${transitions}`);
  return { timelineMs: time(() => timeline(schedule, from, to), 7), baselineMs: time(() => sampledChanges(schedule, from, to, 15 * MINUTE), 3), transitions };
}

/** Loads the large schedule from dist/ and reads two years of its timeline, holding nothing. */
const ENGINE_ONLY = `
  import { readFileSync } from 'node:fs';
  import { checkScheduleText, timelineStream } from './dist/schedule/index.js';
  const from = ${FROM};
  const checked = checkScheduleText(readFileSync('${LARGE}', 'utf8'), { file: '${LARGE}', now: from, warnings: false });
  let changes = 0;
  for (const _ of timelineStream(checked.schedule, from, from + 730 * 86400000).transitions) changes++;
  if (changes < 60000) throw new Error('too few changes: ' + changes);
`;

async function median3(start: () => { exited: Promise<CliUsage> }): Promise<{ cpuMs: number; maxRssMb: number }> {
  const runs: CliUsage[] = [];
  for (let i = 0; i < 3; i++) runs.push(await start().exited);
  if (runs.some((r) => r.code !== 0)) throw new Error('a measured process failed');
  return { cpuMs: median(runs.map((r) => r.cpuMs)), maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)) };
}

async function large() {
  const schedule = load(LARGE, FROM);
  // Every boundary of the large schedule is on a whole minute: sampling every minute finds every change.
  const monthTo = FROM + 30 * DAY;
  const month = streamedCount(schedule, FROM, monthTo);
  const sampled = sampledChanges(schedule, FROM, monthTo, MINUTE);
  if (sampled !== month) throw new Error(`the per-minute baseline found ${sampled} changes in 30 days, the timeline ${month}`);
  const baselineMs = time(() => sampledChanges(schedule, FROM, monthTo, MINUTE), 1);
  const monthMs = time(() => streamedCount(schedule, FROM, monthTo), 5);

  const growth = [3, 6, 12, 24].map((months) => {
    const to = new Date(FROM).setUTCMonth(new Date(FROM).getUTCMonth() + months);
    return { months, transitions: streamedCount(schedule, FROM, to), ms: time(() => streamedCount(schedule, FROM, to), 3) };
  });

  const instants = Array.from({ length: 50 }, (_, i) => FROM + i * 7.3 * DAY + i * 997 * MINUTE);
  const atMs = time(() => {
    for (const at of instants) {
      desiredAt(schedule, at);
      timeline(schedule, at, at + 400 * DAY, 1);
    }
  }, 3) / instants.length;

  await buildDist();
  // Start-up: the CLI with the 3-window example; what the large schedule adds is the rest.
  const startup = await median3(() => cliProcess(['plan', 'schedules/example.json', '--at', '2027-06-01T12:00'], { discardOutput: true }));
  const planAt = await median3(() => cliProcess(['plan', LARGE, '--at', '2027-06-01T12:00'], { discardOutput: true }));
  const engine = await median3(() => nodeProcess(['--input-type=module', '-e', ENGINE_ONLY], { discardOutput: true }));
  const json = await median3(() => cliProcess(['plan', LARGE, '--from', '2027-01-01T00:00', '--days', '730', '-o', 'json'], { discardOutput: true }));
  return {
    month, monthMs, baselineMs, growth, atMs,
    startupCpuMs: startup.cpuMs, planAtCpuMs: planAt.cpuMs - startup.cpuMs,
    engineRssMb: engine.maxRssMb, planJsonCpuMs: json.cpuMs - startup.cpuMs, planJsonRssMb: json.maxRssMb,
  };
}

export async function run(): Promise<BenchResult> {
  const ex = example();
  const lg = await large();
  const two = lg.growth.at(-1)!;
  const three = lg.growth[0]!;
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const perChangeUs = lg.growth.map((g) => (g.ms / g.transitions) * 1000);
  const speedup = lg.baselineMs / lg.monthMs;
  return {
    name: 'schedule-timeline',
    description: 'timeline() of the example (90 days) and of a large schedule (3–24 months, streamed), desiredAt + next change, plan --at and a 2-year plan as processes; baselines: 15-min and per-minute sampling of desiredAt',
    figures: {
      days: 90, transitions: ex.transitions, timelineMs: ex.timelineMs, baselineMs: ex.baselineMs,
      largeMonthTransitions: lg.month, largeMonthMs: lg.monthMs, largeMonthPerMinuteBaselineMs: lg.baselineMs,
      ...Object.fromEntries(lg.growth.flatMap((g) => [[`large${g.months}MonthsMs`, g.ms], [`large${g.months}MonthsTransitions`, g.transitions]])),
      largeAtPlusNextMs: lg.atMs, largeEngine2yRssMb: lg.engineRssMb,
      startupCpuMs: lg.startupCpuMs, planAtCpuMs: lg.planAtCpuMs, plan2yJsonCpuMs: lg.planJsonCpuMs, plan2yJsonRssMb: lg.planJsonRssMb,
    },
    speedup,
    summary: `example 90 d: timeline ${ex.timelineMs.toFixed(1)} ms vs 15-min sampling ${ex.baselineMs.toFixed(0)} ms (${(ex.baselineMs / ex.timelineMs).toFixed(0)}×); `
      + `large schedule: 30 d ${lg.monthMs.toFixed(0)} ms vs per-minute sampling ${lg.baselineMs.toFixed(0)} ms (${speedup.toFixed(0)}×); `
      + `3/6/12/24 months ${lg.growth.map((g) => g.ms.toFixed(0)).join('/')} ms for ${lg.growth.map((g) => g.transitions).join('/')} changes (${perChangeUs.map((x) => x.toFixed(1)).join('/')} µs each; 24 vs 3 months ${(two.ms / three.ms).toFixed(1)}× the time for ${(two.transitions / three.transitions).toFixed(1)}× the changes); `
      + `2 years ${two.ms.toFixed(0)} ms, a process reading them ${lg.engineRssMb.toFixed(0)} MB at peak (targets < ${TIMELINE_TARGET_MS} ms: ${met(two.ms < TIMELINE_TARGET_MS)}, < ${RSS_TARGET_MB} MB: ${met(lg.engineRssMb < RSS_TARGET_MB)}); `
      + `desiredAt + next change ${lg.atMs.toFixed(2)} ms; plan --at ${lg.planAtCpuMs.toFixed(0)} ms CPU beyond start-up with the example (${lg.startupCpuMs.toFixed(0)} ms; target < ${PLAN_AT_TARGET_MS}: ${met(lg.planAtCpuMs < PLAN_AT_TARGET_MS)}); `
      + `2-year plan -o json (410 MB written) ${(lg.planJsonCpuMs / 1000).toFixed(1)} s CPU, ${lg.planJsonRssMb.toFixed(0)} MB peak`,
  };
}
