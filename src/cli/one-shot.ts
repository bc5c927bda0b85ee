// How the one-shot commands (scale, drain) act, like kubectl and terraform: the plan is
// printed first; then consent — --yes, or "Proceed? [y/N]" when a person is at a
// terminal; where nobody can answer, acting without --yes is refused before any request —
// then the changes, with a progress line per step, node phase change and wait.

import { act, decide, type ReconcileInput } from '../engine/index.js';
import type { ExecutionReport } from '../actuate/index.js';
import { UsageError } from '../errors.js';
import type { Plan } from '../plan/index.js';
import type { CliIo } from './io.js';
import type { RemovalOptions } from './engine-options.js';
import { plansChanges, printPlan } from './run-report.js';

/** How this run may act: not at all (dry run), at once (--yes), or after asking. */
export type Consent = 'dry-run' | 'yes' | 'ask';

/** Decided from the flags and the terminal alone, before any request: refusals are usage errors naming --yes. */
export function consentFor(command: string, io: CliIo, options: RemovalOptions): Consent {
  if (options.dryRun) return 'dry-run';
  if (options.yes) return 'yes';
  if (options.output === 'json') {
    throw new UsageError('SCALERD_ERR_CLI_USAGE', `${command} -o json changes the cluster only with --yes (--dry-run shows the plan)`);
  }
  if (io.isTTY !== true || io.ask === undefined) {
    throw new UsageError('SCALERD_ERR_CLI_USAGE', `${command} changes the cluster and no terminal can confirm it: pass --yes to act (--dry-run shows the plan)`);
  }
  return 'ask';
}

/** The plan, and the report unless the person said no (report undefined: nothing was changed). */
export type OneShot = { readonly plan: Plan; readonly report: ExecutionReport | undefined };

/** Observe and plan, print the plan (text), ask when the plan changes anything, act. */
export async function planAndAct(io: CliIo, input: ReconcileInput, output: RemovalOptions['output'], consent: Consent): Promise<OneShot> {
  const { plan } = await decide(input);
  if (output === 'text') printPlan(io, plan);
  if (consent === 'ask' && plansChanges(plan) && !isYes(await io.ask!('Proceed? [y/N] '))) {
    io.out('cancelled: nothing was changed');
    return { plan, report: undefined };
  }
  return { plan, report: await act(input, plan) };
}

/** y or yes, any case; anything else (an empty line too) is no. */
export function isYes(answer: string): boolean {
  return /^\s*y(es)?\s*$/i.test(answer);
}
