// Instances leave their group by exact id, with decrement, and are confirmed going before
// their Node object is deleted (drain.md (a) 10–11, (b) 7).

import { isRemoteError } from '../errors.js';
import { readMark, type TerminateUnjoinedStep } from '../plan/index.js';
import { parseProviderId } from '../ports/observation.js';
import type { ExecContext } from './context.js';
import { NodeFailure } from './failures.js';
import { instanceKey, nodeKey } from './in-flight.js';
import type { StepOutcome } from './steps.js';

/** Terminating in any form, or Terminated (warm-pool forms too). */
export const isGoing = (state: string): boolean => /^(Warmed:)?Terminat/.test(state);

/**
 * TerminateInstanceInAutoScalingGroup on exactly this instance (the adapter looks first:
 * an instance already Terminating is not asked again, so the group is never decremented
 * twice), then wait until it shows Terminating or gone. An answer lost after AWS may have
 * acted comes back `unconfirmed`, not as an error the retry here would resend at once:
 * the same wait tells whether it was done, and asks again only after terminateReissueMs.
 */
export async function terminateExact(ctx: ExecContext, asg: string, instanceId: string, signal?: AbortSignal): Promise<void> {
  await ctx.retry(() => ctx.world.terminateInstance(instanceId), signal);
  await confirmGoing(ctx, asg, instanceId, { reissue: true, ...(signal ? { signal } : {}) });
}

/**
 * Polls the group until the instance is Terminating, Terminated or no longer in it. With
 * `reissue`, an instance still InService `terminateReissueMs` after the last request is
 * asked again (AWS accepted but did not act, fault 14; or the answer was lost and it was
 * not done); the adapter's look-first keeps that from decrementing twice. Fails with
 * `terminate-unconfirmed` at the deadline.
 */
export async function confirmGoing(ctx: ExecContext, asg: string, instanceId: string, how: { reissue: boolean; signal?: AbortSignal }): Promise<void> {
  const { pollMs, terminateConfirmTimeoutMs, terminateReissueMs } = ctx.options;
  const start = ctx.clock.now();
  let asked = start;
  for (;;) {
    const state = await lookUp(ctx, asg, instanceId);
    if (state === 'gone' || (state !== undefined && isGoing(state))) return;
    const now = ctx.clock.now();
    if (now - start >= terminateConfirmTimeoutMs) {
      throw new NodeFailure('terminate-unconfirmed', `instance ${instanceId} is still ${state ?? 'unknown'} ${Math.round((now - start) / 1000)} s after its termination was asked`);
    }
    if (how.reissue && state === 'InService' && now - asked >= terminateReissueMs) {
      asked = now;
      await ctx.retry(() => ctx.world.terminateInstance(instanceId), how.signal);
    }
    await ctx.sleep(pollMs, how.signal);
  }
}

/** The instance's lifecycle state; 'gone' when the group no longer lists it; undefined when the look failed (retryable). */
async function lookUp(ctx: ExecContext, asg: string, instanceId: string): Promise<string | undefined> {
  try {
    const [group] = await ctx.world.describeGroups([asg]);
    return group?.instances.find((i) => i.id === instanceId)?.lifecycleState ?? 'gone';
  } catch (error) {
    if (isRemoteError(error) && error.detail.retryable) return undefined;
    throw error;
  }
}

/**
 * An instance that never became a Ready node: re-read first and leave it alone if it
 * changed (no longer Pending/InService) or joined after all; else terminate exactly it,
 * and for `never-ready` delete its Node once the instance is going (IMPORTANT: not
 * before, or its kubelet re-registers it).
 */
export async function terminateUnjoined(ctx: ExecContext, step: TerminateUnjoinedStep): Promise<StepOutcome> {
  if (!ctx.inFlight.claim(instanceKey(step.instanceId), ...(step.node ? [nodeKey(step.node)] : []))) {
    return { status: 'skipped', message: `${step.instanceId} is already handled in this run` };
  }
  const [group, nodes] = await Promise.all([ctx.world.describeGroups([step.asg]), ctx.world.listNodes()]);
  const instance = group[0]?.instances.find((i) => i.id === step.instanceId);
  if (!instance || !['Pending', 'Pending:Wait', 'Pending:Proceed', 'InService'].includes(instance.lifecycleState)) {
    return { status: 'skipped', message: `${step.instanceId} is ${instance?.lifecycleState ?? 'no longer in the group'} now` };
  }
  const joined = nodes.find((n) => (n.instanceId ?? parseProviderId(n.providerId)?.instanceId) === step.instanceId || (!n.providerId && n.name === instance.privateDnsName));
  if (joined && step.cause === 'not-joined') return { status: 'skipped', message: `${step.instanceId} joined as ${joined.name} after all` };
  if (joined?.ready) return { status: 'skipped', message: `${joined.name} is Ready now` };
  if (joined && readMark(joined, ctx.owner).kind === 'other') return { status: 'skipped', message: `${joined.name} is being removed by another owner` };
  await terminateExact(ctx, step.asg, step.instanceId);
  if (step.cause === 'never-ready' && step.node) await ctx.retry(() => ctx.world.deleteNode(step.node!));
  return { status: 'done', message: `terminated ${step.instanceId} (${step.cause})${step.cause === 'never-ready' && step.node ? ` and deleted ${step.node}` : ''}` };
}
