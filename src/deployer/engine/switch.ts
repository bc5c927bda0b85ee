// Moving a deployment's frontends: to the new version at the switch, back to the previous one
// in a rollback, each a compare-and-swap of the frontend's key in etcd, acknowledged by
// lb-sync once haproxy serves it; then the answers through haproxy that verify the switch.
// Functions of the deployment's context (prepare.ts), so engine.ts keeps the order, the
// retries and the records; each is idempotent, as a retried step must be.

import type { Awaited } from './ports.js';
import { DeployFailure } from './errors.js';
import type { StepContext } from './prepare.js';

export function expectOk(result: Awaited, what: string): void {
  if (!result.ok) throw new DeployFailure(`${what}: ${result.reason}`);
}

const backendOf = (c: StepContext, version: number): string => c.deps.lb.backendId(c.record.namespace, c.record.app, version);

/**
 * Points `host` at `backend` if its key is still at `expected`: the new revision, or
 * undefined when someone else moved it. A key found at `backend` already is this write's
 * own (etcd applied it, and the client's retry then found the key moved).
 */
async function compareAndSwap(c: StepContext, host: string, backend: string | undefined, expected: number): Promise<number | undefined> {
  const revision = await c.deps.lb.switchFrontend(host, backend, expected, c.deps.fence);
  if (revision !== undefined) return revision;
  const now = await c.deps.lb.frontend(host);
  return now.backend === backend ? now.revision : undefined;
}

/** Every frontend to the new version, from the version this deployment replaces and no other. */
export async function switchToNew(c: StepContext, signal: AbortSignal): Promise<void> {
  const target = backendOf(c, c.record.version);
  for (const host of c.record.frontends) {
    signal.throwIfAborted();
    const live = await c.deps.lb.frontend(host);
    // Switched already: by an earlier run of this step, or by a write whose answer etcd lost.
    if (live.backend === target) {
      expectOk(await c.deps.lb.frontendApplied(host, live.revision, c.deps.timings.lbDeadlineMs, signal), `the switch of ${host}`);
      continue;
    }
    const expected = c.deps.lb.versionOf(c.record.namespace, c.record.app, live.backend);
    if (live.backend !== undefined && expected !== c.record.previousVersion) {
      throw new DeployFailure(`${host} points at ${live.backend}, not at the version this deployment replaces (${c.record.previousVersion ?? 'none'})`);
    }
    const revision = await compareAndSwap(c, host, target, live.revision);
    if (revision === undefined) throw new DeployFailure(`${host} changed while switching (someone else wrote its frontend)`);
    expectOk(await c.deps.lb.frontendApplied(host, revision, c.deps.timings.lbDeadlineMs, signal), `the switch of ${host}`);
    await c.log(`${host} switched to ${target}`);
  }
}

/** Every frontend that points at the new version goes back to the previous one (or loses its backend when there was none). */
export async function switchBack(c: StepContext, signal: AbortSignal): Promise<void> {
  const target = backendOf(c, c.record.version);
  const back = c.record.previousVersion === undefined ? undefined : backendOf(c, c.record.previousVersion);
  for (const host of c.record.frontends) {
    signal.throwIfAborted();
    const live = await c.deps.lb.frontend(host);
    if (live.backend !== target) continue;
    const revision = await compareAndSwap(c, host, back, live.revision);
    if (revision === undefined) throw new DeployFailure(`${host} changed while switching back`);
    if (back !== undefined) expectOk(await c.deps.lb.frontendApplied(host, revision, c.deps.timings.lbDeadlineMs, signal), `the switch back of ${host}`);
    await c.log(`${host} switched back to ${back ?? 'no backend'}`, 'warn');
  }
}

/** Answers in a row from the new version through haproxy, for every hostname. */
export async function verifyThroughLb(c: StepContext, signal: AbortSignal): Promise<void> {
  const want = String(c.record.version);
  const { verifyAnswers, verifyDeadlineMs, pollMs } = c.deps.timings;
  for (const host of c.record.frontends) {
    const deadline = c.deps.now() + verifyDeadlineMs;
    let streak = 0;
    let last = '';
    while (streak < verifyAnswers) {
      const answer = await c.deps.look(host, signal);
      if ('version' in answer && answer.version === want) streak++;
      else {
        streak = 0;
        last = 'version' in answer ? `version ${answer.version} answered` : answer.error;
      }
      if (streak === 0) {
        if (c.deps.now() > deadline) throw new DeployFailure(`through haproxy, ${host} did not answer from version ${want} ${verifyAnswers} times in a row: ${last}`);
        await c.deps.wait(pollMs, signal);
      }
    }
    await c.log(`${host} answers from version ${want} through haproxy`);
  }
}
