// etcd3's errors as the deployer's (engine/errors.ts), at the adapter boundary: the engine
// decides on EtcdUnavailableError (wait and retry the step) without knowing the client.
//
// Unavailable: the client's recoverable gRPC errors (UNAVAILABLE, DEADLINE_EXCEEDED,
// CANCELLED, …), its open circuit breaker (after three failures it answers for etcd for
// 5 s), and a client call that never settles within our own limit. Anything else (a refused
// permission, a malformed request) is a real failure and propagates as it is.

import { isRecoverableError } from 'etcd3';
import { EtcdUnavailableError } from '../engine/errors.js';

export function isEtcdDown(error: unknown): boolean {
  if (error instanceof EtcdUnavailableError) return true;
  if (typeof error !== 'object' || error === null) return false;
  if ((error as { isBrokenCircuitError?: boolean }).isBrokenCircuitError === true) return true;
  return isRecoverableError(error as Error);
}

/** Runs one etcd operation; an unavailable etcd becomes EtcdUnavailableError naming `operation`. */
export async function etcdCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isEtcdDown(error) && !(error instanceof EtcdUnavailableError)) throw new EtcdUnavailableError(operation, { cause: error });
    throw error;
  }
}

/** `promise`, or EtcdUnavailableError once `ms` have passed (a stream call has no deadline of its own). */
export async function within<T>(operation: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EtcdUnavailableError(`${operation}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
