// execute(plan): the Plan's steps against the world, in the plan's order (the planner put
// them in the only safe order, STEP_ORDER). Consecutive steps of one kind form a batch and
// run in parallel; node removals mark their whole batch first (removals.ts). A failed step
// stops the plan after its batch: the next reconcile re-plans from a fresh observation,
// and the marks on the nodes carry everything a restarted process needs.

import { describeStep, stepLogFields, type Plan, type Step } from '../plan/index.js';
import { plural } from '../plan/format.js';
import type { ExecContext } from './context.js';
import { createContext, would } from './context.js';
import type { Removal } from './drain.js';
import { isStopped, Stopped } from './failures.js';
import { resolveExecuteOptions, type ExecuteOptionsInput } from './options.js';
import { runRemovals } from './removals.js';
import { awaitNodes, rollbackNode, scaleUp, scaleWorkload, suspendProcesses, type StepOutcome } from './steps.js';
import { terminateUnjoined } from './terminate.js';
import type { ExecuteDeps, ExecutionReport, StepReport } from './types.js';

type Indexed = { readonly index: number; readonly step: Step };

export async function execute(plan: Plan, deps: ExecuteDeps, input: ExecuteOptionsInput = {}): Promise<ExecutionReport> {
  const options = resolveExecuteOptions(input);
  const ctx = createContext(plan.owner, deps, options);
  const startedAt = deps.clock.now();
  const reports: StepReport[] = [];
  let stopped: Stopped | undefined;
  let failed = false;

  for (const batch of batches(plan.steps)) {
    if (stopped || failed) {
      for (const { index, step } of batch) reports.push({ index, kind: step.kind, status: 'not-run', message: describeStep(step) });
      continue;
    }
    let outcomes: StepOutcome[];
    try {
      ctx.checkpoint();
      for (const { index, step } of batch) ctx.emit({ kind: 'step', index, step: step.kind, status: 'started', message: describeStep(step), fields: stepLogFields(step) });
      outcomes = await runBatch(ctx, batch);
    } catch (error) {
      if (!isStopped(error)) throw error;
      stopped = error;
      outcomes = batch.map(() => ({ status: 'stopped', message: error.message }));
    }
    batch.forEach(({ index, step }, i) => {
      const outcome = outcomes[i]!;
      reports.push({ index, kind: step.kind, status: outcome.status, message: deps.dryRun ? would(outcome.message) : outcome.message });
      ctx.emit({ kind: 'step', index, step: step.kind, status: outcome.status, message: outcome.message });
      if (outcome.status === 'failed') failed = true;
      if (outcome.status === 'stopped') stopped ??= isStopped(ctx.signal.reason) ? ctx.signal.reason : new Stopped('abort');
    });
  }

  ctx.close();
  const outcome = stopped ? 'stopped' : failed ? 'failed' : 'done';
  return {
    dryRun: deps.dryRun,
    startedAt,
    finishedAt: deps.clock.now(),
    outcome,
    stoppedBy: stopped?.by,
    message: summary(outcome, reports, stopped, deps.dryRun),
    steps: reports,
    nodes: ctx.nodes,
    actions: ctx.actions,
  };
}

/** Consecutive steps of one kind. */
function batches(steps: readonly Step[]): Indexed[][] {
  const out: Indexed[][] = [];
  steps.forEach((step, index) => {
    const last = out[out.length - 1];
    if (last && last[0]!.step.kind === step.kind) last.push({ index, step });
    else out.push([{ index, step }]);
  });
  return out;
}

/** The batch's outcomes in its order; throws Stopped when the run must stop. */
async function runBatch(ctx: ExecContext, batch: readonly Indexed[]): Promise<StepOutcome[]> {
  const first = batch[0]!.step;
  if (first.kind === 'drain-node' || first.kind === 'resume-node') return runRemovals(ctx, batch.map((b) => b.step as Removal));
  const settled = await Promise.allSettled(batch.map(({ index, step }) => runOne(ctx, index, step)));
  // A step of the batch that finished before the stop is reported as it ended, not as stopped.
  return settled.map((s) => {
    if (s.status === 'fulfilled') return s.value;
    if (isStopped(s.reason)) return { status: 'stopped', message: s.reason.message };
    if (s.reason instanceof Error) return { status: 'failed', message: s.reason.message };
    return { status: 'failed', message: String(s.reason) };
  });
}

function runOne(ctx: ExecContext, index: number, step: Step): Promise<StepOutcome> {
  switch (step.kind) {
    case 'suspend-processes':
      return suspendProcesses(ctx, step);
    case 'scale-workload':
      return scaleWorkload(ctx, step);
    case 'rollback-node':
      return rollbackNode(ctx, step);
    case 'terminate-unjoined':
      return terminateUnjoined(ctx, step);
    case 'scale-up':
      return scaleUp(ctx, step);
    case 'await-nodes':
      return awaitNodes(ctx, step, (message, at) => ctx.emit({ kind: 'step', index, step: step.kind, status: 'waiting', message, at }));
    case 'complete':
      return Promise.resolve({ status: 'done', message: step.reason });
    case 'drain-node':
    case 'resume-node':
      return runRemovals(ctx, [step]).then((outcomes) => outcomes[0]!);
  }
}

/**
 * The run in one line. The planner's `complete` step (nothing left to do after a scale-up)
 * is no work and is not counted: a run of it alone did nothing. In a dry run, what would
 * have been done.
 */
function summary(outcome: ExecutionReport['outcome'], all: readonly StepReport[], stopped: Stopped | undefined, dryRun: boolean): string {
  const steps = all.filter((s) => s.kind !== 'complete');
  const count = (status: StepReport['status']) => steps.filter((s) => s.status === status).length;
  const skipped = count('skipped') ? `, ${count('skipped')} skipped` : '';
  const done = (n: number) => (dryRun ? `would do ${plural(n, 'step')}` : `${plural(n, 'step')} done`);
  if (outcome === 'stopped') {
    const did = dryRun ? `would have done ${count('done')} of ${plural(steps.length, 'step')}` : `${count('done')} of ${plural(steps.length, 'step')} done`;
    return `${stopped!.message}; ${did}${skipped}`;
  }
  if (outcome === 'failed') {
    const first = steps.find((s) => s.status === 'failed')!;
    const others = [
      count('done') ? `${count('done')} done` : '',
      count('failed') > 1 ? `${count('failed') - 1} more failed` : '',
      count('not-run') ? `${count('not-run')} not run` : '',
      count('skipped') ? `${count('skipped')} skipped` : '',
    ].filter(Boolean);
    const rest = others.length ? `; of the other ${plural(steps.length - 1, 'step')}, ${others.join(', ')}` : '';
    return `step ${first.index + 1} (${first.kind}) ${dryRun ? 'would fail' : 'failed'}: ${first.message}${rest}`;
  }
  return steps.length === 0 ? 'nothing to do' : `${done(count('done'))}${skipped}`;
}
