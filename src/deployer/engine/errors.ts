// The deployer's typed failures, shared by the engine (which decides what each means for a
// deployment) and the etcd adapters (which classify the client's errors into them, so the
// engine never sees etcd3's types).
//
//   EtcdUnavailableError  etcd did not answer: wait and try the same step again; never a
//                         reason to roll back (a rollback needs etcd too)
//   LockLostError         the app's lock is no longer this deployment's: stop acting at once;
//                         whoever holds the lock now completes or rolls it back
//   BakeBreachError       the new version breached its bake thresholds: switch back (R3)

import { ScalerdError } from '../../errors.js';

export class EtcdUnavailableError extends ScalerdError {
  constructor(readonly operation: string, options?: { cause?: unknown }) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('SCALERD_ERR_DEPLOY_ETCD', `etcd did not answer (${operation})${cause}`, options);
  }
}

export class LockLostError extends ScalerdError {
  constructor(readonly lock: string, reason: string, options?: { cause?: unknown }) {
    super('SCALERD_ERR_DEPLOY_FENCED', `the lock ${lock} is no longer held: ${reason}`, options);
  }
}

export class BakeBreachError extends ScalerdError {
  constructor(message: string, readonly numbers: Readonly<Record<string, number>>) {
    super('SCALERD_ERR_DEPLOY_BAKE', message);
  }
}

export const isEtcdUnavailable = (error: unknown): error is EtcdUnavailableError => error instanceof EtcdUnavailableError;
export const isLockLost = (error: unknown): error is LockLostError => error instanceof LockLostError;

/** A step's failure, with why; whether traffic had moved is the record's `switched`, which decides the rollback. */
export class DeployFailure extends Error {}
