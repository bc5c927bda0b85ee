// The two halves of the chaos test: start the engine and SIGKILL it, again and again, at
// seeded kill points while the scale-down is under way; then let it run undisturbed until
// it has nothing left to do.

import { type Stage, type Trigger, chooseTrigger, describeTrigger, type ActWatch, type KillPoint } from './kill-points.js';
import { type EngineExit, type EngineProcess, parkEngine } from './engine-process.js';
import type { ChaosWorld } from './world.js';

export type Scale = { readonly from: number; readonly to: number };

export type KillLog = {
  /** Runs SIGKILLed while running. */
  readonly kills: KillPoint[];
  /** Runs that ended by themselves before their kill came: exit code and why. */
  readonly finished: string[];
};

/** A run that never acts (it found nothing to do, or waits) is killed after this long. */
const IDLE_BACKSTOP_MS = 4_000;

/**
 * Kills the engine `count` times mid-scale-down, or fewer if the scale-down ends first.
 * Kills are paced against the scale-down, so that `count` of them fit into it: a run
 * starting while the scale-down is ahead of the kills is killed before it acts or inside
 * its first act; with the last four nodes to go, before it acts. Kill points that must land
 * (chooseTrigger) are armed first, whatever the pace.
 */
export async function killRepeatedly(world: ChaosWorld, watch: ActWatch, random: () => number, scale: Scale, count: number): Promise<KillLog> {
  const log: KillLog = { kills: [], finished: [] };
  const leaving = scale.from - scale.to;
  let next = parkEngine(world.scaleArgs, world.env);
  let finishedAtLastKill = 0;
  try {
    for (let run = 0; log.kills.length < count; run++) {
      const { nodes, marked, terminating } = watch.progress();
      // Ended before enough kills: the caller checks the outcome first, then the count.
      if (nodes === scale.to && marked === 0) break;
      if (run >= count * 3 || log.finished.length - finishedAtLastKill >= 5) {
        throw new Error(`${run} runs for ${log.kills.length} kills; runs that ended by themselves: ${JSON.stringify(log.finished)}`);
      }
      // Past the point of no return: Nodes gone, or instances being terminated.
      const done = scale.from - nodes + terminating;
      const nearTheEnd = leaving - done <= 4;
      const pace = nearTheEnd ? 'end' : done > Math.floor((leaving * log.kills.length) / count) ? 'ahead' : 'free';
      const stage: Stage = marked === 0 && nodes === scale.from ? 'untouched' : marked + (scale.from - nodes) < leaving ? 'choosing' : 'removing';
      const trigger = chooseTrigger(random, stage, log.kills, pace);
      const engine = next;
      // The next process loads its modules while this one runs.
      next = parkEngine(world.scaleArgs, world.env);
      const outcome = await killOnce(engine, watch, trigger, stage);
      if ('point' in outcome) {
        log.kills.push(outcome.point);
        finishedAtLastKill = log.finished.length;
      } else log.finished.push(`exit ${outcome.exit.code}: ${why(outcome.exit)}`);
    }
  } finally {
    next.kill();
    await next.exited;
  }
  return log;
}

async function killOnce(engine: EngineProcess, watch: ActWatch, trigger: Trigger, stage: Stage): Promise<{ point: KillPoint } | { exit: EngineExit }> {
  let point: KillPoint | undefined;
  const timers: NodeJS.Timeout[] = [];
  const described = describeTrigger(trigger);
  const kill = (how: string) => {
    if (point) return;
    // Read before the signal: the kill point is the world as the dying process left it.
    const at = watch.point(how, stage);
    if (engine.kill()) point = at;
  };
  const after = (ms: number, how: string) => timers.push(setTimeout(() => kill(how), ms));
  await engine.parked;
  if (trigger.kind === 'timed') {
    watch.reset();
    after(trigger.afterMs, described);
  } else {
    let acted = false;
    let matching = 0;
    const { acts } = trigger;
    watch.reset((act) => {
      if (!acted) after(trigger.backstopMs, `${described}: backstop ${trigger.backstopMs} ms after the first act`);
      acted = true;
      if (acts !== 'any' && !acts.includes(act)) return;
      if (++matching !== trigger.nth) return;
      if (trigger.thenMs === 0) kill(described);
      else after(trigger.thenMs, described);
    });
    timers.push(setTimeout(() => acted || kill(`${described}: no act in ${IDLE_BACKSTOP_MS} ms`), IDLE_BACKSTOP_MS));
  }
  engine.go();
  const exit = await engine.exited;
  timers.forEach(clearTimeout);
  watch.reset();
  // Counted only if the signal, not the process itself, ended it.
  return point && exit.signal === 'SIGKILL' ? { point } : { exit };
}

/** What a run planned and how it ended, from `-o json`. */
export type RunSummary = { code: number | null; steps: string[]; waiting: readonly string[]; outcome: string; message: string };

type RunDocument = { plan: { steps: { kind: string }[]; waiting: string[] }; report: { outcome: string; message: string } };

/** Runs the engine undisturbed until a run exits 0 having planned nothing (at most `max` runs). */
export async function runToConvergence(world: ChaosWorld, max: number, watchdogMs: number): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  while (runs.length < max) {
    const engine = parkEngine(world.scaleArgs, world.env);
    await engine.parked;
    engine.go();
    const watchdog = setTimeout(() => engine.kill(), watchdogMs);
    const exit = await engine.exited;
    clearTimeout(watchdog);
    const run = summarize(exit);
    runs.push(run);
    if (run.code === 0 && run.steps.every((s) => s === 'complete') && run.waiting.length === 0) return runs;
  }
  throw new Error(`not converged after ${max} undisturbed runs: ${JSON.stringify(runs)}`);
}

function summarize(exit: EngineExit): RunSummary {
  try {
    const doc = JSON.parse(exit.out) as RunDocument;
    return { code: exit.code, steps: doc.plan.steps.map((s) => s.kind), waiting: doc.plan.waiting, outcome: doc.report.outcome, message: doc.report.message };
  } catch {
    return { code: exit.code, steps: [], waiting: [], outcome: exit.signal ?? 'no JSON', message: why(exit) };
  }
}

/** Why a run ended: its report's message, or the first error on stderr. */
function why(exit: EngineExit): string {
  try {
    return (JSON.parse(exit.out) as RunDocument).report.message;
  } catch {
    const lines = exit.err.split('\n').map((l) => l.trim());
    return lines.find((l) => /error/i.test(l)) ?? lines.find((l) => l !== '') ?? '';
  }
}
