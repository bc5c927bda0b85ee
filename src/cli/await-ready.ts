// After `scale` adds nodes, it waits until they are Ready, as README promises: a line per
// change of the count, and the instances that do not join within the registration timeout
// terminated by exact id with decrement — by the planner's own rule (terminate-unjoined),
// so the command judges them as the daemon would. Each look is a fresh observe → plan.

import { DEFAULT_EXECUTE_OPTIONS, type Sleep } from '../actuate/index.js';
import { act, decide, type ReconcileInput } from '../engine/index.js';
import { formatInstant, plural } from '../plan/format.js';
import type { TerminateUnjoinedStep } from '../plan/index.js';
import { terminalSafe } from '../text/terminal.js';

export type ReadyWait = {
  readonly group: string;
  /** ready: target reached; short: nothing more is coming (some never joined); timeout; stopped (Ctrl-C); failed (a termination failed). */
  readonly outcome: 'ready' | 'short' | 'timeout' | 'stopped' | 'failed';
  readonly ready: number;
  readonly target: number;
  /** Instances terminated because they did not join in time. */
  readonly terminated: readonly string[];
  readonly message: string;
};

export type ReadyWaitInput = {
  readonly engine: ReconcileInput;
  readonly group: string;
  /** Give up at this instant of the engine's clock. */
  readonly until: number;
  readonly sleep: Sleep;
  readonly signal?: AbortSignal;
  /** One progress line. */
  readonly write: (line: string) => void;
};

export async function awaitReady({ engine, group, until, sleep, signal, write }: ReadyWaitInput): Promise<ReadyWait> {
  const clock = engine.execution.clock;
  const terminated: string[] = [];
  let last = '';
  let ready = 0;
  let target = 0;
  // Every look plans for its own instant (the registration deadlines move with it).
  const { now: _first, ...fresh } = engine;
  const end = (outcome: ReadyWait['outcome'], message: string): ReadyWait => ({ group, outcome, ready, target, terminated, message });
  for (;;) {
    if (signal?.aborted) return end('stopped', `${group}: stopped while waiting, ${ready} of ${target} nodes Ready`);
    const { plan } = await decide(fresh);
    const summary = plan.groups.find((g) => g.group === group);
    if (!summary || summary.target === undefined) return end('failed', `${group}: the group is no longer planned for`);
    ready = summary.readyNodes;
    target = summary.target;
    const unjoined = plan.steps.filter((s): s is TerminateUnjoinedStep => s.kind === 'terminate-unjoined' && s.group === group);
    if (unjoined.length > 0) {
      // Only these: the plan's scale-up replacing them is for the daemon or the next run.
      const report = await act(fresh, { ...plan, steps: unjoined });
      terminated.push(...unjoined.map((s) => s.instanceId));
      if (report.outcome !== 'done') return end(report.outcome === 'stopped' ? 'stopped' : 'failed', report.message);
      continue;
    }
    if (ready >= target) return end('ready', `${group}: ${ready} of ${target} nodes Ready`);
    if (ready >= summary.observedDesired) {
      return end('short', `${group}: ${ready} of ${target} nodes Ready; ${plural(terminated.length, 'instance')} that never joined terminated (${terminated.join(', ')}); run the command again to replace them`);
    }
    const text = `waiting: ${group} ${ready}/${target} nodes Ready (until ${formatInstant(until)})`;
    if (text !== last) write(terminalSafe(`${formatInstant(clock.now())}  ${text}`));
    last = text;
    if (clock.now() >= until) {
      return end('timeout', `${group}: ${ready} of ${target} nodes Ready at ${formatInstant(until)}; the daemon, or this command run again, terminates the instances that never join`);
    }
    try {
      await sleep(DEFAULT_EXECUTE_OPTIONS.pollMs, signal);
    } catch (error) {
      if (signal?.aborted) continue;
      throw error;
    }
  }
}
