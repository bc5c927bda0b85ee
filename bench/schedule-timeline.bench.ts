// How fast is the preview of a schedule? timeline() walks window boundaries; the
// baseline is what a naive preview does: evaluate desiredAt every 15 minutes and diff.
// Both cover the same 90 days of the example schedule and must find the same changes.

import { readFileSync } from 'node:fs';
import { checkScheduleText, desiredAt, timeline } from '../src/schedule/index.js';
import type { BenchResult } from './run.js';

const DAY = 86_400_000;
const STEP = 15 * 60_000;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(fn: () => unknown, runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

export function run(): BenchResult {
  const text = readFileSync(new URL('../schedules/example.json', import.meta.url), 'utf8');
  const from = Date.parse('2026-11-23T00:00Z');
  const checked = checkScheduleText(text, { file: 'example.json', now: from });
  if (!checked.ok) throw new Error('example.json is invalid');
  const schedule = checked.schedule;
  const to = from + 90 * DAY;

  const sampledChanges = (): number => {
    let changes = 0;
    let previous = JSON.stringify(desiredAt(schedule, from).state);
    for (let t = from + STEP; t < to; t += STEP) {
      const state = JSON.stringify(desiredAt(schedule, t).state);
      if (state !== previous) changes++;
      previous = state;
    }
    return changes;
  };
  const transitions = timeline(schedule, from, to).transitions.length;
  const sampled = sampledChanges();
  if (sampled !== transitions) throw new Error(`baseline found ${sampled} changes, timeline ${transitions}`);

  const timelineMs = time(() => timeline(schedule, from, to), 7);
  const baselineMs = time(sampledChanges, 3);
  const speedup = baselineMs / timelineMs;
  return {
    name: 'schedule-timeline',
    description: 'timeline() of the example schedule over 90 days vs sampling desiredAt every 15 minutes',
    figures: { days: 90, transitions, timelineMs, baselineMs },
    speedup,
    summary: `timeline ${timelineMs.toFixed(1)} ms vs 15-min sampling ${baselineMs.toFixed(0)} ms over 90 days (${transitions} changes): ${speedup.toFixed(0)}× faster`,
  };
}
