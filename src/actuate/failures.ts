// The two ways work on the world ends early, as values the actuator catches: a node that
// cannot be removed now (it is rolled back, the report says why), and a run that must
// stop at once (aborted, or no longer the leader). Neither leaves execute(): it returns
// a report that says what happened.

import type { NodeCode } from './types.js';

/** This node cannot be removed now; `code` says why, `message` in words. */
export class NodeFailure extends Error {
  constructor(
    readonly code: Exclude<NodeCode, 'removed' | 'rolled-back' | 'already-handled' | 'stopped'>,
    message: string,
  ) {
    super(message);
    this.name = 'NodeFailure';
  }
}

/** Stop everything now: no further mutating call. Marks stay for the next run to resume or roll back. */
export class Stopped extends Error {
  constructor(readonly by: 'abort' | 'leadership') {
    super(by === 'abort' ? 'stopped: the run was aborted' : 'stopped: no longer the leader');
    this.name = 'Stopped';
  }
}

export const isStopped = (error: unknown): error is Stopped => error instanceof Stopped;
